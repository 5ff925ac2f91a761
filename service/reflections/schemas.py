from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from service import demo_ids
from service.beliefs.schemas import BeliefIdField
from service.ids import id_pattern
from service.reflection_prompts.schemas import PromptIdField
from service.reflections.fields import Day, JsonBool
from service.schema import Schema, omittable
from service.types import INT32_MAX, JSON_INTEGER, LongText, ResourceRevision, Statement

ReflectionIdField = Annotated[
    str,
    Field(
        pattern=id_pattern("rfl"),
        description="Reflection id.",
        examples=[demo_ids.SUBMITTED_REFLECTION],
    ),
]
Alignment = Annotated[int, Field(ge=1, le=5), JSON_INTEGER]
CadenceDays = Annotated[int, Field(ge=7, le=366), JSON_INTEGER]

MAX_ENTRIES = 500
MAX_ANSWERS = 100
MAX_HISTORY_POINTS = 1000  # an alignment history holds the latest this many

_STATEMENT_EXAMPLE = "People do their best work when they know why it matters."
_PROMPT_EXAMPLE = "Where did my behaviour contradict one of my beliefs, and what got in the way?"
_ENTRY_EXAMPLE = {
    "belief_id": demo_ids.BELIEF,
    "alignment": 4,
    "evidence": "Shared the full budget with the team before asking for priorities.",
    "next_step": "Explain the why in every planning meeting.",
}
_ANSWER_EXAMPLE = {
    "prompt_id": demo_ids.PROMPT,
    "answer": "I skipped the retrospective when the deadline slipped.",
}


class ReflectionScope(StrEnum):
    """Where the leader looks: their own conduct, their team, or the organization."""

    self = "self"
    team = "team"
    organization = "organization"


class ReflectionStatus(StrEnum):
    """Lifecycle of a reflection: `draft`, then `submitted` (final)."""

    draft = "draft"
    submitted = "submitted"


_PERIOD_START = Field(description="First day of the period reflected on.", examples=["2026-07-01"])
_PERIOD_END = Field(
    description="Last day of the period (on or after `period_start`).", examples=["2026-09-30"]
)
_SCOPE = Field(
    description="Where the leader looks: their own conduct (`self`), their `team`, or the "
    "`organization` as they start making changes.",
    examples=["self"],
)
_ALIGNMENT = Field(
    None,
    description="How well my behaviour matched this belief, 1 (not at all) – 5 (fully); "
    "`null` while unfilled (a draft only).",
    examples=[4],
)
_EVIDENCE = Field(
    None,
    description="What I did (or did not do) that shows it.",
    examples=["Shared the full budget with the team before asking for priorities."],
)
_NEXT_STEP = Field(
    None,
    description="What I will do next about this belief.",
    examples=["Explain the why in every planning meeting."],
)
_ANSWER = Field(
    None,
    description="The leader's answer; `null` while unanswered.",
    examples=["I skipped the retrospective when the deadline slipped."],
)
_NOTES = Field(None, description="Free notes.", examples=["A hard quarter; I learned a lot."])


class EntryIn(Schema):
    """One belief of the leader, rated for the period."""

    belief_id: BeliefIdField
    alignment: Alignment | None = _ALIGNMENT
    evidence: LongText | None = _EVIDENCE
    next_step: LongText | None = _NEXT_STEP


class AnswerIn(Schema):
    """An answer to one of the organization's reflection prompts."""

    prompt_id: PromptIdField
    answer: LongText | None = _ANSWER


class ReflectionCreate(Schema):
    """A new draft reflection. With `from_template`, one entry per active belief of the
    leader and one answer per active prompt are pre-filled (unfilled); `entries` and
    `answers` you send fill in those rows (matched by `belief_id` / `prompt_id`) or add to
    them."""

    period_start: Day = _PERIOD_START
    period_end: Day = _PERIOD_END
    scope: ReflectionScope = Field(
        ReflectionScope.self, description=_SCOPE.description, examples=["self"]
    )
    from_template: JsonBool = Field(
        False,
        description="Pre-fill an entry for every belief of the leader that is active (and "
        "was active in the period) and an answer for every active prompt.",
        examples=[True],
    )
    entries: list[EntryIn] = Field(
        default_factory=list,
        max_length=MAX_ENTRIES,
        description="Per-belief entries; each must name a belief of this leader that was "
        "active during the period.",
        examples=[[_ENTRY_EXAMPLE]],
    )
    answers: list[AnswerIn] = Field(
        default_factory=list,
        max_length=MAX_ANSWERS,
        description="Answers to reflection prompts (active ones).",
        examples=[[_ANSWER_EXAMPLE]],
    )
    notes: LongText | None = _NOTES


class ReflectionPatch(Schema):
    """Fields to change in a draft. A list given (`entries`, `answers`) replaces the whole
    list. A submitted reflection is immutable (409)."""

    period_start: Day = omittable(description="First day of the period.", examples=["2026-07-01"])
    period_end: Day = omittable(description="Last day of the period.", examples=["2026-09-30"])
    scope: ReflectionScope = omittable(
        description="`self`, `team` or `organization`.", examples=["team"]
    )
    entries: list[EntryIn] = omittable(
        max_length=MAX_ENTRIES,
        description="Replaces every entry of the reflection.",
        examples=[[_ENTRY_EXAMPLE]],
    )
    answers: list[AnswerIn] = omittable(
        max_length=MAX_ANSWERS,
        description="Replaces every answer of the reflection.",
        examples=[[_ANSWER_EXAMPLE]],
    )
    notes: LongText | None = omittable(
        description="Free notes; `null` clears them.", examples=["Revisited after the offsite."]
    )


