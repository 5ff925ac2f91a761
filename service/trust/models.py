"""Frozen tables of closed reporting periods.

The closed period itself is `periods.models.TrustPeriod`; the open periods' counts are
`feedback.models.TrustOpenCount`.

* `TrustPeriodCell`: one row per leader and cell of a closed period (`overall`,
  `rel:<relationship>`, later `belief:<id>`, `theme:<…>`): whether it is shown, its exact
  statistics and the feedback ids it covers (`members`; internal, never served, so a closed
  period can be audited). Written once at close; only a leader's erasure removes rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKeyConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, TenantMixin


class TrustPeriodCell(TenantMixin, Base):
    __tablename__ = "trust_period_cells"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "period_start"],
            ["trust_periods.org_id", "trust_periods.period_start"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["org_id", "leader_id"], ["people.org_id", "people.id"], ondelete="CASCADE"
        ),
        Index(None, "org_id", "leader_id", "cell", "period_start"),
    )

    period_start: Mapped[datetime] = mapped_column(primary_key=True)
    leader_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    cell: Mapped[str] = mapped_column(String(80), primary_key=True)
    shown: Mapped[bool] = mapped_column(Boolean)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON)
    members: Mapped[list[str]] = mapped_column(JSON)
