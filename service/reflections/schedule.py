"""Reflection cadence: when each leader's next reflection is due.

A leader is a person with at least one active belief. Their cadence is their own setting
(`reflection_schedules`) or the organization's `reflection_cadence_days`. The next
reflection is due `cadence` days after the last submitted one; a leader who has never
submitted one is due now (`next_due_at` is `null`, `overdue` is `true`). "Overdue at t" and
"listed as due before t" are the same test: `next_due_at < t`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from service.beliefs.models import Belief
from service.beliefs.schemas import BeliefStatus
from service.db import UTCDateTime, utcnow
from service.errors import PreconditionFailed
from service.organizations.models import Organization
from service.pages import PageParams, paginate
from service.people.models import Person
from service.problem_types import STALE_IF_MATCH
from service.reflections.models import Reflection, ReflectionSchedule
from service.reflections.schemas import (
    CadenceSource,
    ReflectionStatus,
    ScheduleOut,
    ScheduleSet,
)


class plus_days(FunctionElement[datetime]):
    """`moment + days` (whole days) on PostgreSQL and SQLite."""

    type = UTCDateTime()
    inherit_cache = True
    name = "plus_days"


@compiles(plus_days)
def _plus_days(element: plus_days, compiler: SQLCompiler, **kw: Any) -> str:
    moment, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"({moment} + ({days}) * INTERVAL '1 day')"


@compiles(plus_days, "sqlite")
def _plus_days_sqlite(element: plus_days, compiler: SQLCompiler, **kw: Any) -> str:
    # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff': shift the seconds part, keep the microseconds,
    # so the result compares as text exactly like a bound timestamp.
    moment, days = (compiler.process(c, **kw) for c in element.clauses)
    return (
        f"(strftime('%Y-%m-%d %H:%M:%S', {moment}, '+' || ({days}) || ' days')"
        f" || substr({moment}, 20))"
    )


def _default_cadence(session: Session, org_id: str) -> int:
    org = session.get(Organization, org_id)
    return org.reflection_cadence_days if org is not None else 90


def _last_submitted(session: Session, org_id: str, leader_ids: Sequence[str]) -> dict[str, Any]:
    rows = session.execute(
        select(Reflection.leader_id, func.max(Reflection.submitted_at))
        .where(
            Reflection.org_id == org_id,
            Reflection.leader_id.in_(leader_ids),
            Reflection.status == ReflectionStatus.submitted,
        )
        .group_by(Reflection.leader_id)
    )
    return dict(rows.all())


def _active_beliefs(session: Session, org_id: str, leader_ids: Sequence[str]) -> dict[str, int]:
    rows = session.execute(
        select(Belief.leader_id, func.count())
        .where(
            Belief.org_id == org_id,
            Belief.leader_id.in_(leader_ids),
            Belief.status == BeliefStatus.active,
        )
        .group_by(Belief.leader_id)
    )
    return dict(rows.all())


def get_schedule_row(session: Session, org_id: str, leader_id: str) -> ReflectionSchedule | None:
    return session.get(ReflectionSchedule, (org_id, leader_id))


def version_of(row: ReflectionSchedule | None) -> int:
    """The ETag version of a leader's cadence setting: 0 until it is first set."""
    return 0 if row is None else row.version


def current_version(session: Session, leader: Person) -> int:
    return version_of(get_schedule_row(session, leader.org_id, leader.id))


def schedules_for(session: Session, org_id: str, leader_ids: Sequence[str]) -> list[ScheduleOut]:
    """The schedules of these leaders, in the order given (a handful of queries in all)."""
    if not leader_ids:
        return []
    default = _default_cadence(session, org_id)
    overrides = dict(
        session.execute(
            select(ReflectionSchedule.leader_id, ReflectionSchedule.cadence_days).where(
                ReflectionSchedule.org_id == org_id,
                ReflectionSchedule.leader_id.in_(leader_ids),
            )
        ).all()
    )
    last = _last_submitted(session, org_id, leader_ids)
    active = _active_beliefs(session, org_id, leader_ids)
    now = utcnow()
    out = []
    for leader_id in leader_ids:
        own = overrides.get(leader_id)
        cadence = own if own is not None else default
        last_at: datetime | None = last.get(leader_id)
        next_due = last_at + timedelta(days=cadence) if last_at is not None else None
        beliefs = active.get(leader_id, 0)
        out.append(
            ScheduleOut(
                leader_id=leader_id,
                cadence_days=cadence,
                cadence_source=CadenceSource.leader
                if own is not None
                else CadenceSource.organization,
                active_beliefs=beliefs,
                last_submitted_at=last_at,
                next_due_at=next_due,
                overdue=beliefs > 0 and (next_due is None or next_due < now),
            )
        )
    return out


def set_schedule(session: Session, leader: Person, body: ScheduleSet) -> ReflectionSchedule | None:
    """Set (or clear, with `null`) the leader's own cadence. The row is kept once made, so
    its version — the ETag — only ever grows."""
    row = get_schedule_row(session, leader.org_id, leader.id)
    if row is None:
        if body.cadence_days is None:
            return None
        row = ReflectionSchedule(
            org_id=leader.org_id, leader_id=leader.id, cadence_days=body.cadence_days
        )
        session.add(row)
        try:
            session.flush()
        except IntegrityError as exc:  # a concurrent PUT created it first
            raise PreconditionFailed(
                "The schedule changed meanwhile; read it again and retry.", cause=STALE_IF_MATCH
            ) from exc
        return row
    if row.cadence_days != body.cadence_days:
        row.cadence_days = body.cadence_days
        row.updated_at = utcnow()
        session.flush()
    return row


def list_due(
    session: Session, org_id: str, page: PageParams, due_before: datetime
) -> tuple[list[ScheduleOut], str | None]:
    """Leaders (people with an active belief) whose next reflection is due before
    `due_before`, by person id."""
    default = _default_cadence(session, org_id)
    last = (
        select(
            Reflection.leader_id.label("leader_id"),
            func.max(Reflection.submitted_at).label("last_at"),
        )
        .where(Reflection.org_id == org_id, Reflection.status == ReflectionStatus.submitted)
        .group_by(Reflection.leader_id)
        .subquery()
    )
    has_active_belief = exists().where(
        Belief.org_id == Person.org_id,
        Belief.leader_id == Person.id,
        Belief.status == BeliefStatus.active,
    )
    cadence = func.coalesce(ReflectionSchedule.cadence_days, default)
    due: ColumnElement[bool] = or_(
        last.c.last_at.is_(None), plus_days(last.c.last_at, cadence) < due_before
    )
    stmt = (
        select(Person)
        .outerjoin(
            ReflectionSchedule,
            and_(
                ReflectionSchedule.org_id == Person.org_id,
                ReflectionSchedule.leader_id == Person.id,
            ),
        )
        .outerjoin(last, last.c.leader_id == Person.id)
        .where(Person.org_id == org_id, has_active_belief, due)
    )
    people, cursor = paginate(session, stmt, [Person.id], page, lambda p: [p.id])
    return schedules_for(session, org_id, [p.id for p in people]), cursor
