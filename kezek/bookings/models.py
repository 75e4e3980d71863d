"""The tables of bookings. Every row carries its office (DESIGN §13).

A booking holds seats: one ``BookingSeat`` row per five minutes of one cabinet's time, and
a unique index on (cabinet, moment), so two bookings can never hold the same cabinet at the
same time — whatever their services' slot lengths, however many clients book at once.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kezek.queue.models import utc_field


class BookingStatus(enum.StrEnum):
    booked = "booked"  # open: waiting for its day and its check-in
    checked_in = "checked_in"  # a ticket was issued at the kiosk (``ticket_id``)
    cancelled = "cancelled"
    no_show = "no_show"  # not checked in by the end of its grace period


class Booking(SQLModel, table=True):
    __tablename__ = "bookings"
    __table_args__ = (
        sa.UniqueConstraint("office_id", "code"),
        # One open booking per IIN per service: the database refuses the second.
        sa.Index(
            "ux_bookings_open",
            "office_id",
            "service_id",
            "iin_hash",
            unique=True,
            sqlite_where=sa.text("status = 'booked'"),
            postgresql_where=sa.text("status = 'booked'"),
        ),
        sa.Index("ix_bookings_iin", "office_id", "iin_hash", "created_at"),
        sa.Index("ix_bookings_day", "office_id", "day", "start"),
    )
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id")
    service_id: int = Field(foreign_key="services.id")
    point_id: int = Field(foreign_key="service_points.id")  # the cabinet whose time it holds
    day: date
    start: datetime = utc_field(nullable=False)
    end: datetime = utc_field(nullable=False)
    code: str = Field(max_length=16)  # "1234-5678": typed at the kiosk
    # The IIN as a keyed HMAC-SHA256 (the limits need only equality), and its last four
    # digits for the masked form shown on screens (§18.2); never the IIN itself.
    iin_hash: str = Field(max_length=64)
    iin_last4: str = Field(max_length=4)
    manage_hash: str = Field(max_length=64)  # sha256 of the manage token (the link carries it)
    lang: str = Field(default="kk", max_length=2)
    status: str = Field(default=BookingStatus.booked, max_length=16)
    created_at: datetime = utc_field(nullable=False)
    cancelled_at: datetime | None = utc_field()
    checked_in_at: datetime | None = utc_field()
    ticket_id: int | None = Field(default=None, foreign_key="tickets.id")
    clerk_id: int | None = Field(default=None, foreign_key="users.id")  # booked by a clerk


class BookingSeat(SQLModel, table=True):
    """Five minutes of one cabinet's time held by a booking. A cancelled booking's seats
    stay held until ``free_at`` (the profile's release delay), then a new booking may
    delete and take them."""

    __tablename__ = "booking_seats"
    __table_args__ = (sa.UniqueConstraint("point_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id")
    point_id: int = Field(foreign_key="service_points.id")
    at: datetime = utc_field(nullable=False)
    booking_id: int = Field(foreign_key="bookings.id", index=True)
    free_at: datetime | None = utc_field()


class BookingKey(SQLModel, table=True):
    """The office's key for the IIN's hash when ``KEZEK_BOOKING_KEY`` is not set: made once,
    at random, and kept here (set the variable to keep it out of the database's backups)."""

    __tablename__ = "booking_keys"
    office_id: int = Field(foreign_key="offices.id", primary_key=True)
    key: str = Field(max_length=128)
