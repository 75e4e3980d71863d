"""What staff read of bookings (§10): the day's list for a clerk's services, and the
supervisor's figures per day and service. Reads only; the IIN is never read back (its last
four digits are what the screens mask)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from kezek.bookings.models import Booking, BookingStatus
from kezek.bookings.rules import Rules
from kezek.bookings.slots import granules, point_offsets, reserved_points
from kezek.queue.clock import Clock
from kezek.queue.models import Service, Ticket


@dataclass(frozen=True)
class DayRow:
    booking: Booking
    ticket_code: str | None  # the checked-in booking's ticket


def day_list(
    session: Session, office_id: int, day: date, service_ids: Sequence[int]
) -> list[DayRow]:
    """The day's bookings of ``service_ids`` by slot time, with the ticket of a check-in."""
    found = session.exec(
        select(Booking, Ticket.code)
        .outerjoin(Ticket, col(Ticket.id) == col(Booking.ticket_id))
        .where(
            Booking.office_id == office_id,
            Booking.day == day,
            col(Booking.service_id).in_(list(service_ids)),
        )
        .order_by(col(Booking.start), col(Booking.id))
    ).all()
    return [DayRow(booking, code) for booking, code in found]


@dataclass
class Figures:
    """One day and service: bookings made for it, and what became of them.

    ``booked`` counts every booking made for the day (cancelled ones too); ``capacity`` is
    the seats the day offered for booking (each slot once per cabinet that reserves it);
    ``share`` is the booked seats (not cancelled) over it."""

    day: date
    service: Service
    booked: int = 0
    checked_in: int = 0
    no_shows: int = 0
    cancelled: int = 0
    open: int = 0
    capacity: int = 0

    @property
    def share(self) -> float | None:
        taken = self.booked - self.cancelled
        return taken / self.capacity if self.capacity else None


_KIND = {
    BookingStatus.checked_in: "checked_in",
    BookingStatus.no_show: "no_shows",
    BookingStatus.cancelled: "cancelled",
    BookingStatus.booked: "open",
}


def capacity(
    clock: Clock, rules: Rules, service: Service, day: date, offsets: dict[int, int]
) -> int:
    """The seats a day offers for booking ``service``: every slot of the day at every
    cabinet whose reserved time holds the whole slot (as ``slots.day_slots`` offers them,
    whatever is taken and whatever time it is now)."""
    if not rules.books(service.code) or not offsets:
        return 0
    length = timedelta(minutes=rules.slot_of(service.code))
    total = 0
    for opened, closes in clock.open_intervals(day):
        start = opened
        while start + length <= closes:
            total += len(reserved_points(granules(start, start + length), opened, offsets, rules))
            start += length
    return total


def figures(
    session: Session,
    clock: Clock,
    rules: Rules,
    services: Sequence[Service],
    first: date,
    last: date,
) -> list[Figures]:
    """Per day (``first``..``last``) and service, in that order; days and services with
    neither bookings nor capacity are left out."""
    ids = [s.id for s in services if s.id is not None]
    rows = session.exec(
        select(col(Booking.day), col(Booking.service_id), col(Booking.status)).where(
            col(Booking.service_id).in_(ids), col(Booking.day) >= first, col(Booking.day) <= last
        )
    ).all()
    table: dict[tuple[date, int], Figures] = {}
    by_id = {s.id: s for s in services}
    offsets = {s.id: point_offsets(session, rules, s) for s in services}
    day = first
    while day <= last:
        for service in services:
            assert service.id is not None
            seats = capacity(clock, rules, service, day, offsets[service.id])
            table[(day, service.id)] = Figures(day, service, capacity=seats)
        day += timedelta(days=1)
    for day, service_id, status in rows:
        cell = table.setdefault((day, service_id), Figures(day, by_id[service_id]))
        cell.booked += 1
        kind = _KIND.get(BookingStatus(status))
        if kind:
            setattr(cell, kind, getattr(cell, kind) + 1)
    return [cell for _, cell in sorted(table.items()) if cell.booked or cell.capacity]
