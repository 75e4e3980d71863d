"""Staff sessions and login throttling, kept in the database so they survive a restart and
are shared by every worker process."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from kezek.queue.models import utc_field


class StaffSession(SQLModel, table=True):
    """A logged-in staff member. The cookie holds a random id; only its SHA-256 is stored,
    so a copy of the database gives nobody a session."""

    __tablename__ = "staff_sessions"
    id_hash: str = Field(max_length=64, primary_key=True)
    office_id: int = Field(foreign_key="offices.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime | None = utc_field(nullable=False)
    last_seen_at: datetime | None = utc_field(nullable=False)


class LoginThrottle(SQLModel, table=True):
    """Failed logins of one user name or one client address (the key is a SHA-256 of it:
    addresses are personal data and are not kept in clear)."""

    __tablename__ = "login_throttles"
    key_hash: str = Field(max_length=64, primary_key=True)
    office_id: int = Field(foreign_key="offices.id", index=True)
    failures: int = 0
    last_failure_at: datetime | None = utc_field()
    locked_until: datetime | None = utc_field()
