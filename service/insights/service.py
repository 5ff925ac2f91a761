"""The read side of insights: alignment, themes and the journey, assembled from the frozen
cells of closed periods (computed once at close, `service.insights.closing`). A read is a
handful of index lookups; it never touches feedback rows except the open period's count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from service.beliefs.models import Belief
from service.beliefs.schemas import BeliefStatus
from service.feedback.schemas import STAKEHOLDER, Relationship, Stakeholder
from service.insights import naming
from service.insights import themes as extraction
from service.insights.alignment import BeliefInput, OthersRating, align
from service.insights.models import InsightOrgCell
from service.insights.schemas import (
    Alignment,
    AnsweredOut,
    BeliefAlignmentOut,
    BeliefCounts,
    ConnectionGroup,
    ConnectionOut,
    Connections,
    Journey,
    Kind,
    OverallThemeOut,
    PeriodAnswers,
    Rating,
    StakeholderThemeOut,
    ThemeFigure,
    ThemeOut,
    Themes,
    TrustNow,
)
from service.organizations.models import Organization
from service.organizations.service import schedule_of
from service.people.service import get_person
from service.periods.calendar import version_at
from service.periods.models import TrustPeriod
from service.reflections.models import Reflection, ReflectionEntry
from service.reflections.schedule import schedules_for
from service.reflections.schemas import ReflectionStatus
from service.trust import service as trust
from service.trust.models import TrustPeriodCell
from service.trust.schemas import Figure, OpenPeriod, PeriodRef
from service.trust.scoring import Stats
from service.trust.tables import OVERALL

HIDDEN = Rating(suppressed=True)
JOURNEY_PERIODS = 8
TOP_GAPS = 3
TOP_THEMES = 3
T = TypeVar("T", bound=ThemeFigure)


def _at(as_of: datetime | None, now: datetime) -> datetime:
    return now if as_of is None or as_of > now else as_of


def _ref(period: TrustPeriod) -> PeriodRef:
    return PeriodRef(start=period.period_start, end=period.period_end)


def latest_periods(session: Session, org_id: str, t: datetime, limit: int) -> list[TrustPeriod]:
    """The last `limit` periods closed by `t`, newest first."""
    return list(
        session.scalars(
            select(TrustPeriod)
            .where(TrustPeriod.org_id == org_id, TrustPeriod.closed_at <= t)
            .order_by(TrustPeriod.period_start.desc())
            .limit(limit)
        )
    )


def _leader_cells(
    session: Session,
    org_id: str,
    leader_id: str,
    starts: Sequence[datetime],
    *prefixes: str,
) -> dict[datetime, dict[str, dict[str, Any]]]:
    """period start → shown cell name → stats, for the leader's cells named `prefix…` (one
    statement)."""
    found: dict[datetime, dict[str, dict[str, Any]]] = {s: {} for s in starts}
    if not starts:
        return found
    rows = session.execute(
        select(TrustPeriodCell.period_start, TrustPeriodCell.cell, TrustPeriodCell.stats).where(
            TrustPeriodCell.org_id == org_id,
            TrustPeriodCell.leader_id == leader_id,
            or_(*(TrustPeriodCell.cell.like(prefix + "%") for prefix in prefixes)),
            TrustPeriodCell.period_start.in_(starts),
            TrustPeriodCell.shown.is_(True),
        )
    )
    for start, cell, stats in rows:
        found.setdefault(_aware(start, starts), {})[cell] = stats
    return found


def _aware(value: datetime, starts: Sequence[datetime]) -> datetime:
    for s in starts:
        if s == value or s.replace(tzinfo=None) == value.replace(tzinfo=None):
            return s
    return value


def _self_ratings(
    session: Session, org_id: str, leader_id: str, t: datetime
) -> tuple[str | None, dict[str, int]]:
    """The leader's latest reflection submitted by `t` and its alignment per belief."""
    reflection_id = session.scalar(
        select(Reflection.id)
        .where(
            Reflection.org_id == org_id,
            Reflection.leader_id == leader_id,
            Reflection.status == ReflectionStatus.submitted,
            Reflection.submitted_at <= t,
        )
        .order_by(Reflection.submitted_at.desc(), Reflection.id.desc())
        .limit(1)
    )
    if reflection_id is None:
        return None, {}
    rows = session.execute(
        select(ReflectionEntry.belief_id, ReflectionEntry.alignment).where(
            ReflectionEntry.org_id == org_id,
            ReflectionEntry.reflection_id == reflection_id,
            ReflectionEntry.alignment.is_not(None),
        )
    )
    return reflection_id, {belief: a for belief, a in rows if a is not None}


