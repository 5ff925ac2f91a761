"""commitments: what a leader will do in answer to what they heard, and their revisions

Revision ID: d9e2a7c4b1f5
Revises: c3d8f1a2b6e4
Create Date: 2026-12-08 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import service.db

revision: str = "d9e2a7c4b1f5"
down_revision: str | None = "c3d8f1a2b6e4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "commitments",
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("leader_id", sa.String(length=32), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("for_whom", sa.JSON(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updates", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", service.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", service.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id", "leader_id"],
            ["people.org_id", "people.id"],
            name=op.f("fk_commitments_org_id_leader_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_commitments")),
    )
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commitments_org_id_leader_id"), ["org_id", "leader_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commitments_org_id_updated_at"), ["org_id", "updated_at"], unique=False
        )
    op.create_table(
        "commitment_revisions",
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("commitment_id", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("for_whom", sa.JSON(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", service.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id", "commitment_id"],
            ["commitments.org_id", "commitments.id"],
            name=op.f("fk_commitment_revisions_org_id_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "org_id", "commitment_id", "revision", name=op.f("pk_commitment_revisions")
        ),
    )


def downgrade() -> None:
    op.drop_table("commitment_revisions")
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitments_org_id_updated_at"))
        batch_op.drop_index(batch_op.f("ix_commitments_org_id_leader_id"))
    op.drop_table("commitments")
