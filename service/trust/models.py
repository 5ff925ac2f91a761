"""Kept aggregates of the follower-trust score, maintained by the write path.

* `TrustContribution`: per leader and respondent, the response that counts (their latest,
  not retracted). Reads never look at `feedback` rows.
* `TrustCell`: per leader and cell (`overall`, `rel:<relationship>`), the published state
  now in force (members and exact sufficient statistics) and when it was last refreshed.
* `TrustCellState`: every published state of every cell (history, `as_of`).
* `OrgPriorState`: every published state of the organization mean (the prior): the sum of
  the leaders' published overall states, re-summed whenever one of them is published.
* `TrustRefresh`: when a leader's cells were last brought up to date.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKeyConstraint, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, TenantMixin


class TrustContribution(TenantMixin, Base):
    __tablename__ = "trust_contributions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "leader_id"], ["people.org_id", "people.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["org_id", "feedback_id"], ["feedback.org_id", "feedback.id"], ondelete="CASCADE"
        ),
        Index(None, "org_id", "leader_id", "submitted_at"),
        Index(None, "org_id", "feedback_id"),
    )

    leader_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    respondent_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    feedback_id: Mapped[str] = mapped_column(String(32))
    relationship: Mapped[str] = mapped_column(String(32))
    trust: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    greater_good: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    want_to_follow: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    leaned_on: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    submitted_at: Mapped[datetime] = mapped_column()


class TrustCell(TenantMixin, Base):
    __tablename__ = "trust_cells"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "leader_id"], ["people.org_id", "people.id"], ondelete="CASCADE"
        ),
    )

    leader_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    cell: Mapped[str] = mapped_column(String(48), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    members: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Copies of stats["n"] and stats["sum_u"], so the organization mean is one SUM.
    n: Mapped[int] = mapped_column(Integer, default=0)
    sum_u: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[datetime | None] = mapped_column(default=None)


class TrustCellState(TenantMixin, Base):
    __tablename__ = "trust_cell_states"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "leader_id"], ["people.org_id", "people.id"], ondelete="CASCADE"
        ),
        Index(None, "org_id", "leader_id", "cell", "published_at"),
    )

    leader_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    cell: Mapped[str] = mapped_column(String(48), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    members: Mapped[dict[str, str]] = mapped_column(JSON)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column()


class OrgPriorState(TenantMixin, Base):
    __tablename__ = "org_prior_states"
    __table_args__ = (
        ForeignKeyConstraint(["org_id"], ["organizations.org_id"], ondelete="CASCADE"),
        Index(None, "org_id", "published_at"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    sum_u: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column()


class TrustRefresh(TenantMixin, Base):
    __tablename__ = "trust_refreshes"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "leader_id"], ["people.org_id", "people.id"], ondelete="CASCADE"
        ),
    )

    leader_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    refreshed_at: Mapped[datetime] = mapped_column()
    settings_version: Mapped[int] = mapped_column(Integer)
