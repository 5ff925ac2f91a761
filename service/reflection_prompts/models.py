"""The questions a reflection answers: a built-in default set and the organization's own."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKeyConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, TenantMixin, TimestampMixin


class ReflectionPrompt(TenantMixin, TimestampMixin, Base):
    """One prompt. Built-ins are ordinary rows seeded per organization (`built_in_key` set)."""

    __tablename__ = "reflection_prompts"
    __table_args__ = (
        ForeignKeyConstraint(["org_id"], ["organizations.org_id"], ondelete="CASCADE"),
        UniqueConstraint("org_id", "built_in_key"),
        Index(None, "org_id", "position"),
        Index(None, "org_id", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    built_in: Mapped[bool] = mapped_column(Boolean, default=False)
    built_in_key: Mapped[str | None] = mapped_column(String(32), default=None)
    status: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
