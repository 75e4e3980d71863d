"""point_pauses: a service point's pauses with their reason (issue 17)

Revision ID: e2c8a4f6b1d9
Revises: b7c3d9e1f5a2
Create Date: 2026-12-02 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kezek.queue.models import UTCDateTime

revision: str = "e2c8a4f6b1d9"
down_revision: str | None = "b7c3d9e1f5a2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "point_pauses"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"]),
        sa.ForeignKeyConstraint(["point_id"], ["service_points.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_point_pauses_office_started", TABLE, ["office_id", "started_at"])
    op.create_index("ix_point_pauses_point_ended", TABLE, ["point_id", "ended_at"])


def downgrade() -> None:
    op.drop_index("ix_point_pauses_point_ended", table_name=TABLE)
    op.drop_index("ix_point_pauses_office_started", table_name=TABLE)
    op.drop_table(TABLE)
