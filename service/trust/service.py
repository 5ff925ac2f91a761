"""The read side: a closed period's frozen cells, assembled into a trust score, history and
overview. Reads never write and never touch feedback figures: a read of a closed period is a
lookup (the organization row, then the leader with the open period's count, then the last
two closed periods with the leader's shown cells, in one statement each).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import CompoundSelect, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from service.errors import NotFound
from service.feedback.models import TrustOpenCount
from service.feedback.schemas import Relationship, Stakeholder
from service.organizations.models import Organization
from service.organizations.service import schedule_of
from service.people.models import Person
from service.periods.calendar import period_of, version_at
from service.periods.models import TrustPeriod
from service.problem_types import NOT_FOUND
from service.trust.models import TrustPeriodCell
from service.trust.schemas import (
    Figure,
    HistoryPoint,
    Interval,
    ItemFigure,
    LeaderScore,
    Method,
    OpenPeriod,
    OverallFigure,
    PeriodRef,
    Trend,
    TrustHistory,
    TrustScore,
)
from service.trust.scoring import (
    DEFAULT_PRIOR,
    ITEMS,
    Score,
    Stats,
    compute,
    params_of,
    stage,
)
from service.trust.tables import OVERALL, group_cell, stakeholder_cell
from service.types import Stage

METHOD = (
    "Figures are per reporting period (calendar months, quarters, half-years or years in UTC: "
    "period_months). An open period shows only its count of answers; when it ends, its whole "
    "table is computed once from the answers as they stood at its end, with the settings in "
    "force at its start, and frozen. One voice per respondent per period (the latest answer "
    "counts). Per respondent t = 25 × (mean of the four items − 1). raw = mean t over n "
    "respondents; score = (C·m + n·raw)/(C + n), m the mean of the organization's leaders' "
    "shown overall raw in the period (50 when none); 90 % interval score ± "
    "1.645·sqrt(s²/(n + C)) (s² = 400 when n < 2), clipped to 0–100. Stage: "
    "insufficient_data when n < min_group_size; leader when the lower bound ≥ "
    "leader_lower_bound and followers ≥ min_group_size and followers/n ≥ "
    "leader_follower_share; emerging_leader when score ≥ emerging_leader_score and followers "
    "≥ 1; else manager. A cell is shown only over at least its minimum of respondents and "
    "when no combination of the period's shown cells isolates fewer than min_group_size "
    "anonymous answers (attributed answers count as known). With manager_group_minimum 1 the "
    "manager group shows when it is one answer (the leader's one manager, then known) or at "
    "least min_group_size; two to min_group_size − 1 managers stay hidden. A follower is a "
    "respondent who answers want_to_follow ≥ 4 and leaned_on ≥ 4: they want to follow the "
    "leader and lean on them. Levels: overall is every counted respondent about the leader "
    "in the period; stakeholder groups, those of one group (employees: direct reports, peers "
    "and the manager; customers: internal and external customers; suppliers; other); "
    "relationships, those of one relationship; items, one item's mean over "
    "the overall respondents; m is the organization's level. The trend compares with the "
    "latest earlier period in which the overall figure was shown."
)

HIDDEN = Figure(suppressed=True)
TRUST_CELLS = or_(
    TrustPeriodCell.cell == OVERALL,
    TrustPeriodCell.cell.like("rel:%"),
    TrustPeriodCell.cell.like("group:%"),
)


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


@dataclass
class Assembled:
    stage: Stage
    overall: OverallFigure
    relationships: dict[str, Figure]
    stakeholder_groups: dict[str, Figure] | None  # None: a period closed before them
    score: float | None


NOTHING = Assembled(
    Stage.insufficient_data,
    OverallFigure(suppressed=True),
    {r.value: HIDDEN for r in Relationship},
    {g.value: HIDDEN for g in Stakeholder},
    None,
)


def assemble(period: TrustPeriod, cells: Mapping[str, Stats]) -> Assembled:
    """The figures of one leader's shown cells of one closed period."""
    overall = cells.get(OVERALL)
    if overall is None:
        return NOTHING if period.table_version >= 2 else replace(NOTHING, stakeholder_groups=None)
    params = params_of(period.settings)
    score = compute(overall, period.prior_mean, params)
    items = {
        item: (
            ItemFigure(
                suppressed=False,
                n=score.item_n[item],
                mean=round(float(score.item_means[item] or 0), 2),
            )
            if score.item_n[item] >= params.min_group_size
            else ItemFigure(suppressed=True)
        )
        for item in ITEMS
    }

    def figure(cell: str) -> Figure:
        return _figure(compute(cells[cell], period.prior_mean, params)) if cell in cells else HIDDEN

    return Assembled(
        Stage(stage(score, params)),
        OverallFigure(**_figure(score).model_dump(), items=items),
        {r.value: figure(group_cell(r.value)) for r in Relationship},
        {g.value: figure(stakeholder_cell(g.value)) for g in Stakeholder}
        if period.table_version >= 2
        else None,
        score.score,
    )


