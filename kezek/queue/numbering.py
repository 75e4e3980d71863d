"""Issuing a ticket: the day's numbering and the new row."""

from __future__ import annotations

import secrets
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from kezek.i18n import N_
from kezek.queue import loaded
from kezek.queue.calls import _insert
from kezek.queue.clock import Clock
from kezek.queue.errors import InvalidInput, OfficeClosed
from kezek.queue.history import _event
from kezek.queue.models import (
    DayCounter,
    Service,
    Status,
    Ticket,
    table_of,
)


def _counter_upsert(dialect: str) -> sa.Insert:
    table = table_of(DayCounter)
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    return (
        insert(table)
        .values(
            service_id=sa.bindparam("service_id"),
            business_day=sa.bindparam("day"),
            office_id=sa.bindparam("office_id"),
            last_number=1,
        )
        .on_conflict_do_update(
            index_elements=["service_id", "business_day"],
            set_={"last_number": table.c.last_number + 1},
        )
        .returning(table.c.last_number)
    )


_COUNTERS = {name: _counter_upsert(name) for name in ("postgresql", "sqlite")}


def next_number(session: Session, service: Service, day: date) -> int:
    """Atomically take the next number of a service's day: an upsert on the counter row."""
    assert service.id is not None
    conn = session.connection()
    params = {"service_id": service.id, "day": day, "office_id": service.office_id}
    return int(conn.execute(_COUNTERS[conn.dialect.name], params).scalar_one())


def format_code(letter: str, number: int) -> str:
    return f"{letter}-{number:03d}"


def issue(
    session: Session,
    clock: Clock,
    service: Service,
    *,
    priority: bool = False,
    lang: str = "kk",
    request_id: str | None = None,
    check_hours: bool = True,
    booked_for: datetime | None = None,
) -> Ticket:
    """Take a ticket. The same ``request_id`` twice gives the same ticket (a double tap)."""
    if request_id is not None:
        existing = find_by_request(session, service.office_id, request_id)
        if existing is not None:
            return existing
    now = clock.now()
    if check_hours and not clock.is_open(now):  # §10
        raise OfficeClosed(clock.next_opening(now))
    if not service.active:
        raise InvalidInput(N_("This service is not available now."))
    day = clock.business_day(now)
    service_id = service.id
    assert service_id is not None

    def numbered() -> Ticket:
        number = next_number(session, service, day)
        ticket = Ticket(
            office_id=service.office_id,
            service_id=service_id,
            business_day=day,
            number=number,
            code=format_code(service.letter, number),
            priority=priority,
            lang=lang,
            status=Status.waiting,
            issued_at=now,
            target_wait_minutes=service.target_wait_minutes,
            public_token=secrets.token_urlsafe(24),
            request_id=request_id,
            booked_for=booked_for,
        )
        return _insert(session, ticket)

    if request_id is None:
        ticket = numbered()
    else:
        try:
            # The number and the row in one savepoint: when another request with the same id
            # wins the race (PostgreSQL), both are undone and no number is skipped.
            with session.begin_nested():
                ticket = numbered()
        except IntegrityError:
            if again := find_by_request(session, service.office_id, request_id):
                return again
            raise
    loaded.attach(session, ticket)
    _event(session, ticket, "issued", now, None, (service.code, None))
    return ticket


_BY_REQUEST = select(Ticket).where(
    Ticket.office_id == sa.bindparam("office_id"), Ticket.request_id == sa.bindparam("request_id")
)  # built once (issue 20): every kiosk tap and API retry asks it


def find_by_request(session: Session, office_id: int, request_id: str) -> Ticket | None:
    found = session.exec(_BY_REQUEST, params={"office_id": office_id, "request_id": request_id})
    return found.first()
