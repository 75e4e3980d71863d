"""Check-in at the kiosk: a booking becomes a ticket marked with its slot (§10), called at
its slot time ahead of walk-ins (``kezek.queue.calls``). Check-in is open from
``window_before_minutes`` before the slot until ``grace_minutes`` after its start; a
booking not checked in by then is a no-show, counted, and its cabinet's time is the
walk-ins' again (its ticket never entered the queue)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from kezek.bookings import identity
from kezek.bookings.models import Booking, BookingSeat, BookingStatus
from kezek.bookings.rules import Limit, OutsideWindow, Rules
from kezek.i18n import N_
from kezek.queue.clock import Clock
from kezek.queue.errors import NotFound
from kezek.queue.models import Service, Ticket, table_of
from kezek.queue.numbering import issue

_B = table_of(Booking)
_SEATS = table_of(BookingSeat)


def window(rules: Rules, booking: Booking) -> tuple[datetime, datetime]:
    """(check-in opens, check-in closes) for ``booking``."""
    return (
        booking.start - timedelta(minutes=rules.window_before_minutes),
        booking.start + timedelta(minutes=rules.grace_minutes),
    )


def settle_no_shows(session: Session, rules: Rules, office_id: int, now: datetime) -> int:
    """Mark the open bookings whose grace period has ended as no-shows; their seats go."""
    late = now - timedelta(minutes=rules.grace_minutes)
    ids = list(
        session.execute(
            sa.select(_B.c.id).where(
                _B.c.office_id == office_id,
                _B.c.status == BookingStatus.booked.value,
                _B.c.start < late,
            )
        ).scalars()
    )
    if ids:
        session.execute(
            sa.update(_B).where(_B.c.id.in_(ids)).values(status=BookingStatus.no_show.value)
        )
        session.execute(sa.delete(_SEATS).where(_SEATS.c.booking_id.in_(ids)))
        for booking in session.exec(select(Booking).where(col(Booking.id).in_(ids))):
            session.refresh(booking)
    return len(ids)


def by_iin_today(
    session: Session, clock: Clock, key: bytes, office_id: int, iin: str
) -> Booking | None:
    """Today's open booking of an IIN (the earliest), for the kiosk's "I have a booking"."""
    return session.exec(
        select(Booking)
        .where(
            Booking.office_id == office_id,
            Booking.iin_hash == identity.iin_hash(key, iin),
            Booking.day == clock.business_day(),
            Booking.status == BookingStatus.booked,
        )
        .order_by(col(Booking.start))
    ).first()


def check_in(
    session: Session, clock: Clock, rules: Rules, booking: Booking, service: Service
) -> Ticket:
    """Issue the booking's ticket now; OutsideWindow (409) too early or too late, with
    ``opens`` or ``closed`` (UTC) for the message."""
    now = clock.now()
    if booking.status == BookingStatus.booked:
        settle_no_shows(session, rules, booking.office_id, now)
    if booking.status == BookingStatus.no_show:
        raise OutsideWindow(N_("This booking's time has passed: take a walk-in ticket."))
    if booking.status != BookingStatus.booked:
        raise Limit(N_("This booking is not open any more."))
    if booking.day != clock.business_day(now):
        raise NotFound(N_("No booking for today."))
    opens, _closes = window(rules, booking)
    if now < opens:
        raise OutsideWindow(
            N_("Too early for this booking: check in from %(time)s."),
            opens=opens,
            time=clock.local(opens).strftime("%H:%M"),
        )
    ticket = issue(
        session, clock, service, lang=booking.lang, check_hours=False, booked_for=booking.start
    )
    booking.status, booking.checked_in_at, booking.ticket_id = (
        BookingStatus.checked_in,
        now,
        ticket.id,
    )
    session.add(booking)
    session.flush()
    return ticket
