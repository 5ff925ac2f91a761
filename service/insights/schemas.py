from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from service import demo_ids
from service.feedback.schemas import Relationship, Stakeholder
from service.ids import id_pattern
from service.insights.alignment import AlignmentClass
from service.reflections.schemas import ScheduleOut
from service.schema import Schema
from service.trust.schemas import Figure, OmitNone, OpenPeriod, PeriodRef
from service.types import Count, Stage, Statement

MAX_BELIEFS = 500
MAX_THEMES = 1000
MAX_EXAMPLES = 3
MAX_PERIODS = 40
Phrase = Annotated[str, Field(max_length=100)]

_LEADER_ID = Field(
    pattern=id_pattern("per"),
    description="The leader.",
    examples=[demo_ids.LEADER],
)
_PERIOD_EXAMPLE = {"start": "2026-07-01T00:00:00Z", "end": "2026-10-01T00:00:00Z"}
_AS_OF = Field(
    description="The moment read: the figures are those of the latest period closed then.",
    examples=["2026-10-02T09:30:00Z"],
)
_PERIOD = Field(
    description="The closed period shown (null before the first one closes).",
    examples=[_PERIOD_EXAMPLE],
)
_CLOSED_AT = Field(
    description="When that period's figures were computed and frozen.",
    examples=["2026-10-01T00:05:00Z"],
)


class Rating(OmitNone):
    """Others' mean rating of a belief (1–5). When `suppressed` is true, nothing else is
    shown — not even n."""

    suppressed: bool = Field(description="True when hidden for privacy.", examples=[False])
    n: Count | None = Field(None, description="Respondents who rated it.", examples=[6])
    mean: float | None = Field(None, description="Mean rating, 1–5.", examples=[3.17])


_RATING_EXAMPLE = {"suppressed": False, "n": 6, "mean": 3.17}


class BeliefAlignmentOut(Schema):
    """How the leader rates living one belief, against how others see it."""

    belief_id: str = Field(
        pattern=id_pattern("blf"),
        description="The belief.",
        examples=[demo_ids.BELIEF],
    )
    statement: Statement = Field(
        description="The belief, in the leader's words.",
        examples=["Trust is given first, not earned first."],
    )
    self_rating: int | None = Field(
        ge=1,
        le=5,
        description="The belief's alignment (1–5) in the leader's latest submitted "
        "reflection; null when it has none.",
        examples=[5],
    )
    reflection_id: str | None = Field(
        pattern=id_pattern("rfl"),
        description="That reflection.",
        examples=[demo_ids.SUBMITTED_REFLECTION],
    )
    others: Rating = Field(
        description="Others' rating in the period (the feedback `belief_ratings`).",
        examples=[_RATING_EXAMPLE],
    )
    gap: float | None = Field(
        description="self_rating − others' mean; null when either is missing.", examples=[1.83]
    )
    classification: AlignmentClass = Field(
        description="`blind_spot` (self higher by ≥ gap_threshold), `hidden_strength` (others "
        "higher by ≥ it), `aligned`, or `insufficient_data`.",
        examples=["blind_spot"],
    )
    stakeholder_groups: dict[str, Rating] | None = Field(
        description="Others' rating per stakeholder group (`employees`: direct reports, "
        "peers, the manager; `customers`: internal and external; `suppliers`; `other`); "
        'hidden groups are `{"suppressed": true}`. Null for a period closed before Calling '
        "computed stakeholder groups.",
        examples=[
            {
                "employees": _RATING_EXAMPLE,
                "customers": {"suppressed": True},
                "suppliers": {"suppressed": True},
                "other": {"suppressed": True},
            }
        ],
    )
    relationships: dict[str, Rating] = Field(
        description="Others' rating per relationship that reaches its minimum; hidden "
        'relationships are `{"suppressed": true}`.',
        examples=[{"direct_report": _RATING_EXAMPLE, "peer": {"suppressed": True}}],
    )


class Alignment(Schema):
    """Per active belief: self-view against others' view, largest gap first."""

    leader_id: str = _LEADER_ID
    as_of: datetime = _AS_OF
    period: PeriodRef | None = _PERIOD
    closed_at: datetime | None = _CLOSED_AT
    gap_threshold: float = Field(
        ge=0.25, le=4, description="The period's `gap_threshold`.", examples=[1.0]
    )
    beliefs: list[BeliefAlignmentOut] = Field(
        max_length=MAX_BELIEFS,
        description="Every active belief, ordered by |gap| (largest first), "
        "`insufficient_data` last.",
        examples=[
            [
                {
                    "belief_id": demo_ids.BELIEF,
                    "statement": "Trust is given first, not earned first.",
                    "self_rating": 5,
                    "reflection_id": demo_ids.SUBMITTED_REFLECTION,
                    "others": _RATING_EXAMPLE,
                    "gap": 1.83,
                    "classification": "blind_spot",
                    "stakeholder_groups": {"employees": _RATING_EXAMPLE},
                    "relationships": {"direct_report": _RATING_EXAMPLE},
                }
            ]
        ],
    )