def _rating(stats: Mapping[str, Any] | None) -> Rating:
    if stats is None:
        return HIDDEN
    n, total = int(stats["n"]), int(stats["sum"])
    return Rating(suppressed=False, n=n, mean=round(total / n, 2))


def alignment(
    session: Session, org: Organization, leader_id: str, as_of: datetime | None, now: datetime
) -> Alignment:
    t = _at(as_of, now)
    get_person(session, org.org_id, leader_id)
    periods = latest_periods(session, org.org_id, t, 1)
    period = periods[0] if periods else None
    settings = period.settings if period else version_at(schedule_of(org), t).settings
    threshold = float(settings["gap_threshold"])
    cells = (
        _leader_cells(session, org.org_id, leader_id, [period.period_start], naming.BELIEF)[
            period.period_start
        ]
        if period
        else {}
    )
    beliefs = list(
        session.scalars(
            select(Belief)
            .where(
                Belief.org_id == org.org_id,
                Belief.leader_id == leader_id,
                Belief.status == BeliefStatus.active,
            )
            .order_by(Belief.position, Belief.id)
        )
    )
    reflection_id, ratings = _self_ratings(session, org.org_id, leader_id, t)
    inputs = []
    for belief in beliefs:
        stats = cells.get(naming.belief(belief.id))
        others = OthersRating(int(stats["n"]), int(stats["sum"])) if stats else None
        inputs.append(BeliefInput(belief.id, ratings.get(belief.id), others))
    statements = {b.id: b.statement for b in beliefs}
    rows = []
    for row in align(inputs, threshold):
        groups = {
            r.value: _rating(cells.get(naming.belief(row.belief_id, r.value))) for r in Relationship
        }
        stakeholders = {
            g.value: _rating(cells.get(naming.belief_group(row.belief_id, g.value)))
            for g in Stakeholder
        }
        rows.append(
            BeliefAlignmentOut(
                belief_id=row.belief_id,
                statement=statements[row.belief_id],
                self_rating=row.self_rating,
                reflection_id=reflection_id if row.self_rating is not None else None,
                others=_rating(cells.get(naming.belief(row.belief_id))),
                gap=None if row.gap is None else round(float(row.gap), 2),
                classification=row.classification,
                stakeholder_groups=stakeholders
                if period is None or period.table_version >= 2
                else None,
                relationships=groups,
            )
        )
    return Alignment(
        leader_id=leader_id,
        as_of=t,
        period=_ref(period) if period else None,
        closed_at=period.closed_at if period else None,
        gap_threshold=threshold,
        beliefs=rows,
    )


_REL_ORDER = {r.value: i for i, r in enumerate(Relationship)}
_GROUP_ORDER = {g.value: i for i, g in enumerate(Stakeholder)}
_KIND_ORDER = {k.value: i for i, k in enumerate(Kind)}


def _label(key: str, stats: Mapping[str, Any], language: str) -> str:
    """The theme's label in `language`, resolved now from its key (a label is presentation,
    not a figure); the label stored at close for a key the map no longer holds."""
    try:
        return extraction.label(key, language)
    except KeyError:
        return str(stats["label"])


