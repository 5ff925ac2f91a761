"""Closing a reporting period: the write side of the trust figures.

`service.closing` closes each period once, after its end, under the period lock
(`periods.ledger`). Its table is `tables.period_table` of the answers submitted in it, as
they stood at its end (an answer retracted after the end still counts), computed with the
settings in force at its start, and written to `trust_periods`/`trust_period_cells`
(`freeze_period`); `announce` emits its events. Closed periods are never changed again,
except that a leader's erasure removes their cells (`forget_leader`).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from service.events.data import EventData, LeaderStageChangedData, TrustScorePublishedData
from service.events.service import emit_many
from service.feedback.models import Feedback, FeedbackBeliefRating, TrustOpenCount
from service.organizations.models import Organization
from service.organizations.service import schedule_of
from service.periods.calendar import Period, version_at
from service.periods.models import TABLE_VERSION, TrustPeriod
from service.trust.models import TrustPeriodCell
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
from service.types import Stage


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


@dataclass(frozen=True)
class Frozen:
    """A period just closed: what the insights and the events of the period are made of."""

    settings: dict[str, Any]
    contributions: list[Contribution]
    overall: dict[str, Stats]  # the leaders' shown overall statistics
    prior: float


def freeze_period(session: Session, org: Organization, period: Period, now: datetime) -> Frozen:
    """Write the period's closed tables (its open counts go)."""
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
            table_version=TABLE_VERSION,
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
    return Frozen(
        settings=settings,
        contributions=contributions,
        overall={
            leader_id: Stats.from_json(cells[OVERALL].stats)
            for leader_id, cells in table.items()
            if OVERALL in cells and cells[OVERALL].shown
        },
        prior=shown_overall_prior(raws),
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
    period is `insufficient_data` there, and so is every leader before the first period)."""
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
    events: list[EventData] = []
    for leader_id, (stage_now, score) in sorted(now_stages.items()):
        events.append(
            TrustScorePublishedData(
                leader_id=leader_id,
                period_start=period.start,
                period_end=period.end,
                stage=Stage(stage_now),
                score=score,
                n=overall[leader_id].n,
            )
        )
    # Every change, from and to `insufficient_data` included: before the first closed
    # period every leader is `insufficient_data`.
    for leader_id in sorted(set(now_stages) | set(before_stages)):
        old = before_stages.get(leader_id, ("insufficient_data", 0.0))[0]
        new = now_stages.get(leader_id, ("insufficient_data", 0.0))[0]
        if old != new:
            events.append(
                LeaderStageChangedData.model_validate(
                    {
                        "leader_id": leader_id,
                        "period_start": period.start,
                        "period_end": period.end,
                        "from": old,
                        "to": new,
                    }
                )
            )
    emit_many(session, org_id, events)


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