class EntryOut(Schema):
    """One belief of the leader, rated for the period."""

    belief_id: BeliefIdField = Field(description="The belief.", examples=[demo_ids.BELIEF])
    statement: Statement = Field(
        description="The belief's statement as it reads now (read-only, for display).",
        examples=["People do their best work when they know why it matters."],
    )
    alignment: Alignment | None = _ALIGNMENT
    evidence: LongText | None = _EVIDENCE
    next_step: LongText | None = _NEXT_STEP


class AnswerOut(Schema):
    """The leader's answer to one prompt."""

    prompt_id: PromptIdField = Field(description="The prompt.", examples=[demo_ids.PROMPT])
    prompt: Statement = Field(
        description="The prompt's text (read-only, for display).",
        examples=["Where did my behaviour contradict one of my beliefs?"],
    )
    answer: LongText | None = _ANSWER


class ReflectionOut(Schema):
    """One periodic self-assessment of a leader."""

    id: ReflectionIdField
    leader_id: str = Field(
        pattern=id_pattern("per"),
        description="The leader (a person id) reflecting.",
        examples=[demo_ids.LEADER],
    )
    period_start: date = _PERIOD_START
    period_end: date = _PERIOD_END
    scope: ReflectionScope = _SCOPE
    status: ReflectionStatus = Field(
        description="`draft` → `submitted` (through the submit action; then immutable).",
        examples=["draft"],
    )
    entries: list[EntryOut] = Field(
        max_length=MAX_ENTRIES,
        description="Per-belief entries, in order.",
        examples=[[{**_ENTRY_EXAMPLE, "statement": _STATEMENT_EXAMPLE}]],
    )
    answers: list[AnswerOut] = Field(
        max_length=MAX_ANSWERS,
        description="Answers to prompts, in order.",
        examples=[[{**_ANSWER_EXAMPLE, "prompt": _PROMPT_EXAMPLE}]],
    )
    notes: LongText | None = _NOTES
    submitted_at: datetime | None = Field(
        description="When it was submitted; `null` in a draft.", examples=[None]
    )
    revision: ResourceRevision
    created_at: datetime = Field(
        description="When the reflection was started.", examples=["2026-09-28T08:00:00Z"]
    )
    updated_at: datetime = Field(
        description="When it last changed.", examples=["2026-09-30T16:20:00Z"]
    )


class CadenceSource(StrEnum):
    """Whose cadence is in force: the leader's own, or the organization's default."""

    leader = "leader"
    organization = "organization"


class ScheduleSet(Schema):
    """The leader's own cadence; `null` follows the organization's default."""

    cadence_days: CadenceDays | None = Field(
        description="Days between reflections (7–366), or `null` for the organization's "
        "`reflection_cadence_days`.",
        examples=[30],
    )


class ScheduleOut(Schema):
    """When a leader's next reflection is due."""

    leader_id: str = Field(
        pattern=id_pattern("per"),
        description="The leader.",
        examples=[demo_ids.LEADER],
    )
    cadence_days: CadenceDays = Field(
        description="Days between reflections in force.", examples=[90]
    )
    cadence_source: CadenceSource = Field(
        description="`leader` (their own setting) or `organization` (the default).",
        examples=["organization"],
    )
    active_beliefs: int = Field(
        ge=0,
        le=INT32_MAX,
        description="The leader's active beliefs; with none, nothing is due.",
        examples=[3],
    )
    last_submitted_at: datetime | None = Field(
        description="When the leader last submitted a reflection; `null` if never.",
        examples=["2026-09-30T16:20:00Z"],
    )
    next_due_at: datetime | None = Field(
        description="`last_submitted_at` + `cadence_days`; `null` when nothing was submitted "
        "yet (then a leader with an active belief is due now).",
        examples=["2026-12-29T16:20:00Z"],
    )
    overdue: bool = Field(
        description="The leader holds an active belief and either never submitted or "
        "`next_due_at` has passed.",
        examples=[False],
    )


class AlignmentPoint(Schema):
    """The leader's rating of the belief in one submitted reflection."""

    reflection_id: ReflectionIdField = Field(
        description="The submitted reflection.", examples=[demo_ids.SUBMITTED_REFLECTION]
    )
    period_start: date = _PERIOD_START
    period_end: date = _PERIOD_END
    scope: ReflectionScope = _SCOPE
    submitted_at: datetime = Field(
        description="When the reflection was submitted.", examples=["2026-09-30T16:20:00Z"]
    )
    alignment: Alignment = Field(
        description="The leader's rating of this belief, 1–5.", examples=[4]
    )


class AlignmentHistory(Schema):
    """The series of the leader's own alignment ratings of one belief."""

    belief_id: BeliefIdField = Field(description="The belief.", examples=[demo_ids.BELIEF])
    leader_id: str = Field(
        pattern=id_pattern("per"),
        description="The leader holding it.",
        examples=[demo_ids.LEADER],
    )
    data: list[AlignmentPoint] = Field(
        max_length=MAX_HISTORY_POINTS,
        description="One point per submitted reflection rating this belief, in submission "
        f"order (the latest {MAX_HISTORY_POINTS:,} when there are more).",
        examples=[
            [
                {
                    "reflection_id": demo_ids.SUBMITTED_REFLECTION,
                    "period_start": "2026-07-01",
                    "period_end": "2026-09-30",
                    "scope": "self",
                    "submitted_at": "2026-09-30T16:20:00Z",
                    "alignment": 4,
                }
            ]
        ],
    )
