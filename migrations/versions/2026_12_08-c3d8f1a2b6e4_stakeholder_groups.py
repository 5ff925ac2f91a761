"""stakeholder groups: which version of the table a closed period was computed with

A period closed before this revision has no `group:<stakeholder group>` cells (version 1);
its figures stay as they were frozen. Periods closed from now on have them (version 2):
recomputing an old period with them could hide a cell that period has shown, so it is not
recomputed.

Revision ID: c3d8f1a2b6e4
Revises: 4f8a2c6e1b9d
Create Date: 2026-12-08 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3d8f1a2b6e4"
down_revision: str | None = "4f8a2c6e1b9d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("trust_periods") as batch:
        batch.add_column(
            sa.Column("table_version", sa.Integer(), server_default="1", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("trust_periods") as batch:
        batch.drop_column("table_version")