@dataclass(frozen=True)
class _Shown:
    """The shown theme cells of a period, by level."""

    overall: list[OverallThemeOut]
    stakeholder_groups: list[StakeholderThemeOut]
    themes: list[ThemeOut]


def _theme_fields(
    name: str,
    stats: Mapping[str, Any],
    previous: Mapping[str, Mapping[str, Any]] | None,
    language: str,
) -> dict[str, Any]:
    kind, _, key = naming.parse_theme(name)
    before = previous.get(name) if previous is not None else None
    count = int(stats["n"])
    prev = int(before["n"]) if before is not None else None
    return {
        "key": key,
        "label": _label(key, stats, language),
        "kind": Kind(kind),
        "respondents": count,
        "previous": prev,
        "change": None if prev is None else count - prev,
        "examples": list(stats.get("examples", [])),
    }


def _shown_themes(
    cells: Mapping[str, Mapping[str, Any]],
    previous: Mapping[str, Mapping[str, Any]] | None,
    level: Literal["leader", "organization"],
    language: str,
) -> _Shown:
    shown = _Shown([], [], [])
    for name, stats in cells.items():
        if not name.startswith(naming.THEME):
            continue
        _, scope, _ = naming.parse_theme(name)
        fields = _theme_fields(name, stats, previous, language)
        if scope == naming.ALL:
            shown.overall.append(OverallThemeOut(**fields, level=level))
        elif scope.startswith(naming.GROUP_SCOPE):
            stakeholder = Stakeholder(scope.removeprefix(naming.GROUP_SCOPE))
            shown.stakeholder_groups.append(
                StakeholderThemeOut(**fields, level="stakeholder_group", stakeholder=stakeholder)
            )
        else:
            relationship = Relationship(scope)
            shown.themes.append(
                ThemeOut(
                    **fields,
                    level="relationship",
                    relationship=relationship,
                    stakeholder=STAKEHOLDER[relationship],
                )
            )
    shown.overall.sort(key=lambda t: (_KIND_ORDER[t.kind.value], -t.respondents, t.key))
    shown.stakeholder_groups.sort(
        key=lambda t: (
            _KIND_ORDER[t.kind.value],
            _GROUP_ORDER[t.stakeholder.value],
            -t.respondents,
            t.key,
        )
    )
    shown.themes.sort(
        key=lambda t: (
            _KIND_ORDER[t.kind.value],
            _REL_ORDER[t.relationship.value],
            -t.respondents,
            t.key,
        )
    )
    return shown


def _answered(cells: Mapping[str, Mapping[str, Any]], organization: bool) -> list[AnsweredOut]:
    """Every level's count of respondents who answered, suppressed where it is not shown."""
    levels: list[tuple[str, dict[str, Any]]] = [
        (naming.ALL, {"level": "organization" if organization else "leader"})
    ]
    if not organization:
        levels += [
            (naming.group_scope(g.value), {"level": "stakeholder_group", "stakeholder": g})
            for g in Stakeholder
        ]
        levels += [
            (r.value, {"level": "relationship", "stakeholder": STAKEHOLDER[r], "relationship": r})
            for r in Relationship
        ]
    out = []
    for kind in Kind:
        for scope, where in levels:
            stats = cells.get(naming.answered(kind.value, scope))
            out.append(
                AnsweredOut(kind=kind, suppressed=True, **where)
                if stats is None
                else AnsweredOut(
                    kind=kind,
                    suppressed=False,
                    respondents=int(stats["n"]),
                    themes_below_threshold=int(stats["below"]),
                    **where,
                )
            )
    return out


