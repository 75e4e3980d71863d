"""hall_messages: a supervisor's notice on the hall displays (issue 17)

Revision ID: a9d4f2c7e8b3
Revises: e5a9c3b1d7f4
Create Date: 2026-12-02 05:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kezek.queue.models import UTCDateTime

revision: str = "a9d4f2c7e8b3"
down_revision: str | None = "e5a9c3b1d7f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "hall_messages"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("text_kk", sa.String(length=200), nullable=False),
        sa.Column("text_ru", sa.String(length=200), nullable=False),
        sa.Column("text_en", sa.String(length=200), nullable=True),
        sa.Column("posted_by", sa.Integer(), nullable=True),
        sa.Column("posted_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"]),
        sa.ForeignKeyConstraint(["posted_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_hall_messages_office_id", TABLE, ["office_id"])


def downgrade() -> None:
    op.drop_index("ix_hall_messages_office_id", table_name=TABLE)
    op.drop_table(TABLE)
