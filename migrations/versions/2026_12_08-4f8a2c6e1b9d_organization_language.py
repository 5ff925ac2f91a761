"""organization language: theme labels in English or Swedish

Every organization gets `language` = `en` (the labels it was shown so far), and every
version of its settings schedule carries it, as every other setting does.

Revision ID: 4f8a2c6e1b9d
Revises: b7e4c2a9d1f3
Create Date: 2026-12-08 00:30:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "4f8a2c6e1b9d"
down_revision: str | None = "b7e4c2a9d1f3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ORGS = sa.table(
    "organizations",
    sa.column("org_id", sa.String),
    sa.column("settings_schedule", sa.JSON),
)


def _rewrite_schedules(change: Any) -> None:
    bind = op.get_bind()
    for row in bind.execute(sa.select(_ORGS)).mappings().all():
        schedule = [
            {**version, "settings": change(dict(version["settings"]))}
            for version in row["settings_schedule"] or []
        ]
        bind.execute(
            _ORGS.update().where(_ORGS.c.org_id == row["org_id"]).values(settings_schedule=schedule)
        )


def upgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.add_column(
            sa.Column("language", sa.String(length=2), server_default="en", nullable=False)
        )
        batch.create_check_constraint(op.f("ck_organizations_language"), "language IN ('en', 'sv')")
    _rewrite_schedules(lambda settings: {"language": "en", **settings})


def downgrade() -> None:
    _rewrite_schedules(lambda settings: {k: v for k, v in settings.items() if k != "language"})
    with op.batch_alter_table("organizations") as batch:
        batch.drop_constraint(op.f("ck_organizations_language"), type_="check")
        batch.drop_column("language")