def _themes_response(
    org: Organization,
    leader_id: str | None,
    t: datetime,
    periods: Sequence[TrustPeriod],
    cells: Mapping[datetime, Mapping[str, Mapping[str, Any]]],
) -> Themes:
    period = periods[0] if periods else None
    before = periods[1] if len(periods) > 1 else None
    settings = period.settings if period else version_at(schedule_of(org), t).settings
    shown = _shown_themes(
        cells[period.period_start] if period else {},
        cells[before.period_start] if before else None,
        "leader" if leader_id is not None else "organization",
        org.language,  # as it stands when read, whatever the period's settings were
    )
    return Themes(
        leader_id=leader_id,
        as_of=t,
        period=_ref(period) if period else None,
        closed_at=period.closed_at if period else None,
        previous_period=_ref(before) if before else None,
        min_comment_group_size=int(settings["min_comment_group_size"]),
        answered=_answered(cells[period.period_start], leader_id is None)
        if period is not None and period.table_version >= 2
        else [],
        overall=shown.overall,
        stakeholder_groups=shown.stakeholder_groups,
        themes=shown.themes,
    )


def leader_themes(
    session: Session, org: Organization, leader_id: str, as_of: datetime | None, now: datetime
) -> Themes:
    t = _at(as_of, now)
    get_person(session, org.org_id, leader_id)
    periods = latest_periods(session, org.org_id, t, 2)
    starts = [p.period_start for p in periods]
    cells = _leader_cells(session, org.org_id, leader_id, starts, naming.THEME, naming.ANSWERED)
    return _themes_response(org, leader_id, t, periods, cells)


def org_themes(
    session: Session, org: Organization, as_of: datetime | None, now: datetime
) -> Themes:
    t = _at(as_of, now)
    periods = latest_periods(session, org.org_id, t, 2)
    starts = [p.period_start for p in periods]
    cells = _org_cells(session, org.org_id, starts, naming.THEME, naming.ANSWERED)
    return _themes_response(org, None, t, periods, cells)


def _org_cells(
    session: Session, org_id: str, starts: Sequence[datetime], *prefixes: str
) -> dict[datetime, dict[str, dict[str, Any]]]:
    """period start → shown cell name → stats, for the organization's cells named
    `prefix…` (one statement)."""
    found: dict[datetime, dict[str, dict[str, Any]]] = {s: {} for s in starts}
    if not starts:
        return found
    rows = session.execute(
        select(InsightOrgCell.period_start, InsightOrgCell.cell, InsightOrgCell.stats).where(
            InsightOrgCell.org_id == org_id,
            or_(*(InsightOrgCell.cell.like(prefix + "%") for prefix in prefixes)),
            InsightOrgCell.period_start.in_(starts),
            InsightOrgCell.shown.is_(True),
        )
    )
    for start, cell, stats in rows:
        found.setdefault(_aware(start, starts), {})[cell] = stats
    return found


def _most_shared(themes: list[T]) -> list[T]:
    return sorted(themes, key=lambda t: (-t.respondents, t.key))[:TOP_THEMES]


def _connections(
    cells: Mapping[str, Mapping[str, Any]],
    level: Literal["leader", "organization"],
    language: str,
) -> list[ConnectionOut]:
    """The connections among a period's shown cells; each group's count from its own shown
    theme cell (none at the organization's level)."""
    out = []
    for name, stats in cells.items():
        if not name.startswith(naming.CONNECTION):
            continue
        kind, key = naming.parse_connection(name)
        groups = []
        for group in stats["groups"]:
            count = cells.get(naming.theme(kind, naming.group_scope(group), key))
            groups.append(
                ConnectionGroup(stakeholder=Stakeholder(group), suppressed=True)
                if count is None
                else ConnectionGroup(
                    stakeholder=Stakeholder(group), suppressed=False, respondents=int(count["n"])
                )
            )
        groups.sort(key=lambda g: _GROUP_ORDER[g.stakeholder.value])
        out.append(
            ConnectionOut(
                key=key,
                label=_label(key, stats, language),
                kind=Kind(kind),
                level=level,
                respondents=int(stats["n"]),
                stakeholder_groups=groups,
            )
        )
    out.sort(
        key=lambda c: (
            _KIND_ORDER[c.kind.value],
            -len(c.stakeholder_groups),
            -c.respondents,
            c.key,
        )
    )
    return out


