"""Reflections: a draft is filled, then submitted through an explicit action and frozen.

What an entry or answer may name is in `rules`. Entries and answers are replaced as whole
lists; the reflection's version (its ETag) moves whenever anything in it changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import and_, delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from service.beliefs.models import Belief
from service.db import utcnow
from service.errors import Conflict, NotFound, Unprocessable
from service.events.data import (
    ReflectionCreatedData,
    ReflectionDeletedData,
    ReflectionSubmittedData,
    ReflectionUpdatedData,
)
from service.events.service import emit
from service.ids import new_id
from service.pages import PageParams, paginate
from service.people.models import Person
from service.problem_types import (
    INVALID_REFERENCE,
    NOT_FOUND,
    PROMPT_PROTECTED,
    REFLECTION_INCOMPLETE,
    REFLECTION_SUBMITTED,
    VALIDATION_ERROR,
)
from service.reflection_prompts.models import ReflectionPrompt
from service.reflections.models import Reflection, ReflectionAnswer, ReflectionEntry
from service.reflections.rules import (
    FieldErrors,
    answer_errors,
    entry_errors,
    merge_answers,
    merge_entries,
    period_errors,
    raise_invalid,
    size_errors,
    template_answers,
    template_entries,
)
from service.reflections.schemas import (
    AnswerIn,
    AnswerOut,
    EntryIn,
    EntryOut,
    ReflectionCreate,
    ReflectionOut,
    ReflectionPatch,
    ReflectionScope,
    ReflectionStatus,
)

# --- reading ----------------------------------------------------------------------------


def get_reflection(session: Session, org_id: str, reflection_id: str) -> Reflection:
    reflection = session.get(Reflection, (org_id, reflection_id))
    if reflection is None:
        raise NotFound(f"No reflection {reflection_id}.", cause=NOT_FOUND)
    return reflection


def list_reflections(
    session: Session,
    org_id: str,
    page: PageParams,
    *,
    leader_id: str | None = None,
    scope: ReflectionScope | None = None,
    status: ReflectionStatus | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    updated_since: datetime | None = None,
) -> tuple[list[Reflection], str | None]:
    if period_from is not None and period_to is not None and period_from > period_to:
        return [], None  # an empty range overlaps nothing
    stmt = select(Reflection).where(Reflection.org_id == org_id)
    if leader_id is not None:
        stmt = stmt.where(Reflection.leader_id == leader_id)
    if scope is not None:
        stmt = stmt.where(Reflection.scope == scope)
    if status is not None:
        stmt = stmt.where(Reflection.status == status)
    if period_from is not None:
        stmt = stmt.where(Reflection.period_end >= period_from)
    if period_to is not None:
        stmt = stmt.where(Reflection.period_start <= period_to)
    if updated_since is not None:
        stmt = stmt.where(Reflection.updated_at >= updated_since)
    return paginate(session, stmt, [Reflection.id], page, lambda r: [r.id])


def to_outs(session: Session, reflections: Sequence[Reflection]) -> list[ReflectionOut]:
    """Render reflections with their entries and answers (two queries for the whole page)."""
    if not reflections:
        return []
    org_id = reflections[0].org_id
    ids = [r.id for r in reflections]
    entries: dict[str, list[EntryOut]] = {i: [] for i in ids}
    answers: dict[str, list[AnswerOut]] = {i: [] for i in ids}
    entry_rows = session.execute(
        select(
            ReflectionEntry.reflection_id,
            ReflectionEntry.belief_id,
            Belief.statement,
            ReflectionEntry.alignment,
            ReflectionEntry.evidence,
            ReflectionEntry.next_step,
        )
        .join(
            Belief,
            and_(Belief.org_id == ReflectionEntry.org_id, Belief.id == ReflectionEntry.belief_id),
        )
        .where(ReflectionEntry.org_id == org_id, ReflectionEntry.reflection_id.in_(ids))
        .order_by(ReflectionEntry.reflection_id, ReflectionEntry.position)
    )
    for row in entry_rows:
        entries[row.reflection_id].append(
            EntryOut(
                belief_id=row.belief_id,
                statement=row.statement,
                alignment=row.alignment,
                evidence=row.evidence,
                next_step=row.next_step,
            )
        )
    answer_rows = session.execute(
        select(
            ReflectionAnswer.reflection_id,
            ReflectionAnswer.prompt_id,
            ReflectionPrompt.text,
            ReflectionAnswer.answer,
        )
        .join(
            ReflectionPrompt,
            and_(
                ReflectionPrompt.org_id == ReflectionAnswer.org_id,
                ReflectionPrompt.id == ReflectionAnswer.prompt_id,
            ),
        )
        .where(ReflectionAnswer.org_id == org_id, ReflectionAnswer.reflection_id.in_(ids))
        .order_by(ReflectionAnswer.reflection_id, ReflectionAnswer.position)
    )
    for answer in answer_rows:
        answers[answer.reflection_id].append(
            AnswerOut(prompt_id=answer.prompt_id, prompt=answer.text, answer=answer.answer)
        )
    return [
        ReflectionOut(
            id=r.id,
            leader_id=r.leader_id,
            period_start=r.period_start,
            period_end=r.period_end,
            scope=ReflectionScope(r.scope),
            status=ReflectionStatus(r.status),
            entries=entries[r.id],
            answers=answers[r.id],
            notes=r.notes,
            submitted_at=r.submitted_at,
            revision=r.version,
            created_at=r.created_at,
            updated_at=r.updated_at,
        )
        for r in reflections
    ]


def to_out(session: Session, reflection: Reflection) -> ReflectionOut:
    return to_outs(session, [reflection])[0]


def _stored_entries(session: Session, reflection: Reflection) -> list[EntryIn]:
    rows = session.execute(
        select(
            ReflectionEntry.belief_id,
            ReflectionEntry.alignment,
            ReflectionEntry.evidence,
            ReflectionEntry.next_step,
        )
        .where(
            ReflectionEntry.org_id == reflection.org_id,
            ReflectionEntry.reflection_id == reflection.id,
        )
        .order_by(ReflectionEntry.position)
    )
    return [EntryIn.model_validate(row._asdict()) for row in rows]


def _stored_answers(session: Session, reflection: Reflection) -> list[AnswerIn]:
    rows = session.execute(
        select(ReflectionAnswer.prompt_id, ReflectionAnswer.answer)
        .where(
            ReflectionAnswer.org_id == reflection.org_id,
            ReflectionAnswer.reflection_id == reflection.id,
        )
        .order_by(ReflectionAnswer.position)
    )
    return [AnswerIn.model_validate(row._asdict()) for row in rows]


# --- writing ----------------------------------------------------------------------------


def _write_entries(session: Session, reflection: Reflection, entries: Sequence[EntryIn]) -> None:
    session.execute(
        delete(ReflectionEntry)
        .where(
            ReflectionEntry.org_id == reflection.org_id,
            ReflectionEntry.reflection_id == reflection.id,
        )
        .execution_options(synchronize_session=False)
    )
    session.add_all(
        ReflectionEntry(
            org_id=reflection.org_id,
            reflection_id=reflection.id,
            position=i,
            **entry.model_dump(),
        )
        for i, entry in enumerate(entries)
    )


def _write_answers(session: Session, reflection: Reflection, answers: Sequence[AnswerIn]) -> None:
    session.execute(
        delete(ReflectionAnswer)
        .where(
            ReflectionAnswer.org_id == reflection.org_id,
            ReflectionAnswer.reflection_id == reflection.id,
        )
        .execution_options(synchronize_session=False)
    )
    session.add_all(
        ReflectionAnswer(
            org_id=reflection.org_id,
            reflection_id=reflection.id,
            position=i,
            **answer.model_dump(),
        )
        for i, answer in enumerate(answers)
    )


def create_reflection(session: Session, leader: Person, body: ReflectionCreate) -> Reflection:
    start, end = body.period_start, body.period_end
    raise_invalid(period_errors(start, end), VALIDATION_ERROR)
    raise_invalid(
        entry_errors(session, leader.org_id, leader.id, body.entries, start, end)
        + answer_errors(session, leader.org_id, body.answers, kept=set()),
        INVALID_REFERENCE,
    )
    entries, answers = list(body.entries), list(body.answers)
    if body.from_template:
        entries = merge_entries(template_entries(session, leader, end), entries)
        answers = merge_answers(template_answers(session, leader.org_id), answers)
        raise_invalid(size_errors(entries, answers), VALIDATION_ERROR)
    now = utcnow()
    reflection = Reflection(
        org_id=leader.org_id,
        id=new_id("rfl"),
        leader_id=leader.id,
        period_start=start,
        period_end=end,
        scope=body.scope,
        status=ReflectionStatus.draft,
        notes=body.notes,
        created_at=now,
        updated_at=now,
    )
    session.add(reflection)
    session.flush()
    _write_entries(session, reflection, entries)
    _write_answers(session, reflection, answers)
    session.flush()
    emit(
        session,
        reflection.org_id,
        ReflectionCreatedData(
            id=reflection.id, leader_id=reflection.leader_id, version=reflection.version
        ),
    )
    return reflection


def _touch(reflection: Reflection) -> datetime:
    """Mark a change: `updated_at` moves and the version (the ETag) always grows, even when
    the clock has not moved since the last change."""
    reflection.updated_at = now = utcnow()
    flag_modified(reflection, "updated_at")
    return now


def _immutable() -> Conflict:
    return Conflict(
        "A submitted reflection is immutable: it records what the leader saw at the time. "
        "Start a new reflection instead.",
        cause=REFLECTION_SUBMITTED,
    )


def update_reflection(session: Session, reflection: Reflection, body: ReflectionPatch) -> None:
    if reflection.status == ReflectionStatus.submitted:
        raise _immutable()
    changes = body.model_dump(exclude_unset=True, exclude={"entries", "answers"})
    start = changes.get("period_start", reflection.period_start)
    end = changes.get("period_end", reflection.period_end)
    raise_invalid(period_errors(start, end), VALIDATION_ERROR)

    stored_entries = _stored_entries(session, reflection)
    stored_answers = _stored_answers(session, reflection)
    new_period = (start, end) != (reflection.period_start, reflection.period_end)
    entries = body.entries if "entries" in body.model_fields_set else None
    answers = body.answers if "answers" in body.model_fields_set else None
    errors: FieldErrors = []
    if entries is not None or new_period:
        errors += entry_errors(
            session,
            reflection.org_id,
            reflection.leader_id,
            stored_entries if entries is None else entries,
            start,
            end,
            new_period=entries is None,
        )
    if answers is not None:
        kept = {a.prompt_id for a in stored_answers}
        errors += answer_errors(session, reflection.org_id, answers, kept)
    raise_invalid(errors, INVALID_REFERENCE)

    changed = {k: v for k, v in changes.items() if getattr(reflection, k) != v}
    for field, value in changed.items():
        setattr(reflection, field, value)
    touched = bool(changed)
    if entries is not None and entries != stored_entries:
        _write_entries(session, reflection, entries)
        touched = True
    if answers is not None and answers != stored_answers:
        _write_answers(session, reflection, answers)
        touched = True
    if touched:
        _touch(reflection)
    session.flush()
    if touched:
        emit(
            session,
            reflection.org_id,
            ReflectionUpdatedData(
                id=reflection.id, leader_id=reflection.leader_id, version=reflection.version
            ),
        )


def delete_reflection(session: Session, reflection: Reflection) -> None:
    if reflection.status == ReflectionStatus.submitted:
        raise Conflict(
            "Only a draft reflection can be deleted; a submitted one is part of the leader's "
            "history.",
            cause=REFLECTION_SUBMITTED,
        )
    session.delete(reflection)
    session.flush()
    emit(
        session,
        reflection.org_id,
        ReflectionDeletedData(id=reflection.id, leader_id=reflection.leader_id),
    )


def submit_reflection(session: Session, reflection: Reflection) -> None:
    if reflection.status == ReflectionStatus.submitted:
        raise Conflict(
            "This reflection is already submitted; submitted reflections are final.",
            cause=REFLECTION_SUBMITTED,
        )
    entries = _stored_entries(session, reflection)
    errors: FieldErrors = []
    if not entries:
        errors.append({"field": "entries", "message": "a reflection rates at least one belief"})
    errors += entry_errors(
        session,
        reflection.org_id,
        reflection.leader_id,
        entries,
        reflection.period_start,
        reflection.period_end,
    )
    errors += [
        {"field": f"entries.{i}.alignment", "message": "unfilled: rate this belief 1–5"}
        for i, entry in enumerate(entries)
        if entry.alignment is None
    ]
    if errors:
        raise Unprocessable(
            "The reflection is not ready to submit; see `errors`.",
            cause=REFLECTION_INCOMPLETE,
            errors=errors,
        )
    reflection.status = ReflectionStatus.submitted
    reflection.submitted_at = _touch(reflection)
    session.flush()
    emit(
        session,
        reflection.org_id,
        ReflectionSubmittedData(
            id=reflection.id, leader_id=reflection.leader_id, version=reflection.version
        ),
    )


def delete_prompt(session: Session, prompt: ReflectionPrompt) -> None:
    """A prompt goes only while no reflection answers it (built-in ones never)."""
    if prompt.built_in:
        raise Conflict(
            "A built-in prompt cannot be deleted; retire it instead.", cause=PROMPT_PROTECTED
        )
    answered = session.scalar(
        select(ReflectionAnswer.prompt_id)
        .where(ReflectionAnswer.org_id == prompt.org_id, ReflectionAnswer.prompt_id == prompt.id)
        .limit(1)
    )
    if answered is not None:
        raise Conflict(
            "This prompt is answered in a reflection; retire it instead, so the answers keep "
            "their question.",
            cause=PROMPT_PROTECTED,
        )
    session.delete(prompt)
    session.flush()
