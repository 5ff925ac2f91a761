"""The read side: assemble published states into a trust score, history and overview.

Reads never touch `feedback`: they read the leader's published cell states (one row per
cell) and the organization prior, then apply suppression (`suppression.visible_groups`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.feedback.schemas import Relationship
from service.organizations.models import Organization
from service.people.models import Person
from service.trust import aggregates
from service.trust.aggregates import OVERALL, group_cell
from service.trust.models import OrgPriorState, TrustCell, TrustCellState
from service.trust.publication import changed
from service.trust.schemas import (
    Figure,
    HistoryPoint,
    Interval,
    ItemFigure,
    LeaderScore,
    Method,
    OverallFigure,
    Stage,
    Trend,
    TrustHistory,
    TrustScore,
)
from service.trust.scoring import ITEMS, Params, Score, Stats, compute, prior_mean, stage
from service.trust.suppression import item_visible, visible_groups
from service.types import earlier

METHOD = (
    "Feedback in (t − window_days, t]; the latest response of each respondent counts. Per "
    "respondent t = 25 × (mean of answered items − 1). raw = mean t over n respondents; "
    "score = (C·m + n·raw)/(C + n) with m the organization mean (50 when it has none); 90 % "
    "interval score ± 1.645·sqrt(s²/(n + C)) (s² = 400 when n < 2), clipped to 0–100. "
    "Stage: insufficient_data when n < min_group_size; leader when the lower bound ≥ "
    "leader_lower_bound and followers ≥ min_group_size and followers/n ≥ "
    "leader_follower_share; emerging_leader when score ≥ emerging_leader_score and followers "
    "≥ 1; else manager. Figures are published states: each moves only when at least "
    "min_group_size respondents changed since its last publication; groups under their "
    "minimum, and enough others to prevent recovery by subtraction, are suppressed."
)


@dataclass
class CellState:
    members: dict[str, str] = field(default_factory=dict)
    stats: Stats = field(default_factory=Stats)
    published_at: datetime | None = None


def params_of(org: Organization) -> Params:
    return Params(
        prior_weight=org.prior_weight,
        min_group_size=org.min_group_size,
        emerging_leader_score=org.emerging_leader_score,
        leader_lower_bound=org.leader_lower_bound,
        leader_follower_share=org.leader_follower_share,
    )


def _cells_at(session: Session, org_id: str, leader_id: str, t: datetime) -> dict[str, CellState]:
    names = session.scalars(
        select(TrustCell.cell).where(TrustCell.org_id == org_id, TrustCell.leader_id == leader_id)
    ).all()
    states: dict[str, CellState] = {}
    for name in names:
        row = session.scalars(
            select(TrustCellState)
            .where(
                TrustCellState.org_id == org_id,
                TrustCellState.leader_id == leader_id,
                TrustCellState.cell == name,
                TrustCellState.published_at <= t,
            )
            .order_by(TrustCellState.published_at.desc(), TrustCellState.seq.desc())
            .limit(1)
        ).first()
        if row is not None:
            states[name] = CellState(
                dict(row.members), Stats.from_json(row.stats), row.published_at
            )
    return states


def _prior_at(session: Session, org_id: str, t: datetime) -> float:
    row = session.scalars(
        select(OrgPriorState)
        .where(OrgPriorState.org_id == org_id, OrgPriorState.published_at <= t)
        .order_by(OrgPriorState.published_at.desc(), OrgPriorState.seq.desc())
        .limit(1)
    ).first()
    return prior_mean(Stats(n=row.n, sum_u=row.sum_u) if row else Stats())


def _figure(score: Score) -> Figure:
    return Figure(
        suppressed=False,
        n=score.n,
        score=round(score.score, 2),
        interval=Interval(lower=round(score.lower, 2), upper=round(score.upper, 2)),
        raw=None if score.raw is None else round(score.raw, 2),
        favorability=None if score.favorability is None else round(score.favorability, 4),
        followers=score.followers,
    )


HIDDEN = Figure(suppressed=True)


@dataclass
class Assembled:
    stage: Stage
    overall: OverallFigure
    relationships: dict[str, Figure]
    score: float | None
    prior: float


def assemble(org: Organization, cells: dict[str, CellState], prior: float) -> Assembled:
    params = params_of(org)
    k = org.min_group_size
    overall = cells.get(OVERALL, CellState())
    groups = {r.value: cells.get(group_cell(r.value), CellState()).members for r in Relationship}
    visible = visible_groups(overall.members, groups, k, {"manager": org.manager_group_minimum})
    if len(overall.members) < k:
        return Assembled(
            Stage.insufficient_data,
            OverallFigure(suppressed=True),
            {r.value: HIDDEN for r in Relationship},
            None,
            prior,
        )
    score = compute(overall.stats, prior, params)
    items = {
        item: (
            ItemFigure(
                suppressed=False,
                n=score.item_n[item],
                mean=None
                if score.item_means[item] is None
                else round(float(score.item_means[item] or 0), 2),
            )
            if item_visible(score.item_n[item], k)
            else ItemFigure(suppressed=True)
        )
        for item in ITEMS
    }
    relationships: dict[str, Figure] = {}
    for r in Relationship:
        if r.value in visible:
            group = cells[group_cell(r.value)]
            relationships[r.value] = _figure(compute(group.stats, prior, params))
        else:
            relationships[r.value] = HIDDEN
    return Assembled(
        Stage(stage(score, params)),
        OverallFigure(**_figure(score).model_dump(), items=items),
        relationships,
        score.score,
        prior,
    )


def _method(org: Organization, prior: float) -> Method:
    return Method(
        description=METHOD,
        window_days=org.window_days,
        prior_weight=org.prior_weight,
        prior_mean=round(prior, 2),
        min_group_size=org.min_group_size,
        manager_group_minimum=org.manager_group_minimum,
        emerging_leader_score=org.emerging_leader_score,
        leader_lower_bound=org.leader_lower_bound,
        leader_follower_share=org.leader_follower_share,
    )


def trust_score(
    session: Session, org: Organization, leader: Person, as_of: datetime | None, now: datetime
) -> TrustScore:
    t = now if as_of is None or as_of > now else as_of
    pending = None
    if as_of is None:
        if aggregates.needs_refresh(session, org, leader.id, now):
            aggregates.refresh_leader(session, org, leader.id, now)
        pending = _pending(session, org, leader.id, now)
    cells = _cells_at(session, org.org_id, leader.id, t)
    now_state = assemble(org, cells, _prior_at(session, org.org_id, t))
    then = earlier(t, timedelta(days=org.window_days))
    then_state = assemble(
        org, _cells_at(session, org.org_id, leader.id, then), _prior_at(session, org.org_id, then)
    )
    change = None
    if now_state.score is not None and then_state.score is not None:
        change = round(now_state.score - then_state.score, 2)
    overall = cells.get(OVERALL)
    return TrustScore(
        leader_id=leader.id,
        as_of=t,
        published_at=overall.published_at if overall else None,
        pending=pending,
        stage=now_state.stage,
        overall=now_state.overall,
        relationships=now_state.relationships,
        trend=Trend(
            as_of=then,
            stage=then_state.stage,
            overall=Figure(**without_items(then_state.overall)),
            change=change,
        ),
        method=_method(org, now_state.prior),
    )


def without_items(figure: OverallFigure) -> dict[str, object]:
    """The fields of an overall figure that a plain `Figure` has."""
    return figure.model_dump(exclude={"items"})


def _pending(session: Session, org: Organization, leader_id: str, now: datetime) -> bool:
    contributions = aggregates.contributions_in_window(session, org, leader_id, now)
    live = aggregates.live_cells(contributions, org, now)
    stored = {
        c.cell: c.members
        for c in session.scalars(
            select(TrustCell).where(
                TrustCell.org_id == org.org_id, TrustCell.leader_id == leader_id
            )
        )
    }
    names = set(live) | set(stored)
    return any(
        changed(stored.get(n, {}), live.get(n, aggregates.LiveCell()).members) > 0 for n in names
    )


def month_ends(start: datetime, end: datetime) -> list[datetime]:
    """Each month's last instant (UTC) from `start`'s month through `end`'s."""
    points = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        last_day = calendar.monthrange(year, month)[1]
        point = datetime(year, month, last_day, 23, 59, 59, 999999, tzinfo=UTC)
        points.append(min(point, end))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return points


