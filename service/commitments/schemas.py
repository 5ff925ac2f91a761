"""What a commitment reads and writes: why (links), for whom, by when, and its status."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from service import demo_ids
from service.beliefs.schemas import BeliefIdField, Revision
from service.feedback.schemas import Stakeholder
from service.ids import id_pattern
from service.schema import Schema, omittable
from service.types import AwareDatetime, LongText

MAX_LINKS = 20  # of each kind
# An update is appended on creation and on each change of status: planned → in_progress →
# done | dropped, so at most three.
MAX_UPDATES = 3

CommitmentIdField = Annotated[
    str,
    Field(
        pattern=id_pattern("cmt"),
        description="Commitment id.",
        examples=[demo_ids.COMMITMENT],
    ),
]
ReflectionIdField = Annotated[
    str,
    Field(
        pattern=id_pattern("rfl"),
        description="The reflection.",
        examples=[demo_ids.SUBMITTED_REFLECTION],
    ),
]
PeriodStartField = Annotated[
    AwareDatetime,
    Field(
        description="The start of a closed reporting period (as in `period_start` of the "
        "trust score and themes).",
        examples=["2026-01-01T00:00:00Z"],
    ),
]


class CommitmentStatus(StrEnum):
    """`planned` → `in_progress` → `done` | `dropped` (a planned one may be dropped too);
    `done` and `dropped` are final."""

    planned = "planned"
    in_progress = "in_progress"
    done = "done"
    dropped = "dropped"


class ThemeKind(StrEnum):
    """Which free-text answer a theme comes from (as in the themes)."""

    needs = "needs"
    dreams = "dreams"


class ThemeLink(Schema):
    """A theme of a closed period, heard from one stakeholder group."""

    period_start: PeriodStartField
    kind: ThemeKind = Field(description="Needs or dreams.", examples=["needs"])
    key: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^\S+$",
        description="The theme's key (as in the themes).",
        examples=["clarity"],
    )
    stakeholder: Stakeholder = Field(
        description="The group the theme was heard from.", examples=["employees"]
    )


class GapLink(Schema):
    """An alignment gap: a belief of the leader in a closed period."""

    belief_id: BeliefIdField
    period_start: PeriodStartField


class EntryLink(Schema):
    """A reflection entry (a reflection of the leader and the belief it rates)."""

    reflection_id: ReflectionIdField
    belief_id: BeliefIdField


class CommitmentLinks(Schema):
    """Why the leader commits: any of their beliefs, themes, alignment gaps and reflection
    entries. Every belief and reflection named must be the leader's (422 otherwise)."""

    belief_ids: list[BeliefIdField] = Field(
        [],
        max_length=MAX_LINKS,
        description="Beliefs of the leader this commitment lives.",
        examples=[[demo_ids.BELIEF]],
    )
    themes: list[ThemeLink] = Field(
        [], max_length=MAX_LINKS, description="Themes it answers.", examples=[[]]
    )
    gaps: list[GapLink] = Field(
        [], max_length=MAX_LINKS, description="Alignment gaps it answers.", examples=[[]]
    )
    reflection_entries: list[EntryLink] = Field(
        [],
        max_length=MAX_LINKS,
        description="Reflection entries whose next step it takes.",
        examples=[[]],
    )


def _each_once(groups: list[Stakeholder]) -> list[Stakeholder]:
    if len(set(groups)) != len(groups):
        raise ValueError("names a stakeholder group twice")
    return groups


class _UniqueItems:
    """Documents `uniqueItems` (a `json_schema_extra` here would be lost where a PATCH field
    sets its own)."""

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema["uniqueItems"] = True
        return schema


ForWhom = Annotated[
    list[Stakeholder],
    AfterValidator(_each_once),
    _UniqueItems,
    Field(
        min_length=1,
        max_length=len(Stakeholder),
        description="The stakeholder groups it answers (each once).",
        examples=[["employees", "customers"]],
    ),
]
_STATEMENT = Field(
    description="What the leader will do.",
    examples=["Share the quarter's priorities and why they matter in every team meeting."],
)
_LINKS_EXAMPLE = {
    "belief_ids": [demo_ids.BELIEF],
    "themes": [],
    "gaps": [],
    "reflection_entries": [],
}
_LINKS = Field(description="Why: what it answers.", examples=[_LINKS_EXAMPLE])
_DUE_ON = Field(description="When it is due (a day).", examples=["2026-06-30"])
_STATUS = Field(
    description="`planned` → `in_progress` → `done` | `dropped`.", examples=["in_progress"]
)


