"""A leader's commitments (what they will do in answer to what they heard), and every
revision of each."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKeyConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, TenantMixin, TimestampMixin


class Commitment(TenantMixin, TimestampMixin, Base):
    """`links` say why (beliefs, themes, gaps, reflection entries), `for_whom` the stakeholder
    groups it answers; `updates` is the dated history of its status ({at, status, note})."""

    __tablename__ = "commitments"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "leader_id"], ["people.org_id", "people.id"], ondelete="CASCADE"
        ),
        Index(None, "org_id", "leader_id"),
        Index(None, "org_id", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    leader_id: Mapped[str] = mapped_column(String(32))
    statement: Mapped[str] = mapped_column(Text)
    links: Mapped[dict[str, Any]] = mapped_column(JSON)
    for_whom: Mapped[list[str]] = mapped_column(JSON)
    due_on: Mapped[date] = mapped_column()
    status: Mapped[str] = mapped_column(String(16))
    updates: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CommitmentRevision(TenantMixin, Base):
    """A snapshot of a commitment as it stood after each change; `revision` equals its
    version."""

    __tablename__ = "commitment_revisions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "commitment_id"],
            ["commitments.org_id", "commitments.id"],
            ondelete="CASCADE",
        ),
    )

    commitment_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement: Mapped[str] = mapped_column(Text)
    links: Mapped[dict[str, Any]] = mapped_column(JSON)
    for_whom: Mapped[list[str]] = mapped_column(JSON)
    due_on: Mapped[date] = mapped_column()
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column()
