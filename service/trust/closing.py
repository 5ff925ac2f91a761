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

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from service.feedback.models import Feedback, FeedbackBeliefRating
from service.insights.closing import close_insights
from service.organizations.models import Organization
from service.organizations.service import schedule_of
from service.trust.models import TrustPeriod, TrustPeriodCell
from service.trust.periods import Period, period_of, periods_between, version_at
from service.trust.scoring import ITEMS, Stats, prior_mean, raw_mean
from service.trust.tables import OVERALL, Contribution, Rules, period_table


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
    session.execute(
        delete(TrustPeriodCell).where(
            TrustPeriodCell.org_id == org_id, TrustPeriodCell.leader_id == leader_id
        )
    )
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
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)
