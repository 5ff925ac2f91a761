"""Scheduled work over every organization: closing ended periods and retention. Each
organization runs in its own transaction, so one failure does not hold up the others."""

from __future__ import annotations

import logging
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.db import utcnow
from service.organizations.models import Organization
from service.trust.closing import close_due_periods, purge_expired_feedback

log = logging.getLogger("calling.periods")


def _org_ids(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(Organization.org_id).order_by(Organization.org_id)))


def close_all(sessions: sessionmaker[Session]) -> int:
    """Close every ended period of every organization; the number closed."""
    closed = 0
    for org_id in _org_ids(sessions):
        with sessions() as session, session.begin():
            org = session.get(Organization, org_id)
            if org is not None:
                closed += close_due_periods(session, org, utcnow())
    return closed


def purge_all(sessions: sessionmaker[Session]) -> int:
    """Retention for every organization; the number of feedback rows deleted."""
    deleted = 0
    for org_id in _org_ids(sessions):
        with sessions() as session, session.begin():
            org = session.get(Organization, org_id)
            if org is not None:
                deleted += purge_expired_feedback(session, org, utcnow())
    return deleted


def start_background_closer(sessions: sessionmaker[Session], every: float) -> threading.Thread:
    """`close_all` every `every` seconds in a daemon thread of `calling serve`."""

    def loop() -> None:
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