class Kind(StrEnum):
    """Which free-text answer: what respondents need, or what they dream of."""

    needs = "needs"
    dreams = "dreams"


class ThemeFigure(Schema):
    """A theme shared by at least `min_comment_group_size` respondents of one level."""

    key: str = Field(
        max_length=64,
        pattern=r"^\S+$",
        description="Stable key: a theme of the documented map (`clarity`), or "
        "`term:<lemma>` for a word outside it.",
        examples=["clarity"],
    )
    label: str = Field(
        max_length=64,
        description="Readable label in the organization's `language` setting as it is when "
        "read (`en`: English, `sv`: Swedish; a label is presentation, so a change of the "
        "setting shows at once, in closed periods too). A `term:<lemma>` theme is labelled "
        "with its lemma in every language. `examples` are not translated: they are what "
        "respondents wrote, in either language.",
        examples=["Clear priorities and direction"],
    )
    kind: Kind = Field(description="`needs` or `dreams`.", examples=["needs"])
    respondents: Count = Field(
        description="Distinct respondents whose answer mentions the theme.", examples=[8]
    )
    previous: Count | None = Field(
        description="The same in the period before, when it was shown there; else null.",
        examples=[5],
    )
    change: int | None = Field(
        ge=-(2**31),
        le=2**31 - 1,
        description="respondents − previous (null when previous is null).",
        examples=[3],
    )
    examples: list[Phrase] = Field(
        max_length=MAX_EXAMPLES,
        description="Short phrases (at most two words) respondents used; never a whole answer.",
        examples=[["clearer priorities", "clear goals"]],
    )


class ThemeOut(ThemeFigure):
    """A theme shared by at least `min_comment_group_size` respondents of one relationship."""

    level: Literal["relationship"] = Field(
        description="The level of the figure: one relationship.", examples=["relationship"]
    )
    relationship: Relationship = Field(
        description="The respondents' relationship to the leader.", examples=["direct_report"]
    )
    stakeholder: Stakeholder = Field(
        description="employees (direct reports, peers, manager), customers (internal and "
        "external), suppliers, or other.",
        examples=["employees"],
    )


class StakeholderThemeOut(ThemeFigure):
    """A theme shared by at least `min_comment_group_size` respondents of one stakeholder
    group (its relationships together)."""

    level: Literal["stakeholder_group"] = Field(
        description="The level of the figure: one stakeholder group.",
        examples=["stakeholder_group"],
    )
    stakeholder: Stakeholder = Field(
        description="employees (direct reports, peers, manager), customers (internal and "
        "external), suppliers, or other.",
        examples=["customers"],
    )


class OverallThemeOut(ThemeFigure):
    """A theme shared by at least `min_comment_group_size` respondents of the leader's whole
    circle, or of the whole organization."""

    level: Literal["leader", "organization"] = Field(
        description="The level of the figure: `leader` (every respondent about the leader) "
        "or `organization` (every respondent about any of its leaders).",
        examples=["leader"],
    )


_THEME_EXAMPLE = {
    "key": "clarity",
    "label": "Clear priorities and direction",
    "kind": "needs",
    "level": "relationship",
    "relationship": "direct_report",
    "stakeholder": "employees",
    "respondents": 8,
    "previous": 5,
    "change": 3,
    "examples": ["clearer priorities", "clear goals"],
}
_STAKEHOLDER_THEME_EXAMPLE = {
    "key": "delivery",
    "label": "Reliable orders, forecasts and payments",
    "kind": "needs",
    "level": "stakeholder_group",
    "stakeholder": "customers",
    "respondents": 6,
    "previous": 5,
    "change": 1,
    "examples": ["leveransbesked", "delivery dates"],
}
_OVERALL_THEME_EXAMPLE = {
    "key": "clarity",
    "label": "Clear priorities and direction",
    "kind": "needs",
    "level": "leader",
    "respondents": 11,
    "previous": 7,
    "change": 4,
    "examples": ["clearer priorities", "tydliga mål"],
}