def method_of(settings: Mapping[str, Any], prior: float) -> Method:
    return Method(
        description=METHOD,
        period_months=int(settings["period_months"]),
        prior_weight=float(settings["prior_weight"]),
        prior_mean=round(prior, 2),
        min_group_size=int(settings["min_group_size"]),
        manager_group_minimum=int(settings["manager_group_minimum"]),
        emerging_leader_score=float(settings["emerging_leader_score"]),
        leader_lower_bound=float(settings["leader_lower_bound"]),
        leader_follower_share=float(settings["leader_follower_share"]),
    )


def without_items(figure: OverallFigure) -> dict[str, object]:
    """The fields of an overall figure that a plain `Figure` has."""
    return figure.model_dump(exclude={"items"})


def _ref(period: TrustPeriod) -> PeriodRef:
    return PeriodRef(start=period.period_start, end=period.period_end)


def closed_periods(
    session: Session, org_id: str, leader_id: str, t: datetime, limit: int, *, overall_only: bool
) -> list[tuple[TrustPeriod, dict[str, Stats]]]:
    """The last `limit` periods closed by `t`, newest first, each with the leader's shown
    cells (one statement)."""
    recent = (
        select(TrustPeriod.period_start)
        .where(TrustPeriod.org_id == org_id, TrustPeriod.closed_at <= t)
        .order_by(TrustPeriod.period_start.desc())
        .limit(limit)
    )
    return _periods_with_cells(session, org_id, leader_id, recent, overall_only=overall_only)


def latest_and_trend(
    session: Session, org_id: str, leader_id: str, t: datetime
) -> list[tuple[TrustPeriod, dict[str, Stats]]]:
    """The latest period closed by `t` and the trend's: the latest earlier one in which the
    leader's overall figure was shown (a month without a campaign is skipped), newest first,
    each with the leader's shown cells (one statement)."""
    latest = (
        select(func.max(TrustPeriod.period_start))
        .where(TrustPeriod.org_id == org_id, TrustPeriod.closed_at <= t)
        .scalar_subquery()
    )
    shown_before = (
        select(func.max(TrustPeriodCell.period_start))
        .where(
            TrustPeriodCell.org_id == org_id,
            TrustPeriodCell.leader_id == leader_id,
            TrustPeriodCell.cell == OVERALL,
            TrustPeriodCell.shown.is_(True),
            TrustPeriodCell.period_start < latest,
        )
        .scalar_subquery()
    )
    starts = select(latest).union(select(shown_before))
    return _periods_with_cells(session, org_id, leader_id, starts, overall_only=False)


def _periods_with_cells(
    session: Session,
    org_id: str,
    leader_id: str,
    starts: Select[Any] | CompoundSelect[Any],
    *,
    overall_only: bool,
) -> list[tuple[TrustPeriod, dict[str, Stats]]]:
    """The periods starting at `starts`, newest first, with the leader's shown cells."""
    cells = TrustPeriodCell.cell == OVERALL if overall_only else TRUST_CELLS
    rows = session.execute(
        select(TrustPeriod, TrustPeriodCell.cell, TrustPeriodCell.stats)
        .where(TrustPeriod.period_start.in_(starts))
        .outerjoin(
            TrustPeriodCell,
            and_(
                TrustPeriodCell.org_id == TrustPeriod.org_id,
                TrustPeriodCell.period_start == TrustPeriod.period_start,
                TrustPeriodCell.leader_id == leader_id,
                TrustPeriodCell.shown.is_(True),
                cells,
            ),
        )
        .where(TrustPeriod.org_id == org_id)
    ).all()
    found: dict[datetime, tuple[TrustPeriod, dict[str, Stats]]] = {}
    for period, cell, stats in rows:
        entry = found.setdefault(period.period_start, (period, {}))
        if cell is not None:
            entry[1][cell] = Stats.from_json(stats)
    return [found[k] for k in sorted(found, reverse=True)]


