"""Where the closed periods end, and the per-organization period lock.

Closing takes the lock exclusive (`trust.closing`) and feedback writes take it shared
(PostgreSQL advisory locks; SQLite serializes writers anyway), and a write stores its answer
in the first period not yet closed, so no answer ever lands in a closed period.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.periods.calendar import Period, Schedule, period_of
from service.periods.models import TrustPeriod


def lock(session: Session, org_id: str, *, shared: bool) -> None:
    """The organization's period lock, held to the end of the transaction (PostgreSQL)."""
    if session.get_bind().dialect.name != "postgresql":
        session.connection()  # SQLite: BEGIN IMMEDIATE already serializes every writer
        return
    key = func.hashtextextended(f"trust-periods:{org_id}", 0)
    lock = func.pg_advisory_xact_lock_shared if shared else func.pg_advisory_xact_lock
    session.execute(select(lock(key)))


def last_closed_end(session: Session, org_id: str) -> datetime | None:
    return session.scalar(
        select(func.max(TrustPeriod.period_end)).where(TrustPeriod.org_id == org_id)
    )


def period_for_write(session: Session, org_id: str, schedule: Schedule, now: datetime) -> Period:
    """The period an answer written at `now` belongs to: the one containing `now`, or, if a
    closer got there first, the first period not closed yet. Takes the period lock shared."""
    lock(session, org_id, shared=True)
    period = period_of(schedule, now)
    closed_until = last_closed_end(session, org_id)
    if closed_until is not None and period.start < closed_until:
        period = period_of(schedule, closed_until)
    return period
