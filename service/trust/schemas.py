from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from service.http import Schema
from service.ids import id_pattern
from service.types import Count, Name

MAX_HISTORY_MONTHS = 36
_LEADER_ID = Field(
    pattern=id_pattern("per"),
    description="The leader.",
    examples=["per_01JD5ZQ8W4M3KXHNB7T2C9V6RE"],
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


class Stage(StrEnum):
    """manager → emerging leader → leader (or insufficient data)."""

    insufficient_data = "insufficient_data"
    manager = "manager"
    emerging_leader = "emerging_leader"
    leader = "leader"


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


class Method(Schema):
    """How the figures were computed, with the parameters used."""

    description: str = Field(
        max_length=2000,
        description="The method in one paragraph.",
        examples=["score = (C·m + n·raw) / (C + n) …"],
    )
    window_days: int = Field(ge=7, le=730, description="Feedback window.", examples=[180])
    prior_weight: float = Field(description="C.", examples=[3])
    prior_mean: float = Field(description="m: the organization mean used.", examples=[55.2])
    min_group_size: int = Field(ge=3, le=100, description="Smallest group shown.", examples=[3])
    manager_group_minimum: int = Field(
        ge=1, le=100, description="Smallest manager group shown.", examples=[3]
    )
    emerging_leader_score: float = Field(description="Stage threshold.", examples=[60])
    leader_lower_bound: float = Field(description="Stage threshold.", examples=[65])
    leader_follower_share: float = Field(description="Stage threshold.", examples=[0.5])


class Trend(Schema):
    """The published state in force one window earlier, and the change since."""

    as_of: datetime = Field(
        description="One window before the score's `as_of`.", examples=["2025-09-01T00:00:00Z"]
    )
    stage: Stage = Field(description="Stage then.", examples=["manager"])
    overall: Figure = Field(
        description="The overall figure in force then.",
        examples=[FIGURE_EXAMPLE],
    )
    change: float | None = Field(
        None, description="Score now minus score then (both shown).", examples=[4.2]
    )


class TrustScore(Schema):
    """The follower-trust score of a leader: published states only (see `method`)."""

    leader_id: str = _LEADER_ID
    as_of: datetime = Field(
        description="The moment these published states were in force.",
        examples=["2026-03-01T09:30:00Z"],
    )
    published_at: datetime | None = Field(
        None,
        description="When the overall figure was last published.",
        examples=["2026-02-27T16:05:00Z"],
    )
    pending: bool | None = Field(
        None,
        description="Current reads only: changes have arrived that are not yet "
        "published (figures move only in steps of at least `min_group_size` respondents).",
        examples=[False],
    )
    stage: Stage = Field(description="manager → emerging_leader → leader.", examples=["leader"])
    overall: OverallFigure = Field(
        description="All respondents in the window.", examples=[FIGURE_EXAMPLE]
    )
    relationships: dict[str, Figure] = Field(
        description='Per relationship group; hidden groups are `{"suppressed": true}`.',
        examples=[{"direct_report": FIGURE_EXAMPLE, "peer": {"suppressed": True}}],
    )
    trend: Trend = Field(
        description="The state in force one window earlier.",
        examples=[
            {"as_of": "2025-09-02T09:30:00Z", "stage": "manager", "overall": {"suppressed": True}}
        ],
    )
    method: Method = Field(
        description="The method and the parameters used, to explain every number.",
        examples=[
            {
                "description": "…",
                "window_days": 180,
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
    """The published state in force at one month's end."""

    as_of: datetime = Field(
        description="A month's end (UTC).", examples=["2026-01-31T23:59:59.999999Z"]
    )
    stage: Stage = Field(description="Stage in force then.", examples=["manager"])
    overall: Figure = Field(
        description="The overall figure in force then.",
        examples=[FIGURE_EXAMPLE],
    )


class TrustHistory(Schema):
    """A monthly series of a leader's published trust score."""

    leader_id: str = _LEADER_ID
    data: list[HistoryPoint] = Field(
        max_length=MAX_HISTORY_MONTHS,
        description="Oldest first; suppressed points marked.",
        examples=[
            [
                {
                    "as_of": "2026-01-31T23:59:59.999999Z",
                    "stage": "insufficient_data",
                    "overall": {"suppressed": True},
                }
            ]
        ],
    )


class LeaderScore(Schema):
    """One leader's current published score and stage."""

    leader_id: str = _LEADER_ID
    display_name: Name = Field(description="The leader's name.", examples=["Ada Lindqvist"])
    stage: Stage = Field(description="Current stage.", examples=["emerging_leader"])
    overall: Figure = Field(
        description="Current published overall figure.",
        examples=[FIGURE_EXAMPLE],
    )
    published_at: datetime | None = Field(
        None, description="When it was published.", examples=["2026-03-01T09:30:00Z"]
    )
