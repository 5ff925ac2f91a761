"""platform organization and deactivation

Revision ID: 5c1e7a9d2b40
Revises: 5d2e8a1c7f30
Create Date: 2026-11-30 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import service.db


revision: str = "5c1e7a9d2b40"
down_revision: str | None = "5d2e8a1c7f30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "organizations",
        sa.Column("is_platform", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "organizations",
        sa.Column("deactivated_at", service.db.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("organizations") as batch_op:
        batch_op.drop_column("deactivated_at")
        batch_op.drop_column("is_platform")
