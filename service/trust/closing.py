"""Closing reporting periods: the write side of the trust figures.

A period is closed once, after its end, by `close_due_periods` (the `calling close-periods`
command, run by a Kubernetes CronJob and in the background of `calling serve`; `calling
purge` runs it first too). Its table is `tables.period_table` of the answers submitted in it,
as they stood at its end (an answer retracted after the end still counts), computed with the
settings in force at its start, and written to `trust_periods`/`trust_period_cells`. Closed
periods are never changed again, except that a leader's erasure removes their cells.

Concurrency: closing takes an exclusive per-organization lock and feedback writes take it
shared (PostgreSQL advisory locks; SQLite serializes writers anyway), and a write stores its
answer in the first period not yet closed, so no answer ever lands in a closed period.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from service.events.service import emit_many
from service.events.types import EventType
from service.feedback.models import Feedback, FeedbackBeliefRating
from service.insights.closing import close_insights
from service.organizations.models import Organization
from service.organizations.service import schedule_of
from service.trust.models import TrustOpenCount, TrustPeriod, TrustPeriodCell
from service.trust.periods import Period, period_of, periods_between, version_at
from service.trust.scoring import (
    ITEMS,
    Stats,
    compute,
    params_of,
    prior_mean,
    raw_mean,
    stage,
)
from service.trust.tables import OVERALL, Contribution, Rules, period_table
from service.types import rfc3339


def _lock(session: Session, org_id: str, *, shared: bool) -> None:
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


def period_for_write(session: Session, org: Organization, now: datetime) -> Period:
    """The period an answer written at `now` belongs to: the one containing `now`, or, if a
    closer got there first, the first period not closed yet. Takes the period lock shared."""
    _lock(session, org.org_id, shared=True)
    schedule = schedule_of(org)
    period = period_of(schedule, now)
    closed_until = last_closed_end(session, org.org_id)
    if closed_until is not None and period.start < closed_until:
        period = period_of(schedule, closed_until)
    return period


def _counter(session: Session, org_id: str, leader_id: str, start: datetime) -> TrustOpenCount:
    """The open count of (leader, period), created if missing and locked for this
    transaction (PostgreSQL), so concurrent writers of one leader count one after another."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(TrustOpenCount)
        .values(org_id=org_id, leader_id=leader_id, period_start=start, answers=0)
        .on_conflict_do_nothing()
    )
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


def contributions_of(session: Session, org_id: str, period: Period) -> list[Contribution]:
    """Every answer submitted in the period as it stood at the period's end."""
    rows = session.scalars(
        select(Feedback).where(
            Feedback.org_id == org_id,
            Feedback.period_start == period.start,
            or_(Feedback.retracted_at.is_(None), Feedback.retracted_at >= period.end),
        )
    ).all()
    ratings: dict[str, dict[str, int]] = defaultdict(dict)
    if rows:
        for feedback_id, belief_id, rating in session.execute(
            select(
                FeedbackBeliefRating.feedback_id,
                FeedbackBeliefRating.belief_id,
                FeedbackBeliefRating.rating,
            )
            .join(
                Feedback,
                (Feedback.org_id == FeedbackBeliefRating.org_id)
                & (Feedback.id == FeedbackBeliefRating.feedback_id),
            )
            .where(FeedbackBeliefRating.org_id == org_id, Feedback.period_start == period.start)
        ):
            ratings[feedback_id][belief_id] = rating
    return [
        Contribution(
            feedback_id=f.id,
            leader_id=f.leader_id,
            respondent_key=f.respondent_key,
            relationship=f.relationship,
            answers={item: getattr(f, item) for item in ITEMS},
            attributed=f.attributed,
            submitted_at=f.submitted_at,
            belief_ratings=ratings.get(f.id, {}),
        )
        for f in rows
    ]


def shown_overall_prior(raws: list[float]) -> float:
    """m: the mean of the leaders' shown overall `raw` (50 when none is shown)."""
    return statistics.fmean(raws) if raws else prior_mean(Stats())


def close_period(session: Session, org: Organization, period: Period, now: datetime) -> None:
    settings = dict(version_at(schedule_of(org), period.start).settings)
    contributions = contributions_of(session, org.org_id, period)
    table = period_table(contributions, Rules.of(settings))
    raws = [
        raw_mean(Stats.from_json(cells[OVERALL].stats))
        for cells in table.values()
        if OVERALL in cells and cells[OVERALL].shown
    ]
    session.execute(
        delete(TrustOpenCount).where(
            TrustOpenCount.org_id == org.org_id, TrustOpenCount.period_start == period.start
        )
    )
    session.add(
        TrustPeriod(
            org_id=org.org_id,
            period_start=period.start,
            period_end=period.end,
            closed_at=now,
            settings=settings,
            prior_mean=shown_overall_prior(raws),
        )
    )
    session.flush()
    session.add_all(
        TrustPeriodCell(
            org_id=org.org_id,
            period_start=period.start,
            leader_id=leader_id,
            cell=cell.name,
            shown=cell.shown,
            stats=dict(cell.stats),
            members=sorted(cell.members),
        )
        for leader_id, cells in table.items()
        for cell in cells.values()
    )
    session.flush()
    close_insights(session, org.org_id, period.start, contributions, settings)
    announce(
        session,
        org.org_id,
        period,
        settings,
        {
            leader_id: Stats.from_json(cells[OVERALL].stats)
            for leader_id, cells in table.items()
            if OVERALL in cells and cells[OVERALL].shown
        },
        shown_overall_prior(raws),
    )


