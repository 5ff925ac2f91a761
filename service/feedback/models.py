"""Feedback about a leader: append-only; anonymous rows hold no respondent identity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKeyConstraint, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, TenantMixin


class Feedback(TenantMixin, Base):
    __tablename__ = "feedback"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "leader_id"], ["people.org_id", "people.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["org_id", "respondent_id"], ["people.org_id", "people.id"]),
        Index(None, "org_id", "leader_id", "submitted_at"),
        Index(None, "org_id", "leader_id", "period_start", "respondent_key"),
        Index(None, "org_id", "period_start"),
        Index(None, "org_id", "respondent_id"),
        Index(None, "org_id", "submitted_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    leader_id: Mapped[str] = mapped_column(String(32))
    relationship: Mapped[str] = mapped_column(String(32))
    trust: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    greater_good: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    want_to_follow: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    leaned_on: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    needs: Mapped[str | None] = mapped_column(Text, default=None)
    dreams: Mapped[str | None] = mapped_column(Text, default=None)
    anonymous: Mapped[bool] = mapped_column(Boolean)
    # Given attributed (admins could read its answers), even after a retraction or the
    # respondent's erasure made it anonymous: such answers count as known (DOMAIN.md).
    attributed: Mapped[bool] = mapped_column(Boolean)
    # Attributed feedback only; anonymous feedback never stores who gave it.
    respondent_id: Mapped[str | None] = mapped_column(String(32), default=None)
    # One voice per respondent: an HMAC (per-organization key from the server secret) of the
    # attributed person or of the platform's anonymous respondent reference; the feedback id
    # when there is neither. Never returned by the API, never reversible without the secret.
    respondent_key: Mapped[str] = mapped_column(String(80))
    submitted_at: Mapped[datetime] = mapped_column()
    # The reporting period it belongs to (`periods.calendar`), fixed when it is stored.
    period_start: Mapped[datetime] = mapped_column()
    retracted_at: Mapped[datetime | None] = mapped_column(default=None)


class FeedbackBeliefRating(TenantMixin, Base):
    """How visibly the leader lives one of their beliefs, in this respondent's eyes."""

    __tablename__ = "feedback_belief_ratings"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "feedback_id"], ["feedback.org_id", "feedback.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["org_id", "belief_id"], ["beliefs.org_id", "beliefs.id"], ondelete="CASCADE"
        ),
        Index(None, "org_id", "belief_id"),
    )

    feedback_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    belief_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    rating: Mapped[int] = mapped_column(Integer)


class TrustOpenCount(TenantMixin, Base):
    """Per leader and period not closed yet, how many respondents have an answer in it (the
    one figure an open period shows), kept by the write path (`feedback.open_counts`) so
    that a read is a key lookup; a period's rows go when it closes."""

    __tablename__ = "trust_open_counts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "leader_id"], ["people.org_id", "people.id"], ondelete="CASCADE"
        ),
    )

    leader_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    period_start: Mapped[datetime] = mapped_column(primary_key=True)
    answers: Mapped[int] = mapped_column(Integer, default=0)
