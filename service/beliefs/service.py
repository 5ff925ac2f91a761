"""Beliefs: lifecycle `draft` → `active` → `retired`, ordering per leader, revisions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from service.beliefs.models import Belief, BeliefRevision
from service.beliefs.schemas import (
    MAX_POSITION,
    BeliefCreate,
    BeliefOut,
    BeliefPatch,
    BeliefStatus,
)
from service.db import utcnow
from service.errors import Conflict, NotFound
from service.events.data import BeliefCreatedData, BeliefDeletedData, BeliefUpdatedData
from service.events.service import emit
from service.ids import new_id
from service.pages import PageParams, paginate
from service.people.models import Person
from service.problem_types import BELIEF_TRANSITION_NOT_ALLOWED, NOT_FOUND

ALLOWED = {
    (BeliefStatus.draft, BeliefStatus.active),
    (BeliefStatus.draft, BeliefStatus.retired),
    (BeliefStatus.active, BeliefStatus.retired),
}
_SNAPSHOT = ("statement", "rationale", "category", "status", "position")


def to_out(belief: Belief) -> BeliefOut:
    return BeliefOut.model_validate(
        {
            **{
                c: getattr(belief, c)
                for c in (
                    "id",
                    "leader_id",
                    "activated_at",
                    "retired_at",
                    "created_at",
                    "updated_at",
                    *_SNAPSHOT,
                )
            },
            "revision": belief.version,
        }
    )


def get_belief(session: Session, org_id: str, belief_id: str) -> Belief:
    belief = session.get(Belief, (org_id, belief_id))
    if belief is None:
        raise NotFound(f"No belief {belief_id}.", cause=NOT_FOUND)
    return belief


def list_beliefs(
    session: Session,
    org_id: str,
    page: PageParams,
    *,
    leader_id: str | None = None,
    status: BeliefStatus | None = None,
    updated_since: object | None = None,
) -> tuple[list[Belief], str | None]:
    stmt = select(Belief).where(Belief.org_id == org_id)
    if status is not None:
        stmt = stmt.where(Belief.status == status)
    if updated_since is not None:
        stmt = stmt.where(Belief.updated_at >= updated_since)
    # A leader's beliefs come in their order; all beliefs by id. The cursor holds both, so
    # that any cursor of this collection is valid with any filters.
    order: list[InstrumentedAttribute[Any]] = [Belief.id]
    if leader_id is not None:
        stmt = stmt.where(Belief.leader_id == leader_id)
        order = [Belief.position, Belief.id]
    return paginate(
        session,
        stmt,
        order,
        page,
        lambda b: [b.position, b.id],
        cursor_columns=[Belief.position, Belief.id],
    )


def _snapshot(session: Session, belief: Belief) -> None:
    session.add(
        BeliefRevision(
            org_id=belief.org_id,
            belief_id=belief.id,
            revision=belief.version,
            created_at=belief.updated_at,
            **{c: getattr(belief, c) for c in _SNAPSHOT},
        )
    )


def create_belief(session: Session, leader: Person, body: BeliefCreate) -> Belief:
    if body.status == BeliefStatus.retired:
        raise Conflict(
            "A belief starts as `draft` or `active`, not `retired`.",
            cause=BELIEF_TRANSITION_NOT_ALLOWED,
        )
    position = body.position
    if position is None:
        last = session.scalar(
            select(func.max(Belief.position)).where(
                Belief.org_id == leader.org_id, Belief.leader_id == leader.id
            )
        )
        position = 0 if last is None else min(last + 1, MAX_POSITION)
    now = utcnow()
    belief = Belief(
        org_id=leader.org_id,
        id=new_id("blf"),
        leader_id=leader.id,
        statement=body.statement,
        rationale=body.rationale,
        category=body.category,
        status=body.status,
        position=position,
        activated_at=now if body.status == BeliefStatus.active else None,
        created_at=now,
        updated_at=now,
    )
    session.add(belief)
    session.flush()
    _snapshot(session, belief)
    session.flush()
    emit(
        session,
        belief.org_id,
        BeliefCreatedData(id=belief.id, leader_id=belief.leader_id, version=belief.version),
    )
    return belief


def update_belief(session: Session, belief: Belief, body: BeliefPatch) -> None:
    changes = body.model_dump(exclude_unset=True)
    changed = {k: v for k, v in changes.items() if getattr(belief, k) != v}
    if not changed:
        return
    if belief.status == BeliefStatus.retired:
        raise Conflict(
            "A retired belief is final; codify a new belief instead.",
            cause=BELIEF_TRANSITION_NOT_ALLOWED,
        )
    new_status = changed.get("status")
    if new_status is not None and (belief.status, new_status) not in ALLOWED:
        raise Conflict(
            f"A belief cannot go from `{belief.status}` to `{new_status}`.",
            cause=BELIEF_TRANSITION_NOT_ALLOWED,
        )
    now = utcnow()
    for field, value in changed.items():
        setattr(belief, field, value)
    if new_status == BeliefStatus.active:
        belief.activated_at = now
    if new_status == BeliefStatus.retired:
        belief.retired_at = now
    belief.updated_at = now
    session.flush()
    _snapshot(session, belief)
    session.flush()
    emit(
        session,
        belief.org_id,
        BeliefUpdatedData(id=belief.id, leader_id=belief.leader_id, version=belief.version),
    )


def delete_belief(session: Session, belief: Belief) -> None:
    if belief.status != BeliefStatus.draft:
        raise Conflict(
            "Only a draft belief can be deleted; retire an active one instead.",
            cause=BELIEF_TRANSITION_NOT_ALLOWED,
        )
    session.delete(belief)
    session.flush()
    emit(session, belief.org_id, BeliefDeletedData(id=belief.id, leader_id=belief.leader_id))


def list_revisions(
    session: Session, belief: Belief, page: PageParams
) -> tuple[list[BeliefRevision], str | None]:
    stmt = select(BeliefRevision).where(
        BeliefRevision.org_id == belief.org_id, BeliefRevision.belief_id == belief.id
    )
    return paginate(session, stmt, [BeliefRevision.revision], page, lambda r: [r.revision])
