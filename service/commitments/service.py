"""Commitments: lifecycle `planned` → `in_progress` → `done` | `dropped`, links checked against
the leader's own beliefs and reflections, a dated history of status updates, revisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.beliefs.models import Belief
from service.commitments.models import Commitment, CommitmentRevision
from service.commitments.schemas import (
    CommitmentCreate,
    CommitmentFromEntry,
    CommitmentLinks,
    CommitmentOut,
    CommitmentPatch,
    CommitmentStatus,
)
from service.db import utcnow
from service.errors import Conflict, NotFound, Unprocessable
from service.events.data import (
    CommitmentCreatedData,
    CommitmentDeletedData,
    CommitmentUpdatedData,
)
from service.events.service import emit
from service.ids import new_id
from service.pages import PageParams, paginate
from service.people.models import Person
from service.periods.models import TrustPeriod
from service.problem_types import (
    COMMITMENT_TRANSITION_NOT_ALLOWED,
    ENTRY_WITHOUT_NEXT_STEP,
    INVALID_REFERENCE,
    NOT_FOUND,
    VALIDATION_ERROR,
)
from service.reflections.models import Reflection, ReflectionEntry
from service.reflections.rules import FieldErrors, raise_invalid

ALLOWED = {
    (CommitmentStatus.planned, CommitmentStatus.in_progress),
    (CommitmentStatus.planned, CommitmentStatus.dropped),
    (CommitmentStatus.in_progress, CommitmentStatus.done),
    (CommitmentStatus.in_progress, CommitmentStatus.dropped),
}
FINAL = {CommitmentStatus.done, CommitmentStatus.dropped}
NO_NEXT_STEP = "this belief's entry has no next_step"
_SNAPSHOT = ("statement", "links", "for_whom", "due_on", "status")


def to_out(commitment: Commitment) -> CommitmentOut:
    return CommitmentOut.model_validate(
        {
            **{
                c: getattr(commitment, c)
                for c in ("id", "leader_id", "updates", "created_at", "updated_at", *_SNAPSHOT)
            },
            "revision": commitment.version,
        }
    )


def get_commitment(session: Session, org_id: str, commitment_id: str) -> Commitment:
    commitment = session.get(Commitment, (org_id, commitment_id))
    if commitment is None:
        raise NotFound(f"No commitment {commitment_id}.", cause=NOT_FOUND)
    return commitment


def list_commitments(
    session: Session,
    leader: Person,
    page: PageParams,
    *,
    status: CommitmentStatus | None = None,
    updated_since: datetime | None = None,
) -> tuple[list[Commitment], str | None]:
    stmt = select(Commitment).where(
        Commitment.org_id == leader.org_id, Commitment.leader_id == leader.id
    )
    if status is not None:
        stmt = stmt.where(Commitment.status == status)
    if updated_since is not None:
        stmt = stmt.where(Commitment.updated_at >= updated_since)
    return paginate(session, stmt, [Commitment.id], page, lambda c: [c.id])


def link_errors(
    session: Session, org_id: str, leader_id: str, links: CommitmentLinks
) -> FieldErrors:
    """Every belief and reflection named is the leader's; every period named is closed."""
    named = {
        *links.belief_ids,
        *(g.belief_id for g in links.gaps),
        *(e.belief_id for e in links.reflection_entries),
    }
    owned = set(
        session.scalars(
            select(Belief.id).where(
                Belief.org_id == org_id, Belief.leader_id == leader_id, Belief.id.in_(named)
            )
        )
    )
    starts = {t.period_start for t in links.themes} | {g.period_start for g in links.gaps}
    closed = set(
        session.scalars(
            select(TrustPeriod.period_start).where(
                TrustPeriod.org_id == org_id, TrustPeriod.period_start.in_(starts)
            )
        )
    )
    entries = {(e.reflection_id, e.belief_id) for e in links.reflection_entries}
    found = {
        (row.reflection_id, row.belief_id)
        for row in session.execute(
            select(ReflectionEntry.reflection_id, ReflectionEntry.belief_id)
            .join(
                Reflection,
                (Reflection.org_id == ReflectionEntry.org_id)
                & (Reflection.id == ReflectionEntry.reflection_id),
            )
            .where(
                ReflectionEntry.org_id == org_id,
                Reflection.leader_id == leader_id,
                ReflectionEntry.reflection_id.in_({r for r, _ in entries}),
            )
        )
    }
    errors: FieldErrors = []
    mine = "not a belief of this leader"
    for i, belief_id in enumerate(links.belief_ids):
        if belief_id not in owned:
            errors.append({"field": f"links.belief_ids.{i}", "message": mine})
    for i, theme in enumerate(links.themes):
        if theme.period_start not in closed:
            errors.append(
                {"field": f"links.themes.{i}.period_start", "message": "not a closed period"}
            )
    for i, gap in enumerate(links.gaps):
        if gap.belief_id not in owned:
            errors.append({"field": f"links.gaps.{i}.belief_id", "message": mine})
        if gap.period_start not in closed:
            errors.append(
                {"field": f"links.gaps.{i}.period_start", "message": "not a closed period"}
            )
    for i, entry in enumerate(links.reflection_entries):
        if (entry.reflection_id, entry.belief_id) not in found:
            errors.append(
                {
                    "field": f"links.reflection_entries.{i}",
                    "message": "not an entry of a reflection of this leader",
                }
            )
    return errors


def _snapshot(session: Session, commitment: Commitment) -> None:
    session.add(
        CommitmentRevision(
            org_id=commitment.org_id,
            commitment_id=commitment.id,
            revision=commitment.version,
            created_at=commitment.updated_at,
            **{c: getattr(commitment, c) for c in _SNAPSHOT},
        )
    )