class CommitmentCreate(Schema):
    """A commitment a leader makes."""

    statement: LongText = _STATEMENT
    links: CommitmentLinks = Field(
        default_factory=CommitmentLinks,
        description="Why: what it answers; default none.",
        examples=[_LINKS_EXAMPLE],
    )
    for_whom: ForWhom
    due_on: date = _DUE_ON
    status: CommitmentStatus = Field(
        CommitmentStatus.planned,
        description="Start as `planned` or `in_progress`.",
        examples=["planned"],
    )
    note: LongText | None = Field(
        None, description="A note for the first update.", examples=["Heard in the Q1 themes."]
    )


class CommitmentFromEntry(Schema):
    """For whom and by when: the statement is the entry's `next_step`."""

    for_whom: ForWhom
    due_on: date = _DUE_ON


class CommitmentPatch(Schema):
    """Fields to change. Each change keeps a revision; a change of status appends an update
    (with `note`); a `done` or `dropped` commitment cannot change."""

    statement: LongText = omittable(
        description="What the leader will do.",
        examples=["Share the priorities, and the reasons, in every team meeting."],
    )
    links: CommitmentLinks = omittable(
        description="Why (replaces the links).", examples=[_LINKS_EXAMPLE]
    )
    for_whom: ForWhom = omittable()
    due_on: date = omittable(description="When it is due.", examples=["2026-09-30"])
    status: CommitmentStatus = omittable(
        description="`planned` → `in_progress` → `done` | `dropped`.", examples=["done"]
    )
    note: LongText = omittable(
        description="The note of the update this change of status appends (only with a "
        "change of `status`).",
        examples=["Done: every team meeting opens with the priorities."],
    )


class CommitmentUpdate(Schema):
    """One dated status update."""

    at: datetime = Field(description="When.", examples=["2026-04-10T08:00:00Z"])
    status: CommitmentStatus = Field(description="The status from then on.", examples=["done"])
    note: LongText | None = Field(description="The leader's note.", examples=["Done."])


class CommitmentOut(Schema):
    """A commitment of a leader, at its current revision."""

    id: CommitmentIdField
    leader_id: str = Field(
        pattern=id_pattern("per"),
        description="The leader (a person id) who made it.",
        examples=[demo_ids.LEADER],
    )
    statement: LongText = _STATEMENT
    links: CommitmentLinks = _LINKS
    for_whom: ForWhom
    due_on: date = _DUE_ON
    status: CommitmentStatus = _STATUS
    updates: list[CommitmentUpdate] = Field(
        max_length=MAX_UPDATES,
        description="The dated history of its status, oldest first (one on creation, one "
        "per change of status).",
        examples=[
            [
                {"at": "2026-04-02T09:00:00Z", "status": "planned", "note": "Heard in Q1."},
                {"at": "2026-04-10T08:00:00Z", "status": "in_progress", "note": "Started."},
            ]
        ],
    )
    revision: Revision = Field(description="Current revision number (1 on creation).", examples=[1])
    created_at: datetime = Field(description="When it was made.", examples=["2026-04-02T09:00:00Z"])
    updated_at: datetime = Field(
        description="When it last changed.", examples=["2026-04-10T08:00:00Z"]
    )


class CommitmentRevisionOut(Schema):
    """A commitment as it was at one revision."""

    commitment_id: CommitmentIdField
    revision: Revision = Field(description="1 for the first version, +1 per change.", examples=[2])
    statement: LongText = _STATEMENT
    links: CommitmentLinks = _LINKS
    for_whom: ForWhom
    due_on: date = _DUE_ON
    status: CommitmentStatus = _STATUS
    created_at: datetime = Field(
        description="When this revision was made.", examples=["2026-04-10T08:00:00Z"]
    )
