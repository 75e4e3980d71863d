"""tickets.queued_at: a ticket's place in the call order, apart from its issue (issue 17)

"I am running late" moves a waiting ticket back a few places; appendix 1.2 keeps counting
its wait from ``issued_at``.

Revision ID: b1e5c7a3d9f2
Revises: c6d2f8a4e1b7
Create Date: 2026-12-02 16:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kezek.queue.models import UTCDateTime

revision: str = "b1e5c7a3d9f2"
down_revision: str | None = "c6d2f8a4e1b7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CALL = ["office_id", "status", "business_day", sa.text("priority DESC"), "issued_at", "id"]
ORDER = ["office_id", "status", "business_day", sa.text("priority DESC"), "queued_at", "id"]


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.add_column(sa.Column("queued_at", UTCDateTime(), nullable=True))
    op.execute("UPDATE tickets SET queued_at = issued_at")
    # SQLite sets NOT NULL by copying the table, and the copy cannot carry an index on an
    # expression (priority DESC): that one is dropped first and made again after.
    op.drop_index("ix_tickets_call", table_name="tickets")
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.alter_column("queued_at", existing_type=UTCDateTime(), nullable=False)
    op.create_index("ix_tickets_call", "tickets", CALL, unique=False)
    op.create_index("ix_tickets_order", "tickets", ORDER, unique=False)


def downgrade() -> None:
    op.drop_index("ix_tickets_order", table_name="tickets")
    op.drop_index("ix_tickets_call", table_name="tickets")
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.drop_column("queued_at")
    op.create_index("ix_tickets_call", "tickets", CALL, unique=False)