class AnsweredOut(OmitNone):
    """How many respondents of one level answered `needs` (or `dreams`) at all, and how many
    themes stayed under the threshold there. Shown over at least `min_group_size`
    respondents, protected like every figure; `{"kind": …, "level": …, "suppressed": true}`
    otherwise (none answered included)."""

    kind: Kind = Field(description="`needs` or `dreams`.", examples=["needs"])
    level: Literal["relationship", "stakeholder_group", "leader", "organization"] = Field(
        description="The level of the figure.", examples=["stakeholder_group"]
    )
    stakeholder: Stakeholder | None = Field(
        None,
        description="The stakeholder group (its level and the relationship's).",
        examples=["customers"],
    )
    relationship: Relationship | None = Field(
        None, description="The relationship (its level only).", examples=["external_customer"]
    )
    suppressed: bool = Field(description="True when hidden for privacy.", examples=[False])
    respondents: Count | None = Field(
        None, description="Respondents who answered (any text).", examples=[4]
    )
    themes_below_threshold: Count | None = Field(
        None,
        description="Themes mentioned there by fewer than `min_comment_group_size` "
        "respondents (not shown).",
        examples=[3],
    )


class Themes(Schema):
    """Themes in what people need and dream of, for one closed period."""

    leader_id: str | None = Field(
        pattern=id_pattern("per"),
        description="The leader; null for the whole organization.",
        examples=[demo_ids.LEADER],
    )
    as_of: datetime = _AS_OF
    period: PeriodRef | None = _PERIOD
    closed_at: datetime | None = _CLOSED_AT
    previous_period: PeriodRef | None = Field(
        description="The period the change is against (null when there is none).",
        examples=[{"start": "2026-04-01T00:00:00Z", "end": "2026-07-01T00:00:00Z"}],
    )
    min_comment_group_size: int = Field(
        ge=3, le=100, description="The period's threshold for themes.", examples=[5]
    )
    overall: list[OverallThemeOut] = Field(
        max_length=MAX_THEMES,
        description="Shown themes of the leader's whole circle (the organization's: of every "
        "leader's), needs first, most respondents first. Empty for a period closed before "
        "Calling computed themes at every level.",
        examples=[[_OVERALL_THEME_EXAMPLE]],
    )
    stakeholder_groups: list[StakeholderThemeOut] = Field(
        max_length=MAX_THEMES,
        description="Shown themes per stakeholder group (the leader's only), needs first, "
        "then by group, most respondents first.",
        examples=[[_STAKEHOLDER_THEME_EXAMPLE]],
    )
    answered: list[AnsweredOut] = Field(
        max_length=2 * (2 + len(Stakeholder) + len(Relationship)),
        description="Per kind and level (the whole circle, each stakeholder group, each "
        "relationship; the organization's: its whole), how many respondents answered and "
        "how many themes stayed under the threshold. Empty for a period closed before "
        "Calling counted them.",
        examples=[
            [
                {
                    "kind": "needs",
                    "level": "leader",
                    "suppressed": False,
                    "respondents": 14,
                    "themes_below_threshold": 9,
                },
                {
                    "kind": "needs",
                    "level": "relationship",
                    "stakeholder": "customers",
                    "relationship": "external_customer",
                    "suppressed": True,
                },
            ]
        ],
    )
    themes: list[ThemeOut] = Field(
        max_length=MAX_THEMES,
        description="Shown themes per relationship (the leader's; the organization's only in "
        "periods closed before themes at every level), needs first, then by relationship, "
        "most respondents first. A theme under the threshold is absent (no count, no text). "
        "Labels are in the organization's `language` as it is when read.",
        examples=[[_THEME_EXAMPLE]],
    )


class ConnectionGroup(OmitNone):
    """A stakeholder group that takes part in a connection: at least `min_group_size` of
    its respondents mention the theme. Its count shows where its own theme figure does."""

    stakeholder: Stakeholder = Field(description="The stakeholder group.", examples=["suppliers"])
    suppressed: bool = Field(
        description="True when the group's count is hidden for privacy (under "
        "`min_comment_group_size`, or it would isolate fewer by subtraction).",
        examples=[True],
    )
    respondents: Count | None = Field(
        None, description="The group's respondents mentioning the theme.", examples=[6]
    )


class ConnectionOut(Schema):
    """A theme that two or more stakeholder groups share: the article's "opportunities and
    connections"."""

    key: str = Field(
        max_length=64, pattern=r"^\S+$", description="The theme's key.", examples=["delivery"]
    )
    label: str = Field(
        max_length=64,
        description="Readable label.",
        examples=["Reliable orders, forecasts and payments"],
    )
    kind: Kind = Field(description="`needs` or `dreams`.", examples=["needs"])
    level: Literal["leader", "organization"] = Field(
        description="The level of the figure: the leader's whole circle, or the organization.",
        examples=["leader"],
    )
    respondents: Count = Field(
        description="Respondents of the whole circle mentioning the theme (the same figure as "
        "the theme's in `overall`).",
        examples=[9],
    )
    stakeholder_groups: list[ConnectionGroup] = Field(
        min_length=2,
        max_length=len(Stakeholder),
        description="The groups taking part, in the order employees, customers, suppliers, other.",
        examples=[
            [
                {"stakeholder": "employees", "suppressed": False, "respondents": 5},
                {"stakeholder": "suppliers", "suppressed": True},
            ]
        ],
    )


