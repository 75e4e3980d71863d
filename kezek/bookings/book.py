"""Booking and cancelling a slot (§10 pre-registration), under the office's limits.

Capacity holds under any number of concurrent clients: a booking inserts its seats, and the
unique (cabinet, moment) index refuses a second holder, so the check is the insert itself
(in a savepoint, so a lost race tries the next cabinet). The limits per IIN are checked
under a per-IIN lock on PostgreSQL (SQLite's writers take turns anyway); the one open
booking per service is also a unique index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from kezek.bookings import identity
from kezek.bookings.models import Booking, BookingSeat, BookingStatus
from kezek.bookings.rules import Full, Limit, NotAllowed, Rules
from kezek.bookings.slots import bookable_day, find_slot, granules
from kezek.i18n import N_
from kezek.intake import iin as iins
from kezek.queue.clock import Clock
from kezek.queue.errors import NotFound
from kezek.queue.models import Service, table_of

_SEATS = table_of(BookingSeat)


@dataclass(frozen=True)
class Booked:
    booking: Booking
    token: str  # the manage token: shown once, in the manage link


def _check_iin(raw: str) -> str:
    try:
        return iins.validate(raw)
    except iins.IINError as exc:
        raise NotAllowed(exc.message) from None


def _check_limits(
    session: Session, rules: Rules, booking_hash: str, service: Service, now: datetime
) -> None:
    conn = session.connection()
    if conn.dialect.name == "postgresql":  # one IIN's bookings take turns
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(booking_hash))))
    open_one = session.exec(
        select(Booking.id).where(
            Booking.office_id == service.office_id,
            Booking.service_id == service.id,
            Booking.iin_hash == booking_hash,
            Booking.status == BookingStatus.booked,
        )
    ).first()
    if open_one is not None:
        raise Limit(OPEN_ONE)
    recent = session.exec(
        select(func.count()).where(
            Booking.office_id == service.office_id,
            Booking.iin_hash == booking_hash,
            Booking.status != BookingStatus.cancelled,
            col(Booking.created_at) > now - timedelta(days=rules.per_iin_days),
        )
    ).one()
    if recent >= rules.max_per_iin:
        raise Limit(
            N_("This IIN has had %(count)s bookings in %(days)s days: that is the limit."),
            count=rules.max_per_iin,
            days=rules.per_iin_days,
        )


def _take_seats(
    session: Session, booking: Booking, point_id: int, cells: list[datetime], now: datetime
) -> bool:
    """Hold ``cells`` of a cabinet for ``booking``: False when another booking holds any of
    them (a lost race). Released seats are taken over once free, and at once by the booking
    that released them (moving back to where it was)."""
    conn = session.connection()
    rows = [
        {"office_id": booking.office_id, "point_id": point_id, "at": at, "booking_id": booking.id}
        for at in cells
    ]
    try:
        with session.begin_nested():
            conn.execute(
                sa.delete(_SEATS).where(
                    _SEATS.c.point_id == point_id,
                    _SEATS.c.at.in_(cells),
                    _SEATS.c.free_at.is_not(None),
                    sa.or_(_SEATS.c.free_at <= now, _SEATS.c.booking_id == booking.id),
                )
            )
            conn.execute(_SEATS.insert(), rows)
    except IntegrityError:
        return False
    return True


def book(
    session: Session,
    clock: Clock,
    rules: Rules,
    key: bytes,
    service: Service,
    day: date,
    start: datetime,
    raw_iin: str,
    *,
    lang: str = "kk",
    clerk_id: int | None = None,
) -> Booked:
    """Book ``start`` (UTC) on ``day`` for ``service``; refusals: NotAllowed (422: the IIN, a
    closed, past or too distant day, no such slot), Full or Limit (409)."""
    now = clock.now()
    iin = _check_iin(raw_iin)
    if not rules.books(service.code):
        raise NotAllowed(N_("This service is not booked in advance."))
    if not bookable_day(clock, rules, day, now):
        raise NotAllowed(
            N_("This day cannot be booked: the office is closed, or it is past or too far ahead.")
        )
    slot = find_slot(session, clock, rules, service, day, start, now)
    if slot is None:
        raise NotAllowed(N_("There is no such slot on this day."))
    if not slot.free_points:
        raise Full(FULL)
    assert service.id is not None
    booking_hash = identity.iin_hash(key, iin)
    _check_limits(session, rules, booking_hash, service, now)
    token = identity.new_token()
    booking = _insert(
        session,
        Booking(
            office_id=service.office_id,
            service_id=service.id,
            point_id=slot.free_points[0],
            day=day,
            start=slot.start,
            end=slot.end,
            code="",
            iin_hash=booking_hash,
            iin_last4=iin[-4:],
            manage_hash=identity.digest(token),
            lang=lang,
            created_at=now,
            clerk_id=clerk_id,
        ),
    )
    cells = granules(slot.start, slot.end)
    point_id = next(
        (p for p in slot.free_points if _take_seats(session, booking, p, cells, now)), None
    )
    if point_id is None:
        raise Full(FULL)  # the caller's transaction is rolled back: the booking row too
    booking.point_id = point_id
    session.add(booking)
    session.flush()
    return Booked(booking, token)


FULL = N_("This slot is already taken. Choose another one.")
OPEN_ONE = N_("This IIN already has an open booking for this service.")


def _insert(session: Session, booking: Booking) -> Booking:
    """The booking row with a fresh code (another try on the rare clash of codes)."""
    for _ in range(10):
        booking.code = identity.new_code()
        try:
            with session.begin_nested():
                session.add(booking)
                session.flush()
        except IntegrityError as exc:
            if "ux_bookings_open" in str(exc.orig) or "iin_hash" in str(exc.orig):
                raise Limit(OPEN_ONE) from None
            if booking in session:
                session.expunge(booking)
            continue
        return booking
    raise Full(FULL)  # pragma: no cover (ten clashes in 10^8 codes)


def by_code(session: Session, office_id: int, code: str) -> Booking | None:
    code = code.strip()
    if len(code) == 8 and code.isdigit():
        code = f"{code[:4]}-{code[4:]}"
    if len(code) != 9:
        return None
    return session.exec(
        select(Booking).where(Booking.office_id == office_id, Booking.code == code)
    ).first()


def owned(session: Session, office_id: int, code: str, token: str) -> Booking:
    """The booking whose manage token is ``token``; NotFound otherwise (the same answer for
    a wrong code and a wrong token: the answer must not tell which codes exist)."""
    booking = by_code(session, office_id, code)
    if booking is None or not token or booking.manage_hash != identity.digest(token):
        raise NotFound(N_("No such booking."))
    return booking


def cancel(session: Session, clock: Clock, rules: Rules, booking: Booking) -> Booking:
    """Cancel an open booking: its seats are free again after the release delay."""
    if booking.status != BookingStatus.booked:
        raise Limit(N_("This booking is not open any more."))
    now = clock.now()
    booking.status, booking.cancelled_at = BookingStatus.cancelled, now
    session.add(booking)
    session.flush()
    seats = sa.update(_SEATS).where(_SEATS.c.booking_id == booking.id)
    if rules.release_minutes == 0:
        session.connection().execute(sa.delete(_SEATS).where(_SEATS.c.booking_id == booking.id))
    else:
        release = now + timedelta(minutes=rules.release_minutes)
        session.connection().execute(seats.values(free_at=release))
    return booking