def trust_history(
    session: Session, org: Organization, leader: Person, months: int, now: datetime
) -> TrustHistory:
    start = now - timedelta(days=31 * (months - 1))
    points = month_ends(start.replace(day=1), now)[-months:]
    data = []
    for point in points:
        state = assemble(
            org,
            _cells_at(session, org.org_id, leader.id, point),
            _prior_at(session, org.org_id, point),
        )
        data.append(
            HistoryPoint(
                as_of=point, stage=state.stage, overall=Figure(**without_items(state.overall))
            )
        )
    return TrustHistory(leader_id=leader.id, data=data)


def overview(session: Session, org: Organization, now: datetime) -> list[LeaderScore]:
    """Every leader with a published overall state, from the states now in force."""
    prior = _prior_at(session, org.org_id, now)
    rows = session.execute(
        select(TrustCell, Person.display_name)
        .join(Person, (Person.org_id == TrustCell.org_id) & (Person.id == TrustCell.leader_id))
        .where(TrustCell.org_id == org.org_id, TrustCell.cell == OVERALL)
    ).all()
    out = []
    for cell, name in rows:
        state = assemble(
            org,
            {
                OVERALL: CellState(
                    dict(cell.members), Stats.from_json(cell.stats), cell.published_at
                )
            },
            prior,
        )
        out.append(
            LeaderScore(
                leader_id=cell.leader_id,
                display_name=name,
                stage=state.stage,
                overall=Figure(**without_items(state.overall)),
                published_at=cell.published_at,
            )
        )
    return out
