"""insights: the organization's theme cells of closed periods

A leader's belief and theme cells are rows of `trust_period_cells` (named `belief:…`,
`theme:…`); the organization-wide theme cells get a table of their own. Periods closed
before this revision have no insight cells.

Revision ID: 5d2b7e9c41a3
Revises: a9c3e1f7d2b4
Create Date: 2026-11-30 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import service.db

revision: str = "5d2b7e9c41a3"
down_revision: str | None = "a9c3e1f7d2b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insight_org_cells",
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("period_start", service.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("cell", sa.String(length=80), nullable=False),
        sa.Column("shown", sa.Boolean(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id", "period_start"],
            ["trust_periods.org_id", "trust_periods.period_start"],
            name=op.f("fk_insight_org_cells_org_id_period_start_trust_periods"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "org_id", "period_start", "cell", name=op.f("pk_insight_org_cells")
        ),
    )


def downgrade() -> None:
    op.drop_table("insight_org_cells")
