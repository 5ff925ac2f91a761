from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from service import demo_ids
from service.ids import id_pattern
from service.schema import Schema, omittable
from service.types import INT32_MAX, JSON_NUMBER, LongText, Statement

BeliefIdField = Annotated[
    str,
    Field(
        pattern=id_pattern("blf"),
        description="Belief id.",
        examples=[demo_ids.BELIEF],
    ),
]


MAX_POSITION = 10_000
Position = Annotated[int, Field(ge=0, le=MAX_POSITION), JSON_NUMBER]
Revision = Annotated[int, Field(ge=1, le=INT32_MAX)]


class BeliefStatus(StrEnum):
    """Lifecycle of a belief: `draft` → `active` → `retired` (final)."""

    draft = "draft"
    active = "active"
    retired = "retired"


class BeliefCategory(StrEnum):
    """What a belief is about."""

    people = "people"
    work = "work"
    customers = "customers"
    integrity = "integrity"
    growth = "growth"
    organization = "organization"
    other = "other"


_STATEMENT = Field(
    description="The belief, in the leader's own words.",
    examples=["People do their best work when they know why it matters."],
)
_RATIONALE = Field(
    None,
    description="Why it matters to the leader.",
    examples=["I have seen teams come alive when the purpose was clear."],
)
_CATEGORY = Field(description="What the belief is about.", examples=["people"])
_STATUS = Field(
    description="`draft` → `active` → `retired` (retired is final).", examples=["active"]
)
_POSITION = Field(description="Order among the leader's beliefs (ascending).", examples=[0])


class BeliefCreate(Schema):
    """A belief to codify for a leader."""

    statement: Statement = _STATEMENT
    rationale: LongText | None = _RATIONALE
    category: BeliefCategory = Field(
        BeliefCategory.other, description="What it is about.", examples=["people"]
    )
    status: BeliefStatus = Field(
        BeliefStatus.draft, description="Start as `draft` or `active`.", examples=["draft"]
    )
    position: Position = omittable(
        description="Order among the leader's beliefs; default: last.", examples=[0]
    )


class BeliefPatch(Schema):
    """Fields to change. Each change keeps a revision; a retired belief cannot change."""

    statement: Statement = omittable(
        description="The belief, in the leader's words.",
        examples=["Bad news should travel faster than good news, and be thanked for."],
    )
    rationale: LongText | None = omittable(
        description="Why it matters; `null` clears it.",
        examples=["A problem we hear of early is one we can still fix."],
    )
    category: BeliefCategory = omittable(description="What it is about.", examples=["integrity"])
    status: BeliefStatus = omittable(
        description="`draft` → `active` → `retired`.", examples=["active"]
    )
    position: Position = omittable(description="Order (ascending).", examples=[1])


class BeliefOut(Schema):
    """A belief of a leader, at its current revision."""

    id: BeliefIdField
    leader_id: str = Field(
        pattern=id_pattern("per"),
        description="The leader (a person id) who holds this belief.",
        examples=[demo_ids.LEADER],
    )
    statement: Statement = _STATEMENT
    rationale: LongText | None = _RATIONALE
    category: BeliefCategory = _CATEGORY
    status: BeliefStatus = _STATUS
    position: Position = _POSITION
    revision: Revision = Field(description="Current revision number (1 on creation).", examples=[1])
    activated_at: datetime | None = Field(
        description="When it became active; `null` while a draft.",
        examples=["2025-01-20T08:00:00Z"],
    )
    retired_at: datetime | None = Field(
        description="When it was retired; `null` until then.", examples=[None]
    )
    created_at: datetime = Field(
        description="When it was codified.", examples=["2025-01-15T09:30:00Z"]
    )
    updated_at: datetime = Field(
        description="When it last changed.", examples=["2025-01-20T08:00:00Z"]
    )


class BeliefRevisionOut(Schema):
    """A belief as it was at one revision."""

    belief_id: BeliefIdField = Field(examples=[demo_ids.BELIEF], description="The belief.")
    revision: Revision = Field(description="1 for the first version, +1 per change.", examples=[2])
    statement: Statement = _STATEMENT
    rationale: LongText | None = _RATIONALE
    category: BeliefCategory = _CATEGORY
    status: BeliefStatus = _STATUS
    position: Position = _POSITION
    created_at: datetime = Field(
        description="When this revision was made.", examples=["2025-01-20T08:00:00Z"]
    )
