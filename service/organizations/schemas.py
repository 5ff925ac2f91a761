from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, WithJsonSchema, model_validator

from service.ids import id_pattern
from service.periods.calendar import PERIOD_MONTHS
from service.schema import Schema, omittable
from service.types import JSON_NUMBER, Name

PeriodMonths = Annotated[
    Literal[1, 3, 6, 12],
    # One of four values, within bounds (the OWASP rules want both on every integer).
    WithJsonSchema({"type": "integer", "enum": list(PERIOD_MONTHS), "minimum": 1, "maximum": 12}),
    JSON_NUMBER,
]
PriorWeight = Annotated[
    float,
    Field(
        ge=0,
        le=50,
        description="C: pseudo-respondents shrinking toward the org mean.",
        examples=[3.0],
    ),
    JSON_NUMBER,
]
MinGroupSize = Annotated[
    int,
    Field(
        ge=3, le=100, description="Smallest group any shown aggregate covers (≥ 3).", examples=[3]
    ),
    JSON_NUMBER,
]
MinCommentGroupSize = Annotated[
    int,
    Field(
        ge=3,
        le=100,
        description="Smallest group any shown free text covers (≥ min).",
        examples=[5],
    ),
    JSON_NUMBER,
]
ManagerGroupMinimum = Annotated[
    int,
    Field(
        ge=1,
        le=100,
        description="1, or ≥ `min_group_size`: the manager group's minimum. 1 is for a "
        "leader's one known manager: the manager group then shows when it is exactly one "
        "answer; two to `min_group_size` − 1 managers stay hidden.",
        examples=[3],
    ),
    JSON_NUMBER,
]
Language = Annotated[
    Literal["en", "sv"],
    Field(
        description="The language of theme labels, `en` (English) or `sv` (Swedish). A label "
        "is presentation, not a figure: it is resolved when read, so a change shows at once, "
        "in closed periods too.",
        examples=["sv"],
    ),
]
Score = Annotated[float, Field(ge=0, le=100), JSON_NUMBER]
Share = Annotated[float, Field(ge=0, le=1), JSON_NUMBER]
GapThreshold = Annotated[float, Field(ge=0.25, le=4), JSON_NUMBER]
CadenceDays = Annotated[int, Field(ge=7, le=366), JSON_NUMBER]
RetentionDays = Annotated[int, Field(ge=30, le=3650), JSON_NUMBER]


class OrganizationSettings(Schema):
    """Scoring and privacy settings (DOMAIN.md). Every field has the documented default.
    Settings that change figures (all but `reflection_cadence_days`,
    `feedback_retention_days` and `language`) apply from the next reporting period on."""

    period_months: PeriodMonths = Field(
        3,
        description="Reporting period length in months: 1, 3, 6 or 12 (calendar-aligned, UTC).",
        examples=[3],
    )
    prior_weight: PriorWeight = 3.0
    min_group_size: MinGroupSize = 3
    min_comment_group_size: MinCommentGroupSize = 5
    manager_group_minimum: ManagerGroupMinimum = 3
    emerging_leader_score: Score = Field(
        60.0, description="Score for `emerging_leader`.", examples=[60.0]
    )
    leader_lower_bound: Score = Field(
        65.0, description="Interval lower bound for `leader`.", examples=[65.0]
    )
    leader_follower_share: Share = Field(
        0.5, description="Followers / n needed for `leader`.", examples=[0.5]
    )
    gap_threshold: GapThreshold = Field(
        1.0, description="Self-vs-others gap that counts.", examples=[1.0]
    )
    reflection_cadence_days: CadenceDays = Field(
        90, description="Default reflection cadence in days.", examples=[90]
    )
    feedback_retention_days: RetentionDays | None = Field(
        None, description="Feedback older than this is deleted; `null` keeps it.", examples=[365]
    )
    language: Language = "en"

    @model_validator(mode="after")
    def _consistent(self) -> OrganizationSettings:
        if self.min_comment_group_size < self.min_group_size:
            raise ValueError("min_comment_group_size must be at least min_group_size")
        if self.manager_group_minimum != 1 and self.manager_group_minimum < self.min_group_size:
            raise ValueError("manager_group_minimum must be 1 or at least min_group_size")
        return self


