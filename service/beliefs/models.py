"""A leader's codified beliefs, and every revision of each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKeyConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, TenantMixin, TimestampMixin


class Belief(TenantMixin, TimestampMixin, Base):
    __tablename__ = "beliefs"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "leader_id"], ["people.org_id", "people.id"], ondelete="CASCADE"
        ),
        Index(None, "org_id", "leader_id", "position"),
        Index(None, "org_id", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    leader_id: Mapped[str] = mapped_column(String(32))
    statement: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str | None] = mapped_column(Text, default=None)
    category: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    activated_at: Mapped[datetime | None] = mapped_column(default=None)
    retired_at: Mapped[datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class BeliefRevision(TenantMixin, Base):
    """A snapshot of a belief as it stood after each change; `revision` equals its version."""

    __tablename__ = "belief_revisions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "belief_id"], ["beliefs.org_id", "beliefs.id"], ondelete="CASCADE"
        ),
    )

    belief_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str | None] = mapped_column(Text, default=None)
    category: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column()
