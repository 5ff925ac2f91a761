"""Tenants (their credentials: `service.api_keys`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, TenantMixin, TimestampMixin


class Organization(TenantMixin, TimestampMixin, Base):
    """An HR platform's customer. `org_id` is the primary key; settings live as columns."""

    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint("min_group_size >= 3", name="min_group_size"),
        CheckConstraint("min_comment_group_size >= min_group_size", name="min_comment_group_size"),
        CheckConstraint("language IN ('en', 'sv')", name="language"),
        CheckConstraint(
            "test_clock_seconds >= 0 AND (sandbox OR test_clock_seconds = 0)", name="test_clock"
        ),
    )

    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The one platform organization holds the platform keys (`calling platform-keys create`)
    # and nothing else; it is never listed, and its keys only manage organizations.
    is_platform: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A deactivated organization's keys stop working at once; its data is kept.
    deactivated_at: Mapped[datetime | None] = mapped_column(default=None)
    # A sandbox (created so by a platform key; never made live) has a test clock: its time
    # runs `test_clock_seconds` ahead of the service's, advanced by its admin, never back
    # (`service.test_clock`). A live organization's is always 0.
    sandbox: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    test_clock_seconds: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    period_months: Mapped[int] = mapped_column(default=3)
    prior_weight: Mapped[float] = mapped_column(default=3.0)
    min_group_size: Mapped[int] = mapped_column(default=3)
    min_comment_group_size: Mapped[int] = mapped_column(default=5)
    manager_group_minimum: Mapped[int] = mapped_column(default=3)
    emerging_leader_score: Mapped[float] = mapped_column(default=60.0)
    leader_lower_bound: Mapped[float] = mapped_column(default=65.0)
    leader_follower_share: Mapped[float] = mapped_column(default=0.5)
    gap_threshold: Mapped[float] = mapped_column(default=1.0)
    reflection_cadence_days: Mapped[int] = mapped_column(default=90)
    feedback_retention_days: Mapped[int | None] = mapped_column(default=None)
    # The language of theme labels (`en`, `sv`): presentation, read as it is when read.
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    # The settings versions and when each applies (`periods.calendar`): a change takes effect at
    # the end of the reporting period open when it is made. JSON, so that reads get it with
    # the organization row.
    settings_schedule: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def clock_offset(self) -> timedelta:
        """How far this organization's time runs ahead of the service's (its test clock)."""
        return timedelta(seconds=self.test_clock_seconds)