class OrganizationSettingsPatch(Schema):
    """Settings to change; omitted ones keep their value."""

    period_months: PeriodMonths = omittable(
        description="1, 3, 6 or 12; applies from the next period on.", examples=[12]
    )
    prior_weight: PriorWeight = omittable(description="C of the shrinkage.", examples=[3])
    min_group_size: MinGroupSize = omittable(description="≥ 3.", examples=[3])
    min_comment_group_size: MinCommentGroupSize = omittable(
        description="≥ min_group_size.", examples=[5]
    )
    manager_group_minimum: ManagerGroupMinimum = omittable(
        description="1 or ≥ min_group_size.", examples=[3]
    )
    emerging_leader_score: Score = omittable(description="0–100.", examples=[60])
    leader_lower_bound: Score = omittable(description="0–100.", examples=[65])
    leader_follower_share: Share = omittable(description="0–1.", examples=[0.5])
    gap_threshold: GapThreshold = omittable(description="0.25–4.", examples=[1.0])
    reflection_cadence_days: CadenceDays = omittable(description="7–366.", examples=[90])
    feedback_retention_days: RetentionDays | None = omittable(
        description="≥ 30, or `null` to keep feedback.", examples=[365]
    )
    language: Language = omittable(
        description="`en` or `sv`: the language of theme labels, at once.", examples=["sv"]
    )


_SETTINGS_EXAMPLE = {
    "period_months": 3,
    "prior_weight": 3.0,
    "min_group_size": 3,
    "min_comment_group_size": 5,
    "manager_group_minimum": 3,
    "emerging_leader_score": 60.0,
    "leader_lower_bound": 65.0,
    "leader_follower_share": 0.5,
    "gap_threshold": 1.0,
    "reflection_cadence_days": 90,
    "feedback_retention_days": None,
    "language": "en",
}


class OrganizationOut(Schema):
    """Your organization (tenant) and its settings."""

    id: str = Field(
        pattern=id_pattern("org"),
        description="Organization id.",
        examples=["org_01JD5ZQ8W4M3KXHNB7T2C9V6RE"],
    )
    name: Name = Field(description="Display name.", examples=["Acme AB"])
    revision: int = Field(
        ge=1,
        le=2_147_483_647,
        description="The version of this organization; its `ETag` is this number in quotes, "
        'so send `If-Match: "<revision>"` to change it.',
        examples=[1],
    )
    settings: OrganizationSettings = Field(
        description="Scoring and privacy settings.", examples=[_SETTINGS_EXAMPLE]
    )
    settings_apply_from: datetime | None = Field(
        description="The first instant of the first reporting period these settings apply "
        "to: a change applies from the end of the period open when it is made (that period, "
        "and every earlier one, keeps the settings it started with). `null` when they have "
        "applied from the start.",
        examples=["2027-04-01T00:00:00Z"],
    )
    created_at: datetime = Field(
        description="When the organization was created.", examples=["2025-01-02T10:00:00Z"]
    )
    updated_at: datetime = Field(
        description="When its name or settings last changed.", examples=["2025-02-11T16:20:00Z"]
    )
    sandbox: bool = Field(
        description="A sandbox organization (for tests, with a test clock), never live.",
        examples=[False],
    )


class OrganizationPatch(Schema):
    """What to change; omitted fields keep their value."""

    name: Name = omittable(description="Display name.", examples=["Acme Group AB"])
    settings: OrganizationSettingsPatch = omittable(
        description="Settings to change.", examples=[{"period_months": 12, "min_group_size": 5}]
    )


class TenantOut(Schema):
    """A customer organization, as the platform sees it (never its data)."""

    id: str = Field(
        pattern=id_pattern("org"),
        description="Organization id.",
        examples=["org_01JD5ZQ8W4M3KXHNB7T2C9V6RE"],
    )
    name: Name = Field(description="Display name.", examples=["Acme AB"])
    revision: int = Field(
        ge=1, le=2_147_483_647, description="The version of this organization.", examples=[1]
    )
    created_at: datetime = Field(
        description="When the organization was created.", examples=["2025-01-02T10:00:00Z"]
    )
    updated_at: datetime = Field(
        description="When it last changed.", examples=["2025-02-11T16:20:00Z"]
    )
    deactivated_at: datetime | None = Field(
        description="When it was deactivated (its keys stopped working); `null` while active.",
        examples=[None],
    )
    sandbox: bool = Field(
        description="A sandbox organization (for tests, with a test clock), never live.",
        examples=[False],
    )
