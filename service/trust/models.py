"""Frozen tables of closed reporting periods.

* `TrustPeriod`: one row per closed period of an organization: its bounds, when it was
  closed, the settings it was computed with (the version in force at its start) and the
  prior `m` (mean of the leaders' shown overall `raw` in it).
* `TrustOpenCount`: per leader and period not closed yet, how many respondents have an
  answer in it (the one figure an open period shows), kept by the write path so that a
  read is a key lookup; a period's rows go when it closes.
* `TrustPeriodCell`: one row per leader and cell of a closed period (`overall`,
  `rel:<relationship>`, later `belief:<id>`, `theme:<…>`): whether it is shown, its exact
  statistics and the feedback ids it covers (`members`; internal, never served, so a closed
  period can be audited). Written once at close; only a leader's erasure removes rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKeyConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, TenantMixin


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


class TrustOpenCount(TenantMixin, Base):
    __tablename__ = "trust_open_counts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "leader_id"], ["people.org_id", "people.id"], ondelete="CASCADE"
        ),
    )

    leader_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    period_start: Mapped[datetime] = mapped_column(primary_key=True)
    answers: Mapped[int] = mapped_column(Integer, default=0)