def _stages(
    overall: dict[str, Stats], prior: float, settings: dict[str, Any]
) -> dict[str, tuple[str, float]]:
    params = params_of(settings)
    out = {}
    for leader_id, stats in overall.items():
        score = compute(stats, prior, params)
        out[leader_id] = (stage(score, params), round(score.score, 2))
    return out


def announce(
    session: Session,
    org_id: str,
    period: Period,
    settings: dict[str, Any],
    overall: dict[str, Stats],
    prior: float,
) -> None:
    """The events of a closed period: `trust_score.published` for each leader whose overall
    figure is shown (figures the API serves anyway), and `leader.stage_changed` where the
    stage differs from the one in the period before (a leader without a shown figure in a
    period is `insufficient_data` there)."""
    now_stages = _stages(overall, prior, settings)
    before = session.scalars(
        select(TrustPeriod)
        .where(TrustPeriod.org_id == org_id, TrustPeriod.period_end == period.start)
        .limit(1)
    ).first()
    before_stages: dict[str, tuple[str, float]] = {}
    if before is not None:
        rows = session.execute(
            select(TrustPeriodCell.leader_id, TrustPeriodCell.stats).where(
                TrustPeriodCell.org_id == org_id,
                TrustPeriodCell.period_start == before.period_start,
                TrustPeriodCell.cell == OVERALL,
                TrustPeriodCell.shown.is_(True),
            )
        )
        before_stages = _stages(
            {leader_id: Stats.from_json(stats) for leader_id, stats in rows},
            before.prior_mean,
            before.settings,
        )
    events: list[tuple[EventType, dict[str, Any]]] = []
    period_data = {"period_start": rfc3339(period.start), "period_end": rfc3339(period.end)}
    for leader_id, (stage_now, score) in sorted(now_stages.items()):
        events.append(
            (
                EventType.trust_score_published,
                {
                    "leader_id": leader_id,
                    **period_data,
                    "stage": stage_now,
                    "score": score,
                    "n": overall[leader_id].n,
                },
            )
        )
    if before is not None:
        for leader_id in sorted(set(now_stages) | set(before_stages)):
            old = before_stages.get(leader_id, ("insufficient_data", 0.0))[0]
            new = now_stages.get(leader_id, ("insufficient_data", 0.0))[0]
            if old != new:
                events.append(
                    (
                        EventType.leader_stage_changed,
                        {"leader_id": leader_id, **period_data, "from": old, "to": new},
                    )
                )
    emit_many(session, org_id, events)


def close_due_periods(session: Session, org: Organization, now: datetime) -> int:
    """Close every period of the organization that has ended by `now` and is not closed yet
    (from its first answer on). Idempotent; safe to run concurrently. Returns how many."""
    _lock(session, org.org_id, shared=False)
    start = last_closed_end(session, org.org_id)
    if start is None:
        start = session.scalar(
            select(func.min(Feedback.period_start)).where(Feedback.org_id == org.org_id)
        )
        if start is None:
            return 0
    due = periods_between(schedule_of(org), start, now)
    for period in due:
        close_period(session, org, period, now)
    return len(due)


def forget_leader(session: Session, org_id: str, leader_id: str) -> None:
    """Before a leader is erased: what is about them goes, their cells included, and each
    closed period's prior `m` is recomputed without their figure."""
    periods = list(
        session.scalars(
            select(TrustPeriodCell.period_start).where(
                TrustPeriodCell.org_id == org_id,
                TrustPeriodCell.leader_id == leader_id,
                TrustPeriodCell.cell == OVERALL,
                TrustPeriodCell.shown.is_(True),
            )
        )
    )
    for table in (TrustPeriodCell, TrustOpenCount):
        session.execute(delete(table).where(table.org_id == org_id, table.leader_id == leader_id))
    for start in periods:
        raws = [
            raw_mean(Stats.from_json(stats))
            for stats in session.scalars(
                select(TrustPeriodCell.stats).where(
                    TrustPeriodCell.org_id == org_id,
                    TrustPeriodCell.period_start == start,
                    TrustPeriodCell.cell == OVERALL,
                    TrustPeriodCell.shown.is_(True),
                )
            )
        ]
        period = session.get(TrustPeriod, (org_id, start))
        if period is not None:
            period.prior_mean = shown_overall_prior(raws)
    session.flush()


def purge_expired_feedback(session: Session, org: Organization, now: datetime) -> int:
    """Retention (`feedback_retention_days`): close the ended periods first, then delete the
    feedback submitted before now − retention. Closed tables stay as they are. Returns the
    number of feedback rows deleted."""
    if org.feedback_retention_days is None:
        return 0
    close_due_periods(session, org, now)
    cutoff = now - timedelta(days=org.feedback_retention_days)
    expired = select(Feedback.id).where(
        Feedback.org_id == org.org_id, Feedback.submitted_at < cutoff
    )
    session.execute(
        delete(FeedbackBeliefRating).where(
            FeedbackBeliefRating.org_id == org.org_id,
            FeedbackBeliefRating.feedback_id.in_(expired),
        )
    )
    result = session.execute(
        delete(Feedback).where(Feedback.org_id == org.org_id, Feedback.submitted_at < cutoff)
    )
    recount_open(session, org.org_id)
    return int(getattr(result, "rowcount", 0) or 0)