_CONNECTION_EXAMPLE = {
    "key": "delivery",
    "label": "Reliable orders, forecasts and payments",
    "kind": "needs",
    "level": "leader",
    "respondents": 9,
    "stakeholder_groups": [
        {"stakeholder": "employees", "suppressed": False, "respondents": 5},
        {"stakeholder": "suppliers", "suppressed": True},
    ],
}


class Connections(Schema):
    """Themes shared across stakeholder groups, for one closed period."""

    leader_id: str | None = Field(
        pattern=id_pattern("per"),
        description="The leader; null for the whole organization.",
        examples=[demo_ids.LEADER],
    )
    as_of: datetime = _AS_OF
    period: PeriodRef | None = _PERIOD
    closed_at: datetime | None = _CLOSED_AT
    min_group_size: int = Field(
        ge=3,
        le=100,
        description="The period's least number of a group's respondents mentioning a theme "
        "for the group to take part.",
        examples=[3],
    )
    min_comment_group_size: int = Field(
        ge=3, le=100, description="The period's threshold for theme counts.", examples=[5]
    )
    connections: list[ConnectionOut] = Field(
        max_length=MAX_THEMES,
        description="Needs first, then the most groups, then the most respondents. Empty for "
        "a period closed before Calling computed connections.",
        examples=[[_CONNECTION_EXAMPLE]],
    )


class BeliefCounts(Schema):
    """The leader's beliefs by status."""

    draft: Count = Field(description="Drafts.", examples=[1])
    active: Count = Field(description="Active.", examples=[3])
    retired: Count = Field(description="Retired.", examples=[0])


class PeriodAnswers(OmitNone):
    """Respondents counted in one closed period (absent when its overall figure is)."""

    period: PeriodRef = Field(description="The closed period.", examples=[_PERIOD_EXAMPLE])
    suppressed: bool = Field(description="True when hidden for privacy.", examples=[False])
    respondents: Count | None = Field(None, description="Respondents counted.", examples=[7])


class TrustNow(Schema):
    """Stage and overall figure of a closed period."""

    period: PeriodRef | None = Field(description="The period.", examples=[_PERIOD_EXAMPLE])
    stage: Stage = Field(description="Stage in that period.", examples=["emerging_leader"])
    overall: Figure = Field(
        description="The overall figure then.", examples=[{"suppressed": False, "n": 7}]
    )


class Journey(Schema):
    """What a leader's dashboard needs, in one call."""

    leader_id: str = _LEADER_ID
    as_of: datetime = Field(description="When it was read.", examples=["2026-10-02T09:30:00Z"])
    beliefs: BeliefCounts = Field(
        description="Beliefs by status.", examples=[{"draft": 1, "active": 3, "retired": 0}]
    )
    reflection: ScheduleOut = Field(
        description="Reflection cadence and what is due.",
        examples=[
            {
                "leader_id": demo_ids.LEADER,
                "cadence_days": 90,
                "cadence_source": "organization",
                "active_beliefs": 3,
                "last_submitted_at": "2026-09-30T16:20:00Z",
                "next_due_at": "2026-12-29T16:20:00Z",
                "overdue": False,
            }
        ],
    )
    feedback: list[PeriodAnswers] = Field(
        max_length=MAX_PERIODS,
        description="Respondents counted per closed period, oldest first (the latest 8).",
        examples=[[{"period": _PERIOD_EXAMPLE, "suppressed": False, "respondents": 7}]],
    )
    trust: TrustNow = Field(
        description="The latest closed period.",
        examples=[{"period": _PERIOD_EXAMPLE, "stage": "leader", "overall": {"suppressed": True}}],
    )
    trust_before: TrustNow = Field(
        description="The closed period before it.",
        examples=[{"period": None, "stage": "insufficient_data", "overall": {"suppressed": True}}],
    )
    open_period: OpenPeriod = Field(
        description="The period still open and its count of answers so far (no figures).",
        examples=[{**_PERIOD_EXAMPLE, "answers": 4}],
    )
    top_gaps: list[BeliefAlignmentOut] = Field(
        max_length=3,
        description="The three largest gaps of the alignment (beliefs with a gap only).",
        examples=[[]],
    )
    top_themes: list[ThemeOut] = Field(
        max_length=6,
        description="The three most shared themes of needs and of dreams (any relationship), "
        "labelled in the organization's `language` as it is when read.",
        examples=[[_THEME_EXAMPLE]],
    )
    top_overall_themes: list[OverallThemeOut] = Field(
        max_length=6,
        description="The three most shared themes of needs and of dreams over the leader's "
        "whole circle.",
        examples=[[_OVERALL_THEME_EXAMPLE]],
    )
