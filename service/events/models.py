"""The outbox: every change an integrator may mirror, in commit order per organization."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKeyConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, TenantMixin


class EventCounter(TenantMixin, Base):
    """The last event sequence number of an organization. Taking the next number locks this
    row until the transaction ends, so sequence order is commit order: a reader following
    the feed by sequence never skips an event that commits later with a lower number."""

    __tablename__ = "event_counters"
    __table_args__ = (
        ForeignKeyConstraint(["org_id"], ["organizations.org_id"], ondelete="CASCADE"),
    )

    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class Event(TenantMixin, Base):
    __tablename__ = "events"
    __table_args__ = (
        ForeignKeyConstraint(["org_id"], ["organizations.org_id"], ondelete="CASCADE"),
        UniqueConstraint("org_id", "id"),
        Index(None, "org_id", "type", "seq"),
        Index(None, "org_id", "occurred_at"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    id: Mapped[str] = mapped_column(String(32))
    type: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column()
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
