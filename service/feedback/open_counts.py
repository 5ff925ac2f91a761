"""The open periods' respondent counts (`TrustOpenCount`), kept by the feedback write path:
one more respondent when an answer is the first of its respondent about a leader in a
period, one fewer when the last one that counts is retracted."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from service.feedback.models import Feedback, TrustOpenCount
from service.periods.ledger import last_closed_end


def _create_missing(session: Session, org_id: str, leaders: list[str], start: datetime) -> None:
    """An open count of 0 for each of `leaders` in the period that has none yet."""
    dialect = session.get_bind().dialect.name
    upsert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        upsert(TrustOpenCount)
        .values(
            [
                {"org_id": org_id, "leader_id": leader, "period_start": start, "answers": 0}
                for leader in leaders
            ]
        )
        .on_conflict_do_nothing()
    )


def _counter(session: Session, org_id: str, leader_id: str, start: datetime) -> TrustOpenCount:
    """The open count of (leader, period), created if missing and locked for this
    transaction (PostgreSQL), so concurrent writers of one leader count one after another."""
    _create_missing(session, org_id, [leader_id], start)
    return session.scalars(
        select(TrustOpenCount)
        .where(
            TrustOpenCount.org_id == org_id,
            TrustOpenCount.leader_id == leader_id,
            TrustOpenCount.period_start == start,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _other_voice(session: Session, feedback: Feedback) -> bool:
    """Another answer of the same respondent about the same leader in the same period that
    still counts (an index lookup)."""
    return (
        session.scalar(
            select(Feedback.id)
            .where(
                Feedback.org_id == feedback.org_id,
                Feedback.leader_id == feedback.leader_id,
                Feedback.period_start == feedback.period_start,
                Feedback.respondent_key == feedback.respondent_key,
                Feedback.retracted_at.is_(None),
                Feedback.id != feedback.id,
            )
            .limit(1)
        )
        is not None
    )


def voice_added(session: Session, feedback: Feedback) -> None:
    """A new answer (already flushed): one more respondent unless they had answered."""
    counter = _counter(session, feedback.org_id, feedback.leader_id, feedback.period_start)
    if not _other_voice(session, feedback):
        counter.answers += 1
    session.flush()


def voice_retracted(session: Session, feedback: Feedback) -> None:
    """A retraction in a period not closed yet: one respondent fewer unless another answer
    of theirs still counts."""
    closed_until = last_closed_end(session, feedback.org_id)
    if closed_until is not None and feedback.period_start < closed_until:
        return
    counter = _counter(session, feedback.org_id, feedback.leader_id, feedback.period_start)
    if not _other_voice(session, feedback):
        counter.answers = max(0, counter.answers - 1)
    session.flush()


def recount_open(session: Session, org_id: str) -> None:
    """Recompute the open counts of the periods not closed yet (after a purge)."""
    closed_until = last_closed_end(session, org_id)
    session.execute(delete(TrustOpenCount).where(TrustOpenCount.org_id == org_id))
    still_open = [Feedback.org_id == org_id, Feedback.retracted_at.is_(None)]
    if closed_until is not None:
        still_open.append(Feedback.period_start >= closed_until)
    session.execute(
        insert(TrustOpenCount).from_select(
            ["org_id", "leader_id", "period_start", "answers"],
            select(
                Feedback.org_id,
                Feedback.leader_id,
                Feedback.period_start,
                func.count(func.distinct(Feedback.respondent_key)),
            )
            .where(*still_open)
            .group_by(Feedback.org_id, Feedback.leader_id, Feedback.period_start),
        )
    )
    session.flush()


def voices_added(
    session: Session, org_id: str, start: datetime, rows: list[dict[str, Any]]
) -> None:
    """Add to each leader's open count the respondents of `rows` (already inserted) who had
    no answer in the period that still counts. The counts are locked first (created if
    missing), in leader order, so the look-up sees every answer committed before."""
    leaders = sorted({str(row["leader_id"]) for row in rows})
    _create_missing(session, org_id, leaders, start)
    session.execute(
        select(TrustOpenCount.leader_id)
        .where(
            TrustOpenCount.org_id == org_id,
            TrustOpenCount.period_start == start,
            TrustOpenCount.leader_id.in_(leaders),
        )
        .order_by(TrustOpenCount.leader_id)
        .with_for_update()
    ).all()
    batch = {str(row["id"]) for row in rows}
    voices = {(str(row["leader_id"]), str(row["respondent_key"])) for row in rows}
    known = {
        (leader, key)
        for leader, key, feedback_id in session.execute(
            select(Feedback.leader_id, Feedback.respondent_key, Feedback.id).where(
                Feedback.org_id == org_id,
                Feedback.period_start == start,
                Feedback.retracted_at.is_(None),
                tuple_(Feedback.leader_id, Feedback.respondent_key).in_(sorted(voices)),
            )
        )
        if feedback_id not in batch
    }
    added = Counter(leader for leader, key in voices - known)
    if added:
        counts = cast(Table, TrustOpenCount.__table__)
        # Core, not the ORM: one UPDATE per leader, sent as a batch.
        session.connection().execute(
            update(counts)
            .where(
                counts.c.org_id == org_id,
                counts.c.period_start == start,
                counts.c.leader_id == bindparam("leader"),
            )
            .values(answers=counts.c.answers + bindparam("added")),
            [{"leader": leader, "added": n} for leader, n in sorted(added.items())],
        )
