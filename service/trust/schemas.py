from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from service import demo_ids
from service.ids import id_pattern
from service.schema import Schema
from service.types import Count, Name, Stage

MAX_HISTORY_PERIODS = 40
_LEADER_ID = Field(
    pattern=id_pattern("per"),
    description="The leader.",
    examples=[demo_ids.LEADER],
)


class OmitNone(Schema):
    """Serializes without its null fields: a suppressed figure is `{"suppressed": true}`."""

    # No return annotation on purpose: Pydantic then documents the fields, not a bare dict.
    @model_serializer(mode="wrap")
    def _omit_none(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if v is not None}


FIGURE_EXAMPLE = {
    "suppressed": False,
    "n": 7,
    "score": 68.2,
    "interval": {"lower": 58.4, "upper": 77.9},
    "raw": 71.4,
    "favorability": 0.71,
    "followers": 5,
}


class Interval(Schema):
    """The 90 % interval of a score."""

    lower: float = Field(description="Lower bound of the 90 % interval (0–100).", examples=[58.4])
    upper: float = Field(description="Upper bound of the 90 % interval (0–100).", examples=[77.9])


class ItemFigure(OmitNone):
    """One trust item's mean answer (1–5); absent when fewer than `min_group_size` answered."""

    suppressed: bool = Field(description="True when hidden for privacy.", examples=[False])
    n: Count | None = Field(None, description="Respondents who answered it.", examples=[7])
    mean: float | None = Field(None, description="Mean answer, 1–5.", examples=[4.14])


class Figure(OmitNone):
    """A published aggregate. When `suppressed` is true, nothing else is shown — not even n."""

    suppressed: bool = Field(description="True when hidden for privacy.", examples=[False])
    n: Count | None = Field(None, description="Respondents counted.", examples=[7])
    score: float | None = Field(
        None,
        description="Follower-trust score, 0–100, shrunk toward the organization mean.",
        examples=[68.2],
    )
    interval: Interval | None = Field(
        None, description="90 % interval of the score.", examples=[{"lower": 58.4, "upper": 77.9}]
    )
    raw: float | None = Field(
        None, description="Unshrunk mean of the respondents' scores.", examples=[71.4]
    )
    favorability: float | None = Field(
        None, description="Share of respondents whose own mean answer is ≥ 4.", examples=[0.71]
    )
    followers: Count | None = Field(
        None, description="Respondents with want_to_follow ≥ 4 and leaned_on ≥ 4.", examples=[5]
    )


class OverallFigure(Figure):
    """The overall figure, with the mean answer per trust item."""

    items: dict[str, ItemFigure] | None = Field(
        None,
        description="Per trust item (`trust`, `greater_good`, `want_to_follow`, `leaned_on`).",
        examples=[
            {"trust": {"suppressed": False, "n": 7, "mean": 4.1}, "leaned_on": {"suppressed": True}}
        ],
    )


class PeriodRef(Schema):
    """A reporting period: from `start` (inclusive) to `end` (exclusive), UTC."""

    start: datetime = Field(
        description="First instant of the period.", examples=["2026-01-01T00:00:00Z"]
    )
    end: datetime = Field(description="First instant after it.", examples=["2026-04-01T00:00:00Z"])


class OpenPeriod(PeriodRef):
    """The period still open: a count only, no figures until it closes."""

    answers: Count = Field(
        description="Respondents with an answer about this leader in it so far.", examples=[4]
    )


class Method(Schema):
    """How the figures were computed, with the parameters of the period they belong to."""

    description: str = Field(
        max_length=2000,
        description="The method in one paragraph.",
        examples=["score = (C·m + n·raw) / (C + n) …"],
    )
    period_months: int = Field(
        ge=1, le=12, description="Reporting period length in months.", examples=[3]
    )
    prior_weight: float = Field(description="C.", examples=[3])
    prior_mean: float = Field(
        description="m: mean of the leaders' shown overall raw in the period (50 when none).",
        examples=[55.2],
    )
    min_group_size: int = Field(ge=3, le=100, description="Smallest group shown.", examples=[3])
    manager_group_minimum: int = Field(
        ge=1, le=100, description="Smallest manager group shown.", examples=[3]
    )
    emerging_leader_score: float = Field(description="Stage threshold.", examples=[60])
    leader_lower_bound: float = Field(description="Stage threshold.", examples=[65])
    leader_follower_share: float = Field(description="Stage threshold.", examples=[0.5])


_PERIOD_EXAMPLE = {"start": "2026-01-01T00:00:00Z", "end": "2026-04-01T00:00:00Z"}


