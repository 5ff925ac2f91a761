"""The closed reporting periods of an organization.

`TrustPeriod`: one row per closed period: its bounds, when it was closed, the settings it
was computed with (the version in force at its start), the prior `m` (mean of the
leaders' shown overall `raw` in it) and the version of the table's layout
(`TABLE_VERSION`: 2 has the stakeholder groups). Written once when the period closes
(`trust.closing`); the write path reads where the closed periods end (`periods.ledger`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKeyConstraint, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, TenantMixin

TABLE_VERSION = 2


class TrustPeriod(TenantMixin, Base):
    __tablename__ = "trust_periods"
    __table_args__ = (
        ForeignKeyConstraint(["org_id"], ["organizations.org_id"], ondelete="CASCADE"),
        Index(None, "org_id", "closed_at"),
    )

    period_start: Mapped[datetime] = mapped_column(primary_key=True)
    period_end: Mapped[datetime] = mapped_column()
    closed_at: Mapped[datetime] = mapped_column()
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    prior_mean: Mapped[float] = mapped_column(Float)
    # 1: closed before stakeholder groups; 2: with `group:<stakeholder group>` cells
    table_version: Mapped[int] = mapped_column(Integer, server_default="1")
