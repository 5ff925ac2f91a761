"""A leader's periodic self-assessment: entries per belief, answers to prompts; and the
leader's reflection cadence."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, TenantMixin, TimestampMixin


class Reflection(TenantMixin, TimestampMixin, Base):
    __tablename__ = "reflections"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "leader_id"], ["people.org_id", "people.id"], ondelete="CASCADE"
        ),
        CheckConstraint("period_start <= period_end", name="period"),
        Index(None, "org_id", "leader_id", "submitted_at"),
        Index(None, "org_id", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    leader_id: Mapped[str] = mapped_column(String(32))
    period_start: Mapped[date] = mapped_column()
    period_end: Mapped[date] = mapped_column()
    scope: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text, default=None)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ReflectionEntry(TenantMixin, Base):
    """How the leader's behaviour matched one belief in the period (alignment 1–5)."""

    __tablename__ = "reflection_entries"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "reflection_id"],
            ["reflections.org_id", "reflections.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["org_id", "belief_id"], ["beliefs.org_id", "beliefs.id"], ondelete="CASCADE"
        ),
        CheckConstraint("alignment BETWEEN 1 AND 5", name="alignment"),
        Index(None, "org_id", "belief_id"),
    )

    reflection_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    belief_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    alignment: Mapped[int | None] = mapped_column(Integer, default=None)
    evidence: Mapped[str | None] = mapped_column(Text, default=None)
    next_step: Mapped[str | None] = mapped_column(Text, default=None)


class ReflectionAnswer(TenantMixin, Base):
    """The leader's answer to one reflection prompt."""

    __tablename__ = "reflection_answers"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "reflection_id"],
            ["reflections.org_id", "reflections.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["org_id", "prompt_id"],
            ["reflection_prompts.org_id", "reflection_prompts.id"],
            ondelete="CASCADE",
        ),
        Index(None, "org_id", "prompt_id"),
    )

    reflection_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    prompt_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    answer: Mapped[str | None] = mapped_column(Text, default=None)


class ReflectionSchedule(TenantMixin, TimestampMixin, Base):
    """A leader's own reflection cadence; without a row (or with `null`) the organization's
    default applies."""

    __tablename__ = "reflection_schedules"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "leader_id"], ["people.org_id", "people.id"], ondelete="CASCADE"
        ),
        CheckConstraint("cadence_days BETWEEN 7 AND 366", name="cadence_days"),
    )

    leader_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    cadence_days: Mapped[int | None] = mapped_column(Integer, default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
