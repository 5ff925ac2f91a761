"""`reflection.due`: one event each time a leader's next reflection falls due.

The worker calls `emit_due_reflections` now and then. A leader is due when the reflection
schedule says so (`schedule.list_due`); the notice table remembers
which due moment was announced, so each one is announced once, whichever worker sees it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKeyConstraint, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from service.clock import organization_time
from service.db import Base, TenantMixin
from service.events.data import ReflectionDueData
from service.events.service import emit
from service.organizations.models import Organization
from service.pages import PageParams
from service.reflections.schedule import list_due


class ReflectionDueNotice(TenantMixin, Base):
    """That a leader's reflection due at `due_key` was announced (`never`: never reflected)."""

    __tablename__ = "reflection_due_notices"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "leader_id"], ["people.org_id", "people.id"], ondelete="CASCADE"
        ),
    )

    leader_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    due_key: Mapped[str] = mapped_column(String(40), primary_key=True)


def emit_due_reflections(session: Session, now: datetime) -> int:
    """Announce every reflection due by `now` (the service's time; a sandbox's own, ahead by
    its test clock) not announced yet; return how many."""
    count = 0
    orgs = session.execute(select(Organization.org_id, Organization.test_clock_seconds)).all()
    for org_id, clock_seconds in orgs:
        with organization_time(timedelta(seconds=clock_seconds)):
            count += emit_due_in_organization(
                session, org_id, now + timedelta(seconds=clock_seconds)
            )
    return count


def emit_due_in_organization(session: Session, org_id: str, now: datetime) -> int:
    """One organization's turn: its reflections due by `now`, its own time (a sandbox's test
    clock; the caller runs it inside that organization's `organization_time`)."""
    count = 0
    page = PageParams(limit=100)
    while True:
        due, cursor = list_due(session, org_id, page, now)
        for schedule in due:
            when = schedule.next_due_at
            key = when.isoformat() if when is not None else "never"
            if session.get(ReflectionDueNotice, (org_id, schedule.leader_id, key)):
                continue
            try:
                with session.begin_nested():
                    session.add(
                        ReflectionDueNotice(
                            org_id=org_id, leader_id=schedule.leader_id, due_key=key
                        )
                    )
            except IntegrityError:  # another worker announced it
                continue
            emit(
                session,
                org_id,
                ReflectionDueData(leader_id=schedule.leader_id, next_due_at=when),
            )
            count += 1
        if cursor is None:
            break
        page = PageParams(limit=100, cursor=cursor)
    return count
