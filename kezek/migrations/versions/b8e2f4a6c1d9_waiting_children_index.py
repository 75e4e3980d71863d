"""ix_tickets_waiting_children: call-next finds a waiting row with a parent at once

Revision ID: b8e2f4a6c1d9
Revises: a4c7e9b2d6f3
Create Date: 2026-12-03 15:30:00

Under the protecting call order a returned no-show is issued at its return but carries its
visit's earlier wait, so it can be near its target at once; call-next asks whether any row
with a parent waits, through this partial index of those rows only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b8e2f4a6c1d9"
down_revision: str | None = "a4c7e9b2d6f3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_tickets_waiting_children",
        "tickets",
        ["office_id", "business_day", "status"],
        sqlite_where=sa.text("parent_id IS NOT NULL"),
        postgresql_where=sa.text("parent_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_waiting_children", table_name="tickets")
