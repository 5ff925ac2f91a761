"""Closing a period, the insights part: the belief and theme cells are computed once, with
the rest of the period's table (`service.closing.close_period` calls `close_insights`),
and written as rows of `trust_period_cells` (a leader's) and `insight_org_cells` (the
organization's). Reads are lookups of those rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.feedback.models import Feedback
from service.insights.cells import InsightCell, Texts, belief_cells, theme_cells
from service.insights.models import InsightOrgCell
from service.trust.models import TrustPeriodCell
from service.trust.tables import Contribution, Rules, counted


def texts_of(
    session: Session, org_id: str, period_start: datetime
) -> dict[str, tuple[str | None, str | None]]:
    """feedback id → (needs, dreams) of the period's answers with any text."""
    rows = session.execute(
        select(Feedback.id, Feedback.needs, Feedback.dreams).where(
            Feedback.org_id == org_id,
            Feedback.period_start == period_start,
            (Feedback.needs.is_not(None)) | (Feedback.dreams.is_not(None)),
        )
    )
    return {fid: (needs, dreams) for fid, needs, dreams in rows}


def insight_table(
    contributions: Sequence[Contribution], texts: Texts, settings: Mapping[str, Any]
) -> list[InsightCell]:
    """Every belief and theme cell of a period (leader cells and organization cells)."""
    rules = Rules.of(settings)
    answers = counted(contributions)
    by_leader: dict[str, list[Contribution]] = defaultdict(list)
    for c in answers:
        by_leader[c.leader_id].append(c)
    cells: list[InsightCell] = []
    for leader in sorted(by_leader):
        cells += belief_cells(by_leader[leader], rules)
    cells += theme_cells(answers, texts, rules, int(settings["min_comment_group_size"]))
    return cells


def close_insights(
    session: Session,
    org_id: str,
    period_start: datetime,
    contributions: Sequence[Contribution],
    settings: Mapping[str, Any],
) -> None:
    cells = insight_table(contributions, texts_of(session, org_id, period_start), settings)
    session.add_all(
        TrustPeriodCell(
            org_id=org_id,
            period_start=period_start,
            leader_id=cell.leader_id,
            cell=cell.name,
            shown=cell.shown,
            stats=cell.stats,
            members=sorted(cell.members),
        )
        if cell.leader_id is not None
        else InsightOrgCell(
            org_id=org_id,
            period_start=period_start,
            cell=cell.name,
            shown=cell.shown,
            stats=cell.stats,
            members=sorted(cell.members),
        )
        for cell in cells
    )
    session.flush()
