"""Moving a booking to another free slot of its service (§10 pre-registration): the new
seats are taken first and the old ones released after, in the caller's one transaction, so
a refused move (a full slot, a closed day) leaves the booking exactly as it was. The same
rules as a new booking hold; the per-IIN limits are not counted again (it is the same
booking), and the old slot is released after the profile's delay, as a cancelled one."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from kezek.bookings.book import FULL, _take_seats
from kezek.bookings.models import Booking, BookingSeat, BookingStatus
from kezek.bookings.rules import Full, Limit, NotAllowed, Rules
from kezek.bookings.slots import bookable_day, find_slot, granules
from kezek.i18n import N_
from kezek.queue.clock import Clock
from kezek.queue.models import Service, table_of

_SEATS = table_of(BookingSeat)
SAME = N_("The booking is already at this time.")


def move(
    session: Session,
    clock: Clock,
    rules: Rules,
    booking: Booking,
    service: Service,
    day: date,
    new_start: datetime,
) -> Booking:
    """Move the open ``booking`` to ``new_start`` (UTC) on ``day``; refusals: Limit (not
    open), NotAllowed (a closed, past or too distant day, no such slot, the same time), Full."""
    session.refresh(booking, with_for_update=True)  # two moves at once: one after the other
    if booking.status != BookingStatus.booked:
        raise Limit(N_("This booking is not open any more."))
    if service.id != booking.service_id or not rules.books(service.code):
        raise NotAllowed(N_("This service is not booked in advance."))
    now = clock.now()
    if not bookable_day(clock, rules, day, now):
        raise NotAllowed(
            N_("This day cannot be booked: the office is closed, or it is past or too far ahead.")
        )
    if new_start == booking.start:
        raise NotAllowed(SAME)
    slot = find_slot(session, clock, rules, service, day, new_start, now, booking.id)
    if slot is None:
        raise NotAllowed(N_("There is no such slot on this day."))
    conn = session.connection()
    # Only the seats it holds now: those an earlier move released keep their release time
    # (moving again must not push it later, or one booking could hold a whole day).
    held = sa.select(_SEATS.c.id).where(
        _SEATS.c.booking_id == booking.id, _SEATS.c.free_at.is_(None)
    )
    old = list(conn.execute(held).scalars())
    cells = granules(slot.start, slot.end)
    point_id = next(
        (p for p in slot.free_points if _take_seats(session, booking, p, cells, now)), None
    )
    if point_id is None:
        raise Full(FULL)  # nothing was changed: the savepoints of the tries were rolled back
    _release(session, rules, old, now)
    booking.day, booking.start, booking.end, booking.point_id = day, slot.start, slot.end, point_id
    session.add(booking)
    session.flush()
    return booking


def _release(session: Session, rules: Rules, seat_ids: list[int], now: datetime) -> None:
    """The old slot's seats: free at once, or after the release delay (not traded)."""
    if not seat_ids:
        return
    chosen = _SEATS.c.id.in_(seat_ids)
    if rules.release_minutes == 0:
        session.connection().execute(sa.delete(_SEATS).where(chosen))
    else:
        release = now + timedelta(minutes=rules.release_minutes)
        session.connection().execute(sa.update(_SEATS).where(chosen).values(free_at=release))
