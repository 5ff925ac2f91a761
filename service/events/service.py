"""Write events in the transaction of the change that causes them; read the feed.

`emit` / `emit_many` are the one way in: they take the organization's next sequence numbers
(locking its counter row until commit, so the feed's order is commit order), add the events,
and queue one webhook delivery per subscribed endpoint (the outbox), all in the caller's
transaction: a change and its events commit or roll back together.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import String, cast, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.db import utcnow
from service.errors import NotFound
from service.events.data import EventData
from service.events.models import Event, EventCounter
from service.events.outbox import drop_deliveries, enqueue
from service.events.types import EventType
from service.ids import new_id
from service.pages import PageParams, paginate
from service.problem_types import NOT_FOUND

# How long the feed keeps events (the issue: at least 30 days).
RETENTION = timedelta(days=30)


def _next_seqs(session: Session, org_id: str, count: int) -> int:
    """Reserve `count` sequence numbers; return the last one. Locks the counter row."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert(EventCounter)
        .values(org_id=org_id, last_seq=count)
        .on_conflict_do_update(
            index_elements=[EventCounter.org_id],
            set_={"last_seq": EventCounter.last_seq + count},
        )
        .returning(EventCounter.last_seq)
    )
    return int(session.execute(stmt).scalar_one())


def emit_many(session: Session, org_id: str, events: Sequence[EventData]) -> list[Event]:
    """Add `events` (each the data of its type) to the organization's feed and outbox, in
    this transaction. `data` holds ids and figures only: never an anonymous respondent's text
    or reference."""
    if not events:
        return []
    last = _next_seqs(session, org_id, len(events))
    now = utcnow()
    rows = [
        Event(
            org_id=org_id,
            seq=last - len(events) + 1 + i,
            id=new_id("evt"),
            type=str(data.event_type),
            occurred_at=now,
            data=data.model_dump(mode="json", by_alias=True),
        )
        for i, data in enumerate(events)
    ]
    # One multi-row INSERT (a bulk upsert emits a thousand events), not a unit-of-work flush.
    session.execute(
        insert(Event),
        [
            {c: getattr(e, c) for c in ("org_id", "seq", "id", "type", "occurred_at", "data")}
            for e in rows
        ],
    )
    enqueue(session, org_id, rows)
    return rows


def emit(session: Session, org_id: str, data: EventData) -> Event:
    """Add one event, of the type of its `data` (see `emit_many`)."""
    return emit_many(session, org_id, [data])[0]


def forget(session: Session, org_id: str, object_id: str) -> None:
    """Erasure: drop the organization's events (and their pending deliveries) that name
    `object_id`. The caller then emits the tombstone (`person.deleted`), the one event that
    still names it, so that mirrors delete it too; it ages out with the feed."""
    naming = select(Event.seq).where(
        Event.org_id == org_id, cast(Event.data, String).contains(object_id)
    )
    seqs = list(session.scalars(naming))
    if not seqs:
        return
    drop_deliveries(session, org_id, seqs)
    session.execute(
        delete(Event)
        .where(Event.org_id == org_id, Event.seq.in_(seqs))
        .execution_options(synchronize_session=False)
    )


def list_events(
    session: Session,
    org_id: str,
    page: PageParams,
    *,
    types: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[list[Event], str | None]:
    stmt = select(Event).where(Event.org_id == org_id)
    if types:
        stmt = stmt.where(Event.type.in_(list(types)))
    if since is not None:
        stmt = stmt.where(Event.occurred_at >= since)
    if until is not None:
        stmt = stmt.where(Event.occurred_at < until)
    return paginate(session, stmt, [Event.seq], page, lambda e: [e.seq])


def get_event(session: Session, org_id: str, event_id: str) -> Event:
    event = session.scalar(select(Event).where(Event.org_id == org_id, Event.id == event_id))
    if event is None:
        raise NotFound(f"No event {event_id}.", cause=NOT_FOUND)
    return event


def purge_expired(session: Session, now: datetime) -> int:
    """Forget events older than the retention (the worker calls this)."""
    result = session.execute(
        delete(Event)
        .where(Event.occurred_at < now - RETENTION)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


__all__ = ["RETENTION", "EventType", "emit", "emit_many", "get_event", "list_events"]
