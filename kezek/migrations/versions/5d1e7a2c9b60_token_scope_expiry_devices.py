"""api_tokens: expiry, scope (service points), last use; devices (kiosks, displays, tablets)

Revision ID: 5d1e7a2c9b60
Revises: c4d1e8a2b7f3
Create Date: 2026-12-02 00:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import kezek.queue.models

revision: str = "5d1e7a2c9b60"
down_revision: str | None = "c4d1e8a2b7f3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = kezek.queue.models.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", UTC(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "points",
                sqlmodel.sql.sqltypes.AutoString(length=400),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("last_used_at", UTC(), nullable=True))
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("cookie_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("enrolled_at", UTC(), nullable=True),
        sa.Column("last_seen_at", UTC(), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
        sa.UniqueConstraint("cookie_hash"),
    )
    op.create_index("ix_devices_office_id", "devices", ["office_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_devices_office_id", table_name="devices")
    op.drop_table("devices")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("last_used_at")
        batch_op.drop_column("points")
        batch_op.drop_column("expires_at")
