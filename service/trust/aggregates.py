"""The write side of the trust score: contributions, cell refresh, publication.

Every feedback write (and retraction) updates the leader's contributions and refreshes the
leader's cells in the same transaction. A cell is published again only when the respondents
whose contribution changed since its last publication reach the step (`min_group_size`, or
`manager_group_minimum` for the manager group) and the new state differs from *every* earlier
published state by 0 or at least the step (`publication.should_publish`). A read of the
current state refreshes first, so contributions that aged out of the window count too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from service.feedback.models import Feedback
from service.organizations.models import Organization
from service.trust.models import (
    OrgPriorState,
    TrustCell,
    TrustCellState,
    TrustContribution,
    TrustRefresh,
)
from service.trust.publication import changed, should_publish
from service.trust.scoring import ITEMS, Stats

OVERALL = "overall"
ANSWER_COLUMNS = ITEMS


def group_cell(relationship: str) -> str:
    return f"rel:{relationship}"


@dataclass
class LiveCell:
    members: dict[str, str] = field(default_factory=dict)
    stats: Stats = field(default_factory=Stats)


def answers_of(row: TrustContribution | Feedback) -> dict[str, int | None]:
    return {item: getattr(row, item) for item in ANSWER_COLUMNS}


def step_for(org: Organization, cell: str) -> int:
    if cell == group_cell("manager"):
        return org.manager_group_minimum
    return org.min_group_size


def _lock(session: Session, *parts: str) -> None:
    """Serialize writers of one leader (or of one organization's prior) on PostgreSQL.
    SQLite already serializes writers (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        key = func.hashtextextended(":".join(("trust", *parts)), 0)
        session.execute(select(func.pg_advisory_xact_lock(key)))


def record_response(session: Session, org: Organization, feedback: Feedback, now: datetime) -> None:
    """The respondent's latest response replaces their earlier one (one voice each)."""
    _lock(session, org.org_id, feedback.leader_id)
    key = (org.org_id, feedback.leader_id, feedback.respondent_key)
    contribution = session.get(TrustContribution, key)
    counted = (
        None if contribution is None else (contribution.submitted_at, contribution.feedback_id)
    )
    if contribution is None:
        contribution = TrustContribution(
            org_id=org.org_id,
            leader_id=feedback.leader_id,
            respondent_key=feedback.respondent_key,
        )
        session.add(contribution)
    # A later response of this respondent, submitted concurrently, may have taken the lock
    # first: then it stays the one that counts.
    if counted is None or counted < (feedback.submitted_at, feedback.id):
        _point_at(contribution, feedback)
    session.flush()
    refresh_leader(session, org, feedback.leader_id, now)


def record_retraction(
    session: Session, org: Organization, feedback: Feedback, now: datetime
) -> None:
    """A retracted response stops counting; the respondent's previous one counts again."""
    _lock(session, org.org_id, feedback.leader_id)
    key = (org.org_id, feedback.leader_id, feedback.respondent_key)
    contribution = session.get(TrustContribution, key)
    if contribution is not None and contribution.feedback_id == feedback.id:
        previous = latest_counted_response(
            session, org.org_id, feedback.leader_id, feedback.respondent_key
        )
        if previous is None:
            session.delete(contribution)
        else:
            _point_at(contribution, previous)
        session.flush()
    refresh_leader(session, org, feedback.leader_id, now)


def latest_counted_response(
    session: Session, org_id: str, leader_id: str, respondent_key: str
) -> Feedback | None:
    return session.scalars(
        select(Feedback)
        .where(
            Feedback.org_id == org_id,
            Feedback.leader_id == leader_id,
            Feedback.respondent_key == respondent_key,
            Feedback.retracted_at.is_(None),
        )
        .order_by(Feedback.submitted_at.desc(), Feedback.id.desc())
        .limit(1)
    ).first()


def _point_at(contribution: TrustContribution, feedback: Feedback) -> None:
    contribution.feedback_id = feedback.id
    contribution.relationship = feedback.relationship
    contribution.submitted_at = feedback.submitted_at
    for item in ANSWER_COLUMNS:
        setattr(contribution, item, getattr(feedback, item))


def window_start(org: Organization, now: datetime) -> datetime:
    return now - timedelta(days=org.window_days)


def live_cells(
    contributions: Iterable[TrustContribution], org: Organization, now: datetime
) -> dict[str, LiveCell]:
    """The members and statistics each cell would have if published at `now`."""
    start = window_start(org, now)
    cells: dict[str, LiveCell] = {OVERALL: LiveCell()}
    for c in contributions:
        if not (start < c.submitted_at <= now):
            continue
        stats = Stats.of(answers_of(c))
        for name in (OVERALL, group_cell(c.relationship)):
            cell = cells.setdefault(name, LiveCell())
            cell.members[c.respondent_key] = c.feedback_id
            cell.stats = cell.stats + stats
    return cells


def contributions_in_window(
    session: Session, org: Organization, leader_id: str, now: datetime
) -> list[TrustContribution]:
    return list(
        session.scalars(
            select(TrustContribution).where(
                TrustContribution.org_id == org.org_id,
                TrustContribution.leader_id == leader_id,
                TrustContribution.submitted_at > window_start(org, now),
            )
        )
    )


def needs_refresh(session: Session, org: Organization, leader_id: str, now: datetime) -> bool:
    """Has anything that a refresh would see changed since the last one? (A cheap check for
    reads: settings changed, or a contribution aged out of the window since.)"""
    refresh = session.get(TrustRefresh, (org.org_id, leader_id))
    if refresh is None:
        return (
            session.scalar(
                select(TrustContribution.feedback_id)
                .where(
                    TrustContribution.org_id == org.org_id, TrustContribution.leader_id == leader_id
                )
                .limit(1)
            )
            is not None
        )
    if refresh.settings_version != org.version:
        return True
    aged_out = session.scalar(
        select(TrustContribution.feedback_id)
        .where(
            TrustContribution.org_id == org.org_id,
            TrustContribution.leader_id == leader_id,
            TrustContribution.submitted_at > window_start(org, refresh.refreshed_at),
            TrustContribution.submitted_at <= window_start(org, now),
        )
        .limit(1)
    )
    return aged_out is not None


def refresh_leader(
    session: Session, org: Organization, leader_id: str, now: datetime
) -> dict[str, LiveCell]:
    """Publish every cell of the leader whose change since its last publication is large
    enough; return the live cells (for `pending`)."""
    _lock(session, org.org_id, leader_id)
    live = live_cells(contributions_in_window(session, org, leader_id, now), org, now)
    stored = {
        c.cell: c
        for c in session.scalars(
            select(TrustCell).where(
                TrustCell.org_id == org.org_id, TrustCell.leader_id == leader_id
            )
        )
    }
    overall_published = False
    for name in sorted(set(live) | set(stored)):
        current = live.get(name, LiveCell())
        cell = stored.get(name)
        published = cell.members if cell is not None else {}
        step = step_for(org, name)
        if changed(published, current.members) < step:
            continue
        history = [
            s.members
            for s in session.scalars(
                select(TrustCellState)
                .where(
                    TrustCellState.org_id == org.org_id,
                    TrustCellState.leader_id == leader_id,
                    TrustCellState.cell == name,
                )
                .order_by(TrustCellState.seq)
            )
        ]
        if not should_publish(current.members, history, step):
            continue
        if cell is None:
            cell = TrustCell(org_id=org.org_id, leader_id=leader_id, cell=name, seq=0)
            session.add(cell)
        _publish(session, cell, current, now)
        overall_published |= name == OVERALL
    refresh = session.get(TrustRefresh, (org.org_id, leader_id))
    if refresh is None:
        refresh = TrustRefresh(org_id=org.org_id, leader_id=leader_id)
        session.add(refresh)
    refresh.refreshed_at = now
    refresh.settings_version = org.version
    session.flush()
    if overall_published:
        publish_prior(session, org.org_id, now)
    return live


def _publish(session: Session, cell: TrustCell, live: LiveCell, now: datetime) -> None:
    cell.seq = (cell.seq or 0) + 1
    cell.members = dict(live.members)
    cell.stats = live.stats.to_json()
    cell.n = live.stats.n
    cell.sum_u = live.stats.sum_u
    cell.published_at = now
    session.add(
        TrustCellState(
            org_id=cell.org_id,
            leader_id=cell.leader_id,
            cell=cell.cell,
            seq=cell.seq,
            members=dict(live.members),
            stats=live.stats.to_json(),
            published_at=now,
        )
    )
    session.flush()


def publish_prior(session: Session, org_id: str, now: datetime) -> None:
    """The organization mean: the sum of every leader's published overall state."""
    _lock(session, org_id, "prior")
    n, sum_u = session.execute(
        select(
            func.coalesce(func.sum(TrustCell.n), 0), func.coalesce(func.sum(TrustCell.sum_u), 0)
        ).where(TrustCell.org_id == org_id, TrustCell.cell == OVERALL)
    ).one()
    last = session.scalar(select(func.max(OrgPriorState.seq)).where(OrgPriorState.org_id == org_id))
    session.add(
        OrgPriorState(
            org_id=org_id, seq=(last or 0) + 1, n=int(n), sum_u=int(sum_u), published_at=now
        )
    )
    session.flush()


def rekey_respondents(
    session: Session, org_id: str, leaders: set[str], new_keys: dict[str, str]
) -> None:
    """Replace respondent keys in the kept aggregates and every published state (erasure)."""
    if not new_keys:
        return
    old_keys = list(new_keys)
    contributions = session.scalars(
        select(TrustContribution).where(
            TrustContribution.org_id == org_id, TrustContribution.respondent_key.in_(old_keys)
        )
    ).all()
    for contribution in contributions:
        replacement = TrustContribution(
            org_id=org_id,
            leader_id=contribution.leader_id,
            respondent_key=new_keys[contribution.respondent_key],
            feedback_id=contribution.feedback_id,
            relationship=contribution.relationship,
            submitted_at=contribution.submitted_at,
            **{item: getattr(contribution, item) for item in ANSWER_COLUMNS},
        )
        session.delete(contribution)
        session.flush()
        session.add(replacement)
    rows: list[TrustCell | TrustCellState] = [
        *session.scalars(
            select(TrustCell).where(TrustCell.org_id == org_id, TrustCell.leader_id.in_(leaders))
        ),
        *session.scalars(
            select(TrustCellState).where(
                TrustCellState.org_id == org_id, TrustCellState.leader_id.in_(leaders)
            )
        ),
    ]
    for row in rows:
        if any(k in row.members for k in new_keys):
            row.members = {new_keys.get(k, k): v for k, v in row.members.items()}
    session.flush()


def forget_leader(session: Session, org_id: str, leader_id: str, now: datetime) -> None:
    """Before a leader is erased: their published states leave the organization mean."""
    had_overall = session.get(TrustCell, (org_id, leader_id, OVERALL)) is not None
    session.execute(
        delete(TrustCell).where(TrustCell.org_id == org_id, TrustCell.leader_id == leader_id)
    )
    if had_overall:
        publish_prior(session, org_id, now)


def rebuild(session: Session, org: Organization, now: datetime) -> int:
    """Recompute the contributions of every leader from the feedback rows, then refresh each
    leader (publishing where the step is reached). For repairs and bulk imports; the write
    path keeps the same tables current on its own. Returns the number of leaders."""
    _lock(session, org.org_id, "rebuild")
    session.execute(delete(TrustContribution).where(TrustContribution.org_id == org.org_id))
    ranked = (
        select(
            Feedback.org_id,
            Feedback.leader_id,
            Feedback.respondent_key,
            Feedback.id.label("feedback_id"),
            Feedback.relationship,
            *(getattr(Feedback, item) for item in ANSWER_COLUMNS),
            Feedback.submitted_at,
            func.row_number()
            .over(
                partition_by=(Feedback.leader_id, Feedback.respondent_key),
                order_by=(Feedback.submitted_at.desc(), Feedback.id.desc()),
            )
            .label("rank"),
        )
        .where(Feedback.org_id == org.org_id, Feedback.retracted_at.is_(None))
        .subquery()
    )
    columns = [
        "org_id",
        "leader_id",
        "respondent_key",
        "feedback_id",
        "relationship",
        *ANSWER_COLUMNS,
        "submitted_at",
    ]
    session.execute(
        insert(TrustContribution).from_select(
            columns,
            select(*(ranked.c[c] for c in columns)).where(ranked.c.rank == 1),
        )
    )
    session.flush()
    leader_ids = list(
        session.scalars(
            select(TrustContribution.leader_id)
            .where(TrustContribution.org_id == org.org_id)
            .distinct()
        )
    )
    for leader_id in leader_ids:
        refresh_leader(session, org, leader_id, now)
    return len(leader_ids)
