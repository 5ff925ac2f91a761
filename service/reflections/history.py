"""Self-alignment history: the leader's own ratings of one belief, one per submitted
reflection, in submission order (the latest `MAX_HISTORY_POINTS`)."""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from service.beliefs.models import Belief
from service.reflections.models import Reflection, ReflectionEntry
from service.reflections.schemas import (
    MAX_HISTORY_POINTS,
    AlignmentHistory,
    AlignmentPoint,
    ReflectionScope,
    ReflectionStatus,
)


def alignment_history(session: Session, belief: Belief) -> AlignmentHistory:
    rows = session.execute(
        select(
            Reflection.id,
            Reflection.period_start,
            Reflection.period_end,
            Reflection.scope,
            Reflection.submitted_at,
            ReflectionEntry.alignment,
        )
        .join(
            ReflectionEntry,
            and_(
                ReflectionEntry.org_id == Reflection.org_id,
                ReflectionEntry.reflection_id == Reflection.id,
            ),
        )
        .where(
            ReflectionEntry.org_id == belief.org_id,
            ReflectionEntry.belief_id == belief.id,
            Reflection.status == ReflectionStatus.submitted,
            Reflection.submitted_at.is_not(None),
            ReflectionEntry.alignment.is_not(None),
        )
        .order_by(Reflection.submitted_at.desc(), Reflection.id.desc())
        .limit(MAX_HISTORY_POINTS)
    ).all()
    return AlignmentHistory(
        belief_id=belief.id,
        leader_id=belief.leader_id,
        data=[
            AlignmentPoint(
                reflection_id=row.id,
                period_start=row.period_start,
                period_end=row.period_end,
                scope=ReflectionScope(row.scope),
                submitted_at=row.submitted_at,
                alignment=row.alignment,
            )
            for row in reversed(rows)
            if row.alignment is not None and row.submitted_at is not None
        ],
    )