def _connections_response(
    org: Organization,
    leader_id: str | None,
    t: datetime,
    period: TrustPeriod | None,
    cells: Mapping[str, Mapping[str, Any]],
) -> Connections:
    settings = period.settings if period else version_at(schedule_of(org), t).settings
    return Connections(
        leader_id=leader_id,
        as_of=t,
        period=_ref(period) if period else None,
        closed_at=period.closed_at if period else None,
        min_group_size=int(settings["min_group_size"]),
        min_comment_group_size=int(settings["min_comment_group_size"]),
        connections=_connections(
            cells, "leader" if leader_id is not None else "organization", org.language
        ),
    )


def leader_connections(
    session: Session, org: Organization, leader_id: str, as_of: datetime | None, now: datetime
) -> Connections:
    t = _at(as_of, now)
    get_person(session, org.org_id, leader_id)
    periods = latest_periods(session, org.org_id, t, 1)
    period = periods[0] if periods else None
    cells: dict[str, dict[str, Any]] = {}
    if period is not None:
        start = [period.period_start]
        prefixes = (naming.CONNECTION, naming.THEME)
        cells = _leader_cells(session, org.org_id, leader_id, start, *prefixes)[start[0]]
    return _connections_response(org, leader_id, t, period, cells)


def org_connections(
    session: Session, org: Organization, as_of: datetime | None, now: datetime
) -> Connections:
    t = _at(as_of, now)
    periods = latest_periods(session, org.org_id, t, 1)
    period = periods[0] if periods else None
    cells = (
        _org_cells(session, org.org_id, [period.period_start], naming.CONNECTION) if period else {}
    )
    return _connections_response(org, None, t, period, cells[period.period_start] if period else {})


def _belief_counts(session: Session, org_id: str, leader_id: str) -> BeliefCounts:
    rows = session.execute(
        select(Belief.status, func.count())
        .where(Belief.org_id == org_id, Belief.leader_id == leader_id)
        .group_by(Belief.status)
    )
    counts = {status: int(n) for status, n in rows}
    return BeliefCounts(**{s.value: counts.get(s.value, 0) for s in BeliefStatus})


def journey(session: Session, org: Organization, leader_id: str, now: datetime) -> Journey:
    score = trust.trust_score(session, org, leader_id, None, now)
    history = trust.closed_periods(
        session, org.org_id, leader_id, now, JOURNEY_PERIODS, overall_only=True
    )
    feedback = []
    for period, cells in reversed(history):
        overall: Stats | None = cells.get(OVERALL)
        feedback.append(
            PeriodAnswers(period=_ref(period), suppressed=False, respondents=overall.n)
            if overall is not None
            else PeriodAnswers(period=_ref(period), suppressed=True)
        )
    gaps = [b for b in alignment(session, org, leader_id, None, now).beliefs if b.gap is not None][
        :TOP_GAPS
    ]
    themes = leader_themes(session, org, leader_id, None, now)
    top: list[ThemeOut] = []
    top_overall: list[OverallThemeOut] = []
    for kind in Kind:
        top += _most_shared([t for t in themes.themes if t.kind is kind])
        top_overall += _most_shared([t for t in themes.overall if t.kind is kind])
    open_period = score.open_period
    assert open_period is not None  # a read without as_of always has one
    return Journey(
        leader_id=leader_id,
        as_of=now,
        beliefs=_belief_counts(session, org.org_id, leader_id),
        reflection=schedules_for(session, org.org_id, [leader_id])[0],
        feedback=feedback,
        trust=TrustNow(
            period=score.period,
            stage=score.stage,
            overall=Figure(**trust.without_items(score.overall)),
        ),
        trust_before=TrustNow(
            period=score.trend.period, stage=score.trend.stage, overall=score.trend.overall
        ),
        open_period=OpenPeriod(
            start=open_period.start, end=open_period.end, answers=open_period.answers
        ),
        top_gaps=gaps,
        top_themes=top,
        top_overall_themes=top_overall,
    )