class Trend(Schema):
    """The figures of the latest earlier closed period in which the leader's overall figure
    was shown, and the change since."""

    period: PeriodRef | None = Field(
        description="The period compared with: the latest closed period before the one shown "
        "in which the leader's overall figure was shown — not always the one just before (a "
        "month without a campaign is skipped); null when there is none.",
        examples=[_PERIOD_EXAMPLE],
    )
    stage: Stage = Field(description="Stage then.", examples=["manager"])
    overall: Figure = Field(description="The overall figure then.", examples=[FIGURE_EXAMPLE])
    change: float | None = Field(
        None, description="Score now minus score then (both shown).", examples=[4.2]
    )


class TrustScore(Schema):
    """The follower-trust score of a leader for the latest closed reporting period."""

    leader_id: str = _LEADER_ID
    as_of: datetime = Field(
        description="The moment read: the figures are those of the latest period closed then.",
        examples=["2026-04-02T09:30:00Z"],
    )
    period: PeriodRef | None = Field(
        description="The closed period shown (null before the first one closes).",
        examples=[_PERIOD_EXAMPLE],
    )
    closed_at: datetime | None = Field(
        description="When that period's figures were computed and frozen.",
        examples=["2026-04-01T00:05:00Z"],
    )
    stage: Stage = Field(description="manager → emerging_leader → leader.", examples=["leader"])
    overall: OverallFigure = Field(
        description="All counted respondents of the period.", examples=[FIGURE_EXAMPLE]
    )
    stakeholder_groups: dict[str, Figure] | None = Field(
        description="Per stakeholder group, between the relationships and the overall: "
        "`employees` (direct reports, peers, the manager), `customers` (internal and "
        'external), `suppliers` and `other`; hidden groups are `{"suppressed": true}`. '
        "Null for a period closed before Calling computed stakeholder groups (its figures "
        "stay as they were frozen).",
        examples=[
            {
                "employees": FIGURE_EXAMPLE,
                "customers": {"suppressed": True},
                "suppliers": {"suppressed": True},
                "other": {"suppressed": True},
            }
        ],
    )
    relationships: dict[str, Figure] = Field(
        description='Per relationship; hidden relationships are `{"suppressed": true}`.',
        examples=[{"direct_report": FIGURE_EXAMPLE, "peer": {"suppressed": True}}],
    )
    trend: Trend = Field(
        description="The closed period before.",
        examples=[{"period": None, "stage": "insufficient_data", "overall": {"suppressed": True}}],
    )
    open_period: OpenPeriod | None = Field(
        description="Reads without `as_of`: the period still open, with its count of answers "
        "so far (no figures). Null with `as_of`.",
        examples=[{**_PERIOD_EXAMPLE, "answers": 4}],
    )
    method: Method = Field(
        description="The method and the parameters used, to explain every number.",
        examples=[
            {
                "description": "…",
                "period_months": 3,
                "prior_weight": 3,
                "prior_mean": 55.2,
                "min_group_size": 3,
                "manager_group_minimum": 3,
                "emerging_leader_score": 60,
                "leader_lower_bound": 65,
                "leader_follower_share": 0.5,
            }
        ],
    )


class HistoryPoint(Schema):
    """One closed period's overall figure."""

    period: PeriodRef = Field(description="The closed period.", examples=[_PERIOD_EXAMPLE])
    stage: Stage = Field(description="Stage in that period.", examples=["manager"])
    overall: Figure = Field(
        description="The overall figure of that period.", examples=[FIGURE_EXAMPLE]
    )


class TrustHistory(Schema):
    """One point per closed reporting period, oldest first."""

    leader_id: str = _LEADER_ID
    data: list[HistoryPoint] = Field(
        max_length=MAX_HISTORY_PERIODS,
        description="Oldest first; suppressed points marked.",
        examples=[
            [
                {
                    "period": _PERIOD_EXAMPLE,
                    "stage": "insufficient_data",
                    "overall": {"suppressed": True},
                }
            ]
        ],
    )


class LeaderScore(Schema):
    """One leader's figures in the latest closed period."""

    leader_id: str = _LEADER_ID
    display_name: Name = Field(description="The leader's name.", examples=["Ada Lindqvist"])
    stage: Stage = Field(description="Stage in that period.", examples=["emerging_leader"])
    overall: Figure = Field(description="Overall figure of that period.", examples=[FIGURE_EXAMPLE])
    period: PeriodRef = Field(description="The closed period.", examples=[_PERIOD_EXAMPLE])
