"""The data model of a visit. Every office-owned row carries its office (DESIGN §13)."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Stored as UTC without zone (SQLite has none); always read back as aware UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: times are stored as aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw SQL on SQLite
            value = datetime.fromisoformat(value)
        moment: datetime = value.replace(tzinfo=UTC)
        return moment


def table_of(model: type[SQLModel]) -> sa.Table:
    """The core ``Table`` of a mapped model, typed, for core statements (SQLModel's classes
    do not declare ``__table__``)."""
    found: sa.Table = getattr(model, "__table__")  # noqa: B009  (typed here, once)
    return found


def utc_field(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


class Role(enum.StrEnum):
    clerk = "clerk"
    supervisor = "supervisor"
    admin = "admin"


class Status(enum.StrEnum):
    waiting = "waiting"
    called = "called"
    serving = "serving"
    served = "served"
    no_show = "no_show"
    cancelled = "cancelled"
    transferred = "transferred"
    closed = "closed"  # closed unserved at the end of the day

    @property
    def final(self) -> bool:
        return self in FINAL


FINAL = frozenset(
    {Status.served, Status.no_show, Status.cancelled, Status.transferred, Status.closed}
)
IN_HAND = (Status.called, Status.serving)


class Office(SQLModel, table=True):
    __tablename__ = "offices"
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=32, unique=True)
    timezone: str = Field(max_length=64)


class Service(SQLModel, table=True):
    __tablename__ = "services"
    __table_args__ = (sa.UniqueConstraint("office_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id", index=True)
    code: str = Field(max_length=32)
    letter: str = Field(max_length=2)
    name_kk: str = Field(max_length=200)
    name_ru: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    target_wait_minutes: int = 40
    registration: bool = False
    appendix: bool = True  # the standard's appendix measures it (the profile says)
    active: bool = True

    def name(self, lang: str) -> str:
        return str(getattr(self, f"name_{lang}", self.name_kk))


class ServicePoint(SQLModel, table=True):
    __tablename__ = "service_points"
    __table_args__ = (sa.UniqueConstraint("office_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id", index=True)
    code: str = Field(max_length=32)
    name_kk: str = Field(max_length=200)
    name_ru: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    active: bool = True
    # The clerk who opened this point for the day (estimates count open points).
    clerk_id: int | None = Field(default=None, foreign_key="users.id")
    opened_at: datetime | None = utc_field()

    def name(self, lang: str) -> str:
        return str(getattr(self, f"name_{lang}", self.name_kk))


class PointService(SQLModel, table=True):
    """Which services a service point serves."""

    __tablename__ = "point_services"
    point_id: int = Field(foreign_key="service_points.id", primary_key=True)
    service_id: int = Field(foreign_key="services.id", primary_key=True)


class User(SQLModel, table=True):
    __tablename__ = "users"
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id", index=True)
    username: str = Field(max_length=64, unique=True)
    full_name: str = Field(default="", max_length=200)
    role: str = Field(max_length=16)  # Role
    password_hash: str = Field(max_length=200)
    active: bool = True
    created_at: datetime | None = utc_field(nullable=False)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_tokens"
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    token_hash: str = Field(
        max_length=64, unique=True
    )  # sha256 hex; the token itself is never stored
    created_at: datetime | None = utc_field(nullable=False)
    revoked: bool = False
    # Issue 14 §5: every token expires; an empty scope is every service point of the office.
    expires_at: datetime | None = utc_field(nullable=True)
    points: str = Field(default="", max_length=400)  # "cab1,cab4"
    last_used_at: datetime | None = utc_field(nullable=True)

    def scope(self) -> frozenset[str] | None:
        """The service point codes this token may act on; None: any."""
        codes = frozenset(code for code in self.points.split(",") if code)
        return codes or None


class DayCounter(SQLModel, table=True):
    """One row per (service, business day): numbering is an atomic increment of it.

    A new day is a new row, so numbers restart while history stays.
    """

    __tablename__ = "day_counters"
    service_id: int = Field(foreign_key="services.id", primary_key=True)
    business_day: date = Field(primary_key=True)
    office_id: int = Field(foreign_key="offices.id")
    last_number: int = 0


class Ticket(SQLModel, table=True):
    __tablename__ = "tickets"
    __table_args__ = (
        # Codes (letter + number) are unique per office and day; a transfer after a call
        # keeps its code in a new row with a parent.
        sa.Index(
            "ux_tickets_code",
            "office_id",
            "business_day",
            "code",
            unique=True,
            sqlite_where=sa.text("parent_id IS NULL"),
            postgresql_where=sa.text("parent_id IS NULL"),
        ),
        sa.Index("ix_tickets_queue", "office_id", "status", "service_id", "priority", "issued_at"),
        # call_next walks this in call order and stops at the first ticket the point serves.
        sa.Index(
            "ix_tickets_call",
            "office_id",
            "status",
            "business_day",
            sa.text("priority DESC"),
            "issued_at",
            "id",
        ),
        # Issue 17: the call order's walk (kezek/queue/order.py): by queued_at, which is the
        # issue time unless the visitor said "I am running late" (kezek/queue/late.py).
        # ix_tickets_call stays for the protecting order's reads by issue time.
        sa.Index(
            "ix_tickets_order",
            "office_id",
            "status",
            "business_day",
            sa.text("priority DESC"),
            "queued_at",
            "id",
        ),
        sa.Index("ix_tickets_point", "service_point_id", "status"),  # the ticket in hand
        sa.Index("ix_tickets_day", "office_id", "business_day"),
        # A transfer's next row (tickets.latest). Only those rows: an index of every ticket's
        # parent_id led SQLite to read the 97 % without a parent through it, row by row.
        sa.Index(
            "ix_tickets_parent_id",
            "parent_id",
            sqlite_where=sa.text("parent_id IS NOT NULL"),
            postgresql_where=sa.text("parent_id IS NOT NULL"),
        ),
        # The protecting order's look for a waiting row with a parent (a returned no-show
        # may be near its target: kezek/queue/calls._old_ones), without reading the others.
        sa.Index(
            "ix_tickets_waiting_children",
            "office_id",
            "business_day",
            "status",
            sqlite_where=sa.text("parent_id IS NOT NULL"),
            postgresql_where=sa.text("parent_id IS NOT NULL"),
        ),
        # The report's pictures and the appendix table read visits by day from this index
        # alone (a root row per visit; bench/indicators_bench.py).
        sa.Index(
            "ix_tickets_visits",
            "office_id",
            "business_day",
            "wait_seconds",
            "within_target",
            "issued_at",
            "service_id",  # the appendix's services (issue 13)
            "status",  # the lines beside 1.2, the visits served (4.1)
            sqlite_where=sa.text("parent_id IS NULL"),
            postgresql_where=sa.text("parent_id IS NULL"),
        ),
        sa.UniqueConstraint("office_id", "request_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id")
    service_id: int = Field(foreign_key="services.id")
    business_day: date
    number: int
    code: str = Field(max_length=16)
    priority: bool = False
    lang: str = Field(default="kk", max_length=2)
    status: str = Field(default=Status.waiting, max_length=16)
    # When the visitor took the ticket; a transferred ticket keeps its first issue time.
    issued_at: datetime | None = utc_field(nullable=False)
    # Where the ticket stands in the call order (issue 17): its issue time, later once the
    # visitor said "I am running late" (kezek/queue/late.py). Appendix 1.2 keeps issued_at.
    queued_at: datetime | None = utc_field(nullable=False)
    called_at: datetime | None = utc_field()
    started_at: datetime | None = utc_field()
    finished_at: datetime | None = utc_field()
    # Set when the wait ends (first call, or close/cancel unserved): appendix 1.2 counts the
    # rows without a parent, so each visit once, by its first wait.
    wait_seconds: int | None = None
    within_target: bool | None = None
    target_wait_minutes: int = 40
    service_point_id: int | None = Field(default=None, foreign_key="service_points.id")
    clerk_id: int | None = Field(default=None, foreign_key="users.id")
    recall_count: int = 0
    parent_id: int | None = Field(default=None, foreign_key="tickets.id")
    public_token: str = Field(max_length=43, unique=True)
    request_id: str | None = Field(default=None, max_length=64)
    print_status: str = Field(default="none", max_length=16)  # none, pending, printed, failed
    print_error: str | None = Field(default=None, max_length=200)
    # The profile's name of the printer its first talon went to ("kiosk/hall"): a reprint "at
    # the kiosk" prints where the visitor took it (issue 20: every kiosk has its own).
    printer: str | None = Field(default=None, max_length=80)
    # A booking's ticket (§10 pre-registration): its slot's start. From then on it is called
    # ahead of walk-ins, and its wait runs from the later of this and its check-in.
    booked_for: datetime | None = utc_field()


class TicketEvent(SQLModel, table=True):
    """Append-only history: every state change with its actor and time."""

    __tablename__ = "ticket_events"
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id")
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    kind: str = Field(max_length=32)
    at: datetime | None = utc_field(nullable=False)
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    service_point_id: int | None = Field(default=None, foreign_key="service_points.id")
    detail: str | None = Field(default=None, max_length=500)
