"""idempotency records per API key, with a keyed fingerprint

Revision ID: 5d2e8a1c7f30
Revises: 5d2b7e9c41a3
Create Date: 2026-11-30 01:30:00.000000

The records were shared by every key of an organization and fingerprinted with an unkeyed
SHA-256. They are replay caches kept for a day, not data: the table is recreated empty
(a retry of a request made before the upgrade runs again instead of replaying).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import service.db


revision: str = '5d2e8a1c7f30'
down_revision: str | None = '5d2b7e9c41a3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _create(per_key: bool) -> None:
    key_columns = ["org_id", "api_key_id", "key"] if per_key else ["org_id", "key"]
    columns = [
        sa.Column("org_id", sa.String(length=32), nullable=False),
        *([sa.Column("api_key_id", sa.String(length=32), nullable=False)] if per_key else []),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", service.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", service.db.UTCDateTime(timezone=True), nullable=False),
    ]
    op.create_table(
        "idempotency_records",
        *columns,
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.org_id"],
            name=op.f("fk_idempotency_records_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(*key_columns, name=op.f("pk_idempotency_records")),
    )
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_records_org_id_expires_at"),
            ["org_id", "expires_at"],
            unique=False,
        )


def _drop() -> None:
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_records_org_id_expires_at"))
    op.drop_table("idempotency_records")


def upgrade() -> None:
    _drop()
    _create(per_key=True)


def downgrade() -> None:
    _drop()
    _create(per_key=False)
