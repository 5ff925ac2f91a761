"""The directory the HR system syncs. Any person can act as a leader."""

from __future__ import annotations

from sqlalchemy import ForeignKeyConstraint, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, TenantMixin, TimestampMixin


class Person(TenantMixin, TimestampMixin, Base):
    __tablename__ = "people"
    __table_args__ = (
        ForeignKeyConstraint(["org_id"], ["organizations.org_id"], ondelete="CASCADE"),
        ForeignKeyConstraint(["org_id", "manager_id"], ["people.org_id", "people.id"]),
        UniqueConstraint("org_id", "external_id"),
        Index(None, "org_id", "manager_id"),
        Index(None, "org_id", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    title: Mapped[str | None] = mapped_column(String(200), default=None)
    manager_id: Mapped[str | None] = mapped_column(String(32), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