def _update(at: datetime, status: str, note: str | None) -> dict[str, Any]:
    return {"at": at.isoformat(), "status": status, "note": note}


def _links_json(links: CommitmentLinks) -> dict[str, Any]:
    return links.model_dump(mode="json")


def create_commitment(session: Session, leader: Person, body: CommitmentCreate) -> Commitment:
    if body.status in FINAL:
        raise Conflict(
            "A commitment starts as `planned` or `in_progress`.",
            cause=COMMITMENT_TRANSITION_NOT_ALLOWED,
        )
    raise_invalid(link_errors(session, leader.org_id, leader.id, body.links), INVALID_REFERENCE)
    return _create(
        session,
        leader,
        statement=body.statement,
        links=body.links,
        for_whom=[str(g) for g in body.for_whom],
        due_on=body.due_on,
        status=body.status,
        note=body.note,
    )


def _create(
    session: Session,
    leader: Person,
    *,
    statement: str,
    links: CommitmentLinks,
    for_whom: list[str],
    due_on: Any,
    status: CommitmentStatus,
    note: str | None,
) -> Commitment:
    now = utcnow()
    commitment = Commitment(
        org_id=leader.org_id,
        id=new_id("cmt"),
        leader_id=leader.id,
        statement=statement,
        links=_links_json(links),
        for_whom=for_whom,
        due_on=due_on,
        status=status,
        updates=[_update(now, status, note)],
        created_at=now,
        updated_at=now,
    )
    session.add(commitment)
    session.flush()
    _snapshot(session, commitment)
    session.flush()
    emit(
        session,
        commitment.org_id,
        CommitmentCreatedData(
            id=commitment.id, leader_id=commitment.leader_id, version=commitment.version
        ),
    )
    return commitment


def commit_to_next_step(
    session: Session, reflection: Reflection, belief_id: str, body: CommitmentFromEntry
) -> Commitment:
    """A reflection entry's `next_step`, made a planned commitment linked to its belief and
    the entry."""
    entry = session.get(ReflectionEntry, (reflection.org_id, reflection.id, belief_id))
    if entry is None:
        raise NotFound(
            f"Reflection {reflection.id} has no entry for belief {belief_id}.", cause=NOT_FOUND
        )
    if not entry.next_step:
        raise Unprocessable(
            "This entry has no `next_step` to commit to; fill it in first.",
            cause=ENTRY_WITHOUT_NEXT_STEP,
            errors=[{"field": "path.belief_id", "message": NO_NEXT_STEP}],
        )
    leader = session.get(Person, (reflection.org_id, reflection.leader_id))
    assert leader is not None  # the reflection's leader (ON DELETE CASCADE)
    links = CommitmentLinks.model_validate(
        {
            "belief_ids": [belief_id],
            "reflection_entries": [{"reflection_id": reflection.id, "belief_id": belief_id}],
        }
    )
    return _create(
        session,
        leader,
        statement=entry.next_step,
        links=links,
        for_whom=[str(g) for g in body.for_whom],
        due_on=body.due_on,
        status=CommitmentStatus.planned,
        note=None,
    )


def update_commitment(session: Session, commitment: Commitment, body: CommitmentPatch) -> None:
    changes = body.model_dump(exclude_unset=True, mode="json")
    note = changes.pop("note", None)
    if "due_on" in changes:
        changes["due_on"] = body.due_on
    changed = {k: v for k, v in changes.items() if getattr(commitment, k) != v}
    new_status = changed.get("status")
    if note is not None and new_status is None:
        raise_invalid(
            [{"field": "note", "message": "a note goes with a change of `status`"}],
            VALIDATION_ERROR,
        )
    if not changed:
        return
    if commitment.status in FINAL:
        raise Conflict(
            f"A `{commitment.status}` commitment is final; make a new commitment instead.",
            cause=COMMITMENT_TRANSITION_NOT_ALLOWED,
        )
    if new_status is not None and (commitment.status, new_status) not in ALLOWED:
        raise Conflict(
            f"A commitment cannot go from `{commitment.status}` to `{new_status}`.",
            cause=COMMITMENT_TRANSITION_NOT_ALLOWED,
        )
    if "links" in changed and body.links is not None:
        raise_invalid(
            link_errors(session, commitment.org_id, commitment.leader_id, body.links),
            INVALID_REFERENCE,
        )
    now = utcnow()
    for field, value in changed.items():
        setattr(commitment, field, value)
    if new_status is not None:
        commitment.updates = [*commitment.updates, _update(now, new_status, note)]
    commitment.updated_at = now
    session.flush()
    _snapshot(session, commitment)
    session.flush()
    emit(
        session,
        commitment.org_id,
        CommitmentUpdatedData(
            id=commitment.id, leader_id=commitment.leader_id, version=commitment.version
        ),
    )


def delete_commitment(session: Session, commitment: Commitment) -> None:
    session.delete(commitment)
    session.flush()
    emit(
        session,
        commitment.org_id,
        CommitmentDeletedData(id=commitment.id, leader_id=commitment.leader_id),
    )


def list_revisions(
    session: Session, commitment: Commitment, page: PageParams
) -> tuple[list[CommitmentRevision], str | None]:
    stmt = select(CommitmentRevision).where(
        CommitmentRevision.org_id == commitment.org_id,
        CommitmentRevision.commitment_id == commitment.id,
    )
    return paginate(session, stmt, [CommitmentRevision.revision], page, lambda r: [r.revision])
