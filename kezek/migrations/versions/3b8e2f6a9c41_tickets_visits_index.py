"""tickets: a covering index of visits by day, for the report's pictures and the table;
the parent index only over rows that have a parent

Revision ID: 3b8e2f6a9c41
Revises: fcbc9c721a4b
Create Date: 2026-11-24 22:12:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b8e2f6a9c41"
down_revision: str | None = "fcbc9c721a4b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["office_id", "business_day", "wait_seconds", "within_target", "issued_at"]


def upgrade() -> None:
    # With every row in it, SQLite's planner read `parent_id IS NULL` (97 % of rows) through
    # this index, row by row; the transfer lookup needs only the rows with a parent.
    op.drop_index("ix_tickets_parent_id", table_name="tickets")
    op.create_index(
        "ix_tickets_parent_id",
        "tickets",
        ["parent_id"],
        unique=False,
        sqlite_where=sa.text("parent_id IS NOT NULL"),
        postgresql_where=sa.text("parent_id IS NOT NULL"),
    )
    op.create_index(
        "ix_tickets_visits",
        "tickets",
        COLUMNS,
        unique=False,
        sqlite_where=sa.text("parent_id IS NULL"),
        postgresql_where=sa.text("parent_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_visits", table_name="tickets")
    op.drop_index("ix_tickets_parent_id", table_name="tickets")
    op.create_index("ix_tickets_parent_id", "tickets", ["parent_id"], unique=False)
