"""Feedback requests (campaigns): a leader asks a list of respondents, each with a token."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKeyConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, TenantMixin, TimestampMixin


class FeedbackRequest(TenantMixin, TimestampMixin, Base):
    __tablename__ = "feedback_requests"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "leader_id"], ["people.org_id", "people.id"], ondelete="CASCADE"
        ),
        Index(None, "org_id", "leader_id"),
        Index(None, "org_id", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    leader_id: Mapped[str] = mapped_column(String(32))
    message: Mapped[str | None] = mapped_column(Text, default=None)
    due_at: Mapped[datetime | None] = mapped_column(default=None)
    expires_at: Mapped[datetime] = mapped_column()
    anonymous: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class FeedbackRequestRecipient(TenantMixin, Base):
    """One respondent asked, with the hash of their single-use token. Once an anonymous
    request's respondent has answered, who they were is forgotten (person and reference key
    cleared), so the rows never tell who answered."""

    __tablename__ = "feedback_request_recipients"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "request_id"],
            ["feedback_requests.org_id", "feedback_requests.id"],
            ondelete="CASCADE",
        ),
        Index(None, "org_id", "request_id"),
        Index(None, "org_id", "person_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[str | None] = mapped_column(String(32), default=None)
    # An outside contact: only the pseudonymous key of their reference (an HMAC under a key
    # derived from the server secret, as anonymous feedback stores it), never the reference.
    reference_key: Mapped[str | None] = mapped_column(String(80), default=None)
    relationship: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # Attributed requests only.
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    feedback_id: Mapped[str | None] = mapped_column(String(32), default=None)
