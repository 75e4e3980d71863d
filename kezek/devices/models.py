"""The table of enrolled devices."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from kezek.queue.models import utc_field

KINDS = ("kiosk", "display", "tablet")


class Device(SQLModel, table=True):
    """An enrolled kiosk, hall display or cabinet feedback tablet (issue 14 §2).

    An admin adds it and gets a one-time code; typed on the device, the code becomes the
    device's long-lived cookie. Only hashes are stored."""

    __tablename__ = "devices"
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id", index=True)
    kind: str = Field(max_length=16)  # kiosk, display, tablet
    name: str = Field(max_length=100)
    code_hash: str | None = Field(default=None, max_length=64, unique=True)  # until enrolled
    cookie_hash: str | None = Field(default=None, max_length=64, unique=True)
    created_at: datetime | None = utc_field(nullable=False)
    enrolled_at: datetime | None = utc_field(nullable=True)
    last_seen_at: datetime | None = utc_field(nullable=True)
    revoked: bool = False
