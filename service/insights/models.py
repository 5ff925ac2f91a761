"""The organization's theme cells of a closed period (a leader's own cells are rows of
`trust_period_cells`, named `belief:…` and `theme:…`).

`InsightOrgCell`: one row per organization-wide cell of a closed period,
`theme:<kind>:<relationship>:<key>`: whether it is shown, its figures (`stats`: respondents,
label, example phrases) and the feedback ids it covers (`members`; internal, never served).
Written once at close, with the rest of the period's table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, TenantMixin


class InsightOrgCell(TenantMixin, Base):
    __tablename__ = "insight_org_cells"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "period_start"],
            ["trust_periods.org_id", "trust_periods.period_start"],
            ondelete="CASCADE",
        ),
    )

    period_start: Mapped[datetime] = mapped_column(primary_key=True)
    cell: Mapped[str] = mapped_column(String(80), primary_key=True)
    shown: Mapped[bool] = mapped_column(Boolean)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON)
    members: Mapped[list[str]] = mapped_column(JSON)