def _leader_and_open_count(
    session: Session, org: Organization, leader_id: str, open_start: datetime | None
) -> int:
    """404 unless the leader exists; the open period's count of respondents (one statement)."""
    count: Any = None
    if open_start is not None:
        count = (
            select(TrustOpenCount.answers)
            .where(
                TrustOpenCount.org_id == org.org_id,
                TrustOpenCount.leader_id == leader_id,
                TrustOpenCount.period_start == open_start,
            )
            .scalar_subquery()
        )
    row = session.execute(
        select(Person.id, count).where(Person.org_id == org.org_id, Person.id == leader_id)
    ).first()
    if row is None:
        raise NotFound(f"No person {leader_id}.", cause=NOT_FOUND)
    return int(row[1] or 0)


def trust_score(
    session: Session, org: Organization, leader_id: str, as_of: datetime | None, now: datetime
) -> TrustScore:
    t = now if as_of is None or as_of > now else as_of
    schedule = schedule_of(org)
    open_period = period_of(schedule, now) if as_of is None else None
    answers = _leader_and_open_count(
        session, org, leader_id, open_period.start if open_period else None
    )
    periods = latest_and_trend(session, org.org_id, leader_id, t)
    latest = periods[0] if periods else None
    before = periods[1] if len(periods) > 1 else None
    now_state = assemble(*latest) if latest else NOTHING
    then_state = assemble(*before) if before else NOTHING
    change = None
    if now_state.score is not None and then_state.score is not None:
        change = round(now_state.score - then_state.score, 2)
    if latest is not None:
        method = method_of(latest[0].settings, latest[0].prior_mean)
    else:
        method = method_of(version_at(schedule, t).settings, DEFAULT_PRIOR)
    return TrustScore(
        leader_id=leader_id,
        as_of=t,
        period=_ref(latest[0]) if latest else None,
        closed_at=latest[0].closed_at if latest else None,
        stage=now_state.stage,
        overall=now_state.overall,
        relationships=now_state.relationships,
        stakeholder_groups=now_state.stakeholder_groups,
        trend=Trend(
            period=_ref(before[0]) if before else None,
            stage=then_state.stage,
            overall=Figure(**without_items(then_state.overall)),
            change=change,
        ),
        open_period=None
        if open_period is None
        else OpenPeriod(start=open_period.start, end=open_period.end, answers=answers),
        method=method,
    )


def trust_history(
    session: Session, org: Organization, leader_id: str, limit: int, now: datetime
) -> TrustHistory:
    """One point per closed period (the last `limit`), oldest first."""
    _leader_and_open_count(session, org, leader_id, None)
    periods = closed_periods(session, org.org_id, leader_id, now, limit, overall_only=True)
    data = []
    for period, cells in reversed(periods):
        state = assemble(period, cells)
        data.append(
            HistoryPoint(
                period=_ref(period),
                stage=state.stage,
                overall=Figure(**without_items(state.overall)),
            )
        )
    return TrustHistory(leader_id=leader_id, data=data)


def overview(session: Session, org: Organization, now: datetime) -> list[LeaderScore]:
    """Every leader with answers in the organization's latest closed period, with its overall
    figure (suppressed where it is)."""
    latest = session.scalars(
        select(TrustPeriod)
        .where(TrustPeriod.org_id == org.org_id, TrustPeriod.closed_at <= now)
        .order_by(TrustPeriod.period_start.desc())
        .limit(1)
    ).first()
    if latest is None:
        return []
    rows = session.execute(
        select(
            TrustPeriodCell.leader_id,
            TrustPeriodCell.shown,
            TrustPeriodCell.stats,
            Person.display_name,
        )
        .join(
            Person,
            (Person.org_id == TrustPeriodCell.org_id) & (Person.id == TrustPeriodCell.leader_id),
        )
        .where(
            TrustPeriodCell.org_id == org.org_id,
            TrustPeriodCell.period_start == latest.period_start,
            TrustPeriodCell.cell == OVERALL,
        )
    ).all()
    out = []
    for leader_id, shown, stats, name in rows:
        state = assemble(latest, {OVERALL: Stats.from_json(stats)} if shown else {})
        out.append(
            LeaderScore(
                leader_id=leader_id,
                display_name=name,
                stage=state.stage,
                overall=Figure(**without_items(state.overall)),
                period=_ref(latest),
            )
        )
    return out
