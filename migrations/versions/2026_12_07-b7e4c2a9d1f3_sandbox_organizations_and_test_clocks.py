"""sandbox organizations and their test clocks

Revision ID: b7e4c2a9d1f3
Revises: 7230963605e7
Create Date: 2026-12-07 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7e4c2a9d1f3"
down_revision: str | None = "7230963605e7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.add_column(
            sa.Column("sandbox", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column("test_clock_seconds", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch.create_check_constraint(
            op.f("ck_organizations_test_clock"),
            "test_clock_seconds >= 0 AND (sandbox OR test_clock_seconds = 0)",
        )


def downgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.drop_constraint(op.f("ck_organizations_test_clock"), type_="check")
        batch.drop_column("test_clock_seconds")
        batch.drop_column("sandbox")
