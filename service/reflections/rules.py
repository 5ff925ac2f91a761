"""The rules a reflection's content follows, and the template a new one starts from.

An entry names one of the leader's own beliefs that was active during the period (activated
on or before its last day, not retired before its first day); an answer names one of the
organization's prompts, active when it is first given. Every violation is reported at once,
as `errors` entries pointing at the request's own indexes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.beliefs.models import Belief
from service.beliefs.schemas import BeliefStatus
from service.errors import Unprocessable
from service.people.models import Person
from service.problem_types import ProblemType
from service.reflection_prompts.models import ReflectionPrompt
from service.reflection_prompts.schemas import PromptStatus
from service.reflections.schemas import MAX_ANSWERS, MAX_ENTRIES, AnswerIn, EntryIn

FieldErrors = list[dict[str, str]]


def period_errors(start: date, end: date) -> FieldErrors:
    if start > end:
        return [{"field": "period_end", "message": "must be on or after period_start"}]
    return []


def _inactive_reason(belief: Belief, start: date, end: date) -> str | None:
    """Why a belief was not active during [start, end], or None when it was."""
    if belief.activated_at is None:
        return "this belief was never active (a draft, or retired as a draft)"
    if belief.activated_at.date() > end:
        return "this belief became active after the period"
    if belief.retired_at is not None and belief.retired_at.date() < start:
        return "this belief was retired before the period"
    return None


def entry_errors(
    session: Session,
    org_id: str,
    leader_id: str,
    entries: Sequence[EntryIn],
    start: date,
    end: date,
    *,
    new_period: bool = False,
) -> FieldErrors:
    wanted = {e.belief_id for e in entries}
    found = session.scalars(select(Belief).where(Belief.org_id == org_id, Belief.id.in_(wanted)))
    beliefs = {b.id: b for b in found}
    errors: FieldErrors = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        field = f"entries.{i}.belief_id"
        belief = beliefs.get(entry.belief_id)
        reason: str | None
        if entry.belief_id in seen:
            reason = f"duplicate of entries.{seen[entry.belief_id]}"
        elif belief is None or belief.leader_id != leader_id:
            reason = f"no belief {entry.belief_id} of this leader"
        else:
            reason = _inactive_reason(belief, start, end)
            if reason is not None and new_period:
                reason = f"{reason} (the new period)"
        seen.setdefault(entry.belief_id, i)
        if reason is not None:
            errors.append({"field": field, "message": reason})
    return errors


def answer_errors(
    session: Session, org_id: str, answers: Sequence[AnswerIn], kept: set[str]
) -> FieldErrors:
    """Answers must name the organization's prompts; new ones only active prompts (`kept`
    are prompts the reflection already answers, which may have been retired since)."""
    wanted = {a.prompt_id for a in answers}
    found = session.scalars(
        select(ReflectionPrompt).where(
            ReflectionPrompt.org_id == org_id, ReflectionPrompt.id.in_(wanted)
        )
    )
    prompts = {p.id: p for p in found}
    errors: FieldErrors = []
    seen: dict[str, int] = {}
    for i, answer in enumerate(answers):
        prompt = prompts.get(answer.prompt_id)
        reason: str | None = None
        if answer.prompt_id in seen:
            reason = f"duplicate of answers.{seen[answer.prompt_id]}"
        elif prompt is None:
            reason = f"no reflection prompt {answer.prompt_id}"
        elif prompt.status != PromptStatus.active and prompt.id not in kept:
            reason = "this prompt is retired"
        seen.setdefault(answer.prompt_id, i)
        if reason is not None:
            errors.append({"field": f"answers.{i}.prompt_id", "message": reason})
    return errors


def raise_invalid(errors: FieldErrors, cause: ProblemType) -> None:
    if errors:
        raise Unprocessable(
            f"{len(errors)} field(s) are invalid; nothing was written. See `errors`.",
            cause=cause,
            errors=errors,
        )


# --- the template -----------------------------------------------------------------------


def template_entries(session: Session, leader: Person, end: date) -> list[EntryIn]:
    beliefs = session.scalars(
        select(Belief)
        .where(
            Belief.org_id == leader.org_id,
            Belief.leader_id == leader.id,
            Belief.status == BeliefStatus.active,
        )
        .order_by(Belief.position, Belief.id)
    )
    return [
        EntryIn(belief_id=b.id)
        for b in beliefs
        if b.activated_at is not None and b.activated_at.date() <= end
    ]


def template_answers(session: Session, org_id: str) -> list[AnswerIn]:
    prompt_ids = session.scalars(
        select(ReflectionPrompt.id)
        .where(ReflectionPrompt.org_id == org_id, ReflectionPrompt.status == PromptStatus.active)
        .order_by(ReflectionPrompt.position, ReflectionPrompt.id)
    )
    return [AnswerIn(prompt_id=p) for p in prompt_ids]


def merge_entries(template: list[EntryIn], given: list[EntryIn]) -> list[EntryIn]:
    by_id = {e.belief_id: e for e in given}
    merged = [by_id.pop(t.belief_id, t) for t in template]
    return merged + [e for e in given if e.belief_id in by_id]


def merge_answers(template: list[AnswerIn], given: list[AnswerIn]) -> list[AnswerIn]:
    by_id = {a.prompt_id: a for a in given}
    merged = [by_id.pop(t.prompt_id, t) for t in template]
    return merged + [a for a in given if a.prompt_id in by_id]


def size_errors(entries: Sequence[EntryIn], answers: Sequence[AnswerIn]) -> FieldErrors:
    """A reflection holds no more than a client may send (`MAX_ENTRIES`, `MAX_ANSWERS`), also
    when the template fills it in."""
    errors: FieldErrors = []
    for field, count, limit in (
        ("entries", len(entries), MAX_ENTRIES),
        ("answers", len(answers), MAX_ANSWERS),
    ):
        if count > limit:
            message = f"with the template this reflection would hold {count}; at most {limit}"
            errors.append({"field": field, "message": message})
    return errors
