"""bookings: appointments merged with the walk-in queue (§10 pre-registration, issue 18):
bookings, the cabinet time they hold (booking_seats), the office's key for the IIN's hash,
and a ticket's slot (tickets.booked_for)

Revision ID: e5a9c3b1d7f4
Revises: d17c5e4a9b21
Create Date: 2026-12-02 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kezek.queue.models import UTCDateTime

revision: str = "e5a9c3b1d7f4"
down_revision: str | None = "d17c5e4a9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "status = 'booked'"


def upgrade() -> None:
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("start", UTCDateTime(), nullable=False),
        sa.Column("end", UTCDateTime(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("iin_hash", sa.String(length=64), nullable=False),
        sa.Column("iin_last4", sa.String(length=4), nullable=False),
        sa.Column("manage_hash", sa.String(length=64), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.Column("checked_in_at", UTCDateTime(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("clerk_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"]),
        sa.ForeignKeyConstraint(["point_id"], ["service_points.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.ForeignKeyConstraint(["clerk_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("office_id", "code"),
    )
    op.create_index(
        "ux_bookings_open",
        "bookings",
        ["office_id", "service_id", "iin_hash"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )
    op.create_index("ix_bookings_iin", "bookings", ["office_id", "iin_hash", "created_at"])
    op.create_index("ix_bookings_day", "bookings", ["office_id", "day", "start"])
    op.create_table(
        "booking_seats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("free_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"]),
        sa.ForeignKeyConstraint(["point_id"], ["service_points.id"]),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("point_id", "at"),
    )
    op.create_index("ix_booking_seats_booking_id", "booking_seats", ["booking_id"])
    op.create_table(
        "booking_keys",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"]),
        sa.PrimaryKeyConstraint("office_id"),
    )
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.add_column(sa.Column("booked_for", UTCDateTime(), nullable=True))


def downgrade() -> None:
    # In place on SQLite too (3.35+: no key or index on it); a batch copy of the table would
    # fail while other rows refer to tickets.
    op.drop_column("tickets", "booked_for")
    op.drop_table("booking_keys")
    op.drop_index("ix_booking_seats_booking_id", table_name="booking_seats")
    op.drop_table("booking_seats")
    op.drop_index("ix_bookings_day", table_name="bookings")
    op.drop_index("ix_bookings_iin", table_name="bookings")
    op.drop_index("ux_bookings_open", table_name="bookings")
    op.drop_table("bookings")
