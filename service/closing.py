"""Closing reporting periods and retention: the orchestration above the trust figures and
the insights built on them.

A period is closed once, after its end, by `close_due_periods` (the `calling close-periods`
command, run by a Kubernetes CronJob and in the background of `calling serve`; `calling
purge` runs it first too): the trust tables (`trust.closing.freeze_period`), then the
insight cells (`insights.closing.close_insights`), then the period's events
(`trust.closing.announce`), in one transaction. Each organization runs in its own
transaction, so one failure does not hold up the others, and on its own time (a sandbox's
test clock, `service.test_clock`).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from service.clock import organization_time
from service.db import utcnow
from service.feedback.models import Feedback, FeedbackBeliefRating
from service.feedback.open_counts import recount_open
from service.insights.closing import close_insights
from service.insights.themes import prepare as prepare_themes
from service.organizations.models import Organization
from service.organizations.service import schedule_of
from service.periods.calendar import Period, periods_between
from service.periods.ledger import last_closed_end, lock
from service.trust.closing import announce, freeze_period


def close_period(session: Session, org: Organization, period: Period, now: datetime) -> None:
    frozen = freeze_period(session, org, period, now)
    close_insights(session, org.org_id, period.start, frozen.contributions, frozen.settings)
    announce(session, org.org_id, period, frozen.settings, frozen.overall, frozen.prior)


def close_due(session: Session, org: Organization, now: datetime) -> list[Period]:
    """Close every period of the organization that has ended by `now` and is not closed yet
    (from its first answer on). Idempotent; safe to run concurrently. Returns those closed."""
    lock(session, org.org_id, shared=False)
    start = last_closed_end(session, org.org_id)
    if start is None:
        start = session.scalar(
            select(func.min(Feedback.period_start)).where(Feedback.org_id == org.org_id)
        )
        if start is None:
            return []
    due = periods_between(schedule_of(org), start, now)
    for period in due:
        close_period(session, org, period, now)
    return due


def close_due_periods(session: Session, org: Organization, now: datetime) -> int:
    """`close_due`: how many periods it closed."""
    return len(close_due(session, org, now))


def purge_expired_feedback(session: Session, org: Organization, now: datetime) -> int:
    """Retention (`feedback_retention_days`): close the ended periods first, then delete the
    feedback submitted before now − retention whose period is closed (its numbers stay in the
    frozen table); the open period keeps every answer until its close, which needs them.
    Returns the number of feedback rows deleted."""
    if org.feedback_retention_days is None:
        return 0
    close_due_periods(session, org, now)
    closed_until = last_closed_end(session, org.org_id)
    if closed_until is None:
        return 0
    cutoff = now - timedelta(days=org.feedback_retention_days)
    expiring = (
        Feedback.org_id == org.org_id,
        Feedback.submitted_at < cutoff,
        Feedback.period_start < closed_until,
    )
    expired = select(Feedback.id).where(*expiring)
    session.execute(
        delete(FeedbackBeliefRating).where(
            FeedbackBeliefRating.org_id == org.org_id,
            FeedbackBeliefRating.feedback_id.in_(expired),
        )
    )
    result = session.execute(delete(Feedback).where(*expiring))
    recount_open(session, org.org_id)
    return int(getattr(result, "rowcount", 0) or 0)


log = logging.getLogger("calling.periods")


def _org_ids(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(Organization.org_id).order_by(Organization.org_id)))


def close_all(sessions: sessionmaker[Session]) -> int:
    """Close every ended period of every organization; the number closed."""
    prepare_themes()  # before any transaction: no lock is held while the dictionary loads
    closed = 0
    for org_id in _org_ids(sessions):
        with sessions() as session, session.begin():
            org = session.get(Organization, org_id)
            if org is not None:
                with organization_time(org.clock_offset):  # a sandbox: its test clock's time
                    closed += close_due_periods(session, org, utcnow())
    return closed


def purge_all(sessions: sessionmaker[Session]) -> int:
    """Retention for every organization; the number of feedback rows deleted."""
    deleted = 0
    for org_id in _org_ids(sessions):
        with sessions() as session, session.begin():
            org = session.get(Organization, org_id)
            if org is not None:
                with organization_time(org.clock_offset):
                    deleted += purge_expired_feedback(session, org, utcnow())
    return deleted


def start_background_closer(sessions: sessionmaker[Session], every: float) -> threading.Thread:
    """`close_all` every `every` seconds in a daemon thread of `calling serve`."""

    def loop() -> None:
        prepare_themes()
        while True:
            try:
                closed = close_all(sessions)
                if closed:
                    log.info("closed reporting periods", extra={"closed": closed})
            except Exception:  # keep closing later; the CronJob covers this process too
                log.exception("closing reporting periods failed")
            threading.Event().wait(every)

    thread = threading.Thread(target=loop, name="close-periods", daemon=True)
    thread.start()
    return thread
