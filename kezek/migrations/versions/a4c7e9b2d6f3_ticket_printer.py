"""tickets.printer: the printer a ticket's talon went to (issue 20: a reprint at its kiosk)

Revision ID: a4c7e9b2d6f3
Revises: f3b8d2a6c4e1
Create Date: 2026-12-03 15:10:00

A plain ``ADD COLUMN`` (no batch copy of the table on SQLite, which would drop the summary
triggers on ``tickets``). Tickets from before it have none: their reprint goes to the first
kiosk printer, as every reprint did.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "a4c7e9b2d6f3"
down_revision: str | None = "f3b8d2a6c4e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "tickets", sa.Column("printer", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True)
    )


def downgrade() -> None:
    # SQLite ≥ 3.35 drops a column in place; a batch copy would lose the summary triggers.
    op.execute("ALTER TABLE tickets DROP COLUMN printer")
