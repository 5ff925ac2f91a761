from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKeyConstraint, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, TenantMixin


class IdempotencyRecord(TenantMixin, Base):
    """The first response to a POST with an `Idempotency-Key`, replayed for 24 h or more, and
    only to the API key that sent it. `fingerprint` is an HMAC of the request under the server
    secret, so a reader of the database cannot test guesses of a body against it."""

    __tablename__ = "idempotency_records"
    __table_args__ = (
        ForeignKeyConstraint(["org_id"], ["organizations.org_id"], ondelete="CASCADE"),
        Index(None, "org_id", "expires_at"),
    )

    api_key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    headers: Mapped[dict[str, str]] = mapped_column(JSON)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
