"""estimate_quotes: every quoted wait, v1 number and v2 range (issue 19)

Revision ID: c6d2f8a4e1b7
Revises: a9d4f2c7e8b3
Create Date: 2026-12-02 16:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kezek.queue.models import UTCDateTime

revision: str = "c6d2f8a4e1b7"
down_revision: str | None = "a9d4f2c7e8b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "estimate_quotes"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("quoted_at", UTCDateTime(), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("point_min", sa.Integer(), nullable=False),
        sa.Column("low_min", sa.Integer(), nullable=False),
        sa.Column("high_min", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_estimate_quotes_office_quoted", TABLE, ["office_id", "quoted_at"])
    op.create_index("ix_estimate_quotes_ticket_id", TABLE, ["ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_estimate_quotes_ticket_id", table_name=TABLE)
    op.drop_index("ix_estimate_quotes_office_quoted", table_name=TABLE)
    op.drop_table(TABLE)
