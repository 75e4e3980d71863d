"""What the booking routes share (the API and the phone page): the service and day asked
for, the slots as the visitor sees them, the booking through the form's gate, the manage
link. Parsing and answering only; the rules are ``kezek.bookings``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel import Session
from starlette.requests import Request

from kezek import db
from kezek.api import challenge
from kezek.bookings import book, checkin, move, slots
from kezek.bookings.models import Booking
from kezek.bookings.rules import NotAllowed
from kezek.i18n import N_
from kezek.queue.errors import QueueError
from kezek.queue.models import Service, Ticket
from kezek.web import public_base, state


class TooMany(QueueError):
    status_code = 429
    kind = "too_many"


def parse_day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        return None


def parse_start(request: Request, day: date, raw: str) -> datetime | None:
    try:
        moment = time.fromisoformat(raw) if len(raw) == 5 else None
    except ValueError:
        return None
    if moment is None:
        return None
    return datetime.combine(day, moment, tzinfo=state(request).clock.schedule.zone)


def hhmm(request: Request, at: datetime) -> str:
    return f"{state(request).clock.local(at):%H:%M}"


@dataclass(frozen=True)
class SlotView:
    start: str
    end: str
    free: int


def day_slots(request: Request, service: Service, day: date) -> list[SlotView]:
    st = state(request)
    with db.reading(st.engine) as session:
        found = slots.day_slots(session, st.clock, st.booking_rules, service, day, st.clock.now())
    return [SlotView(hhmm(request, s.start), hhmm(request, s.end), s.free) for s in found]


def manage_url(request: Request, code: str, token: str) -> str:
    return f"{public_base(request)}/book/manage/{code}?t={token}"


def book_for(
    request: Request,
    service: Service,
    day: date,
    start: str,
    iin: str,
    lang: str,
    *,
    proof: str = "",
    clerk_id: int | None = None,
) -> book.Booked:
    """Book for the visitor (through the gate: the proof of work, the limit per address)
    or for a clerk (``clerk_id``: a phone call; no gate)."""
    if clerk_id is None:
        if not challenge.solved(request, proof):
            raise NotAllowed(challenge.REFUSED)
        wait = challenge.admit(request)
        if wait:
            raise TooMany(challenge.TOO_MANY, seconds=wait)
    moment = parse_start(request, day, start)
    if moment is None:
        raise NotAllowed(N_("There is no such slot on this day."))
    st = state(request)
    with db.transaction(st.engine, st.broker) as session:
        return book.book(
            session,
            st.clock,
            st.booking_rules,
            st.booking_key,
            service,
            day,
            moment,
            iin,
            lang=lang,
            clerk_id=clerk_id,
        )


def move_for(request: Request, code: str, token: str, day: date, start: str) -> Booking:
    """Move the booking ``code`` held by ``token`` to ``start`` on ``day`` (one transaction:
    refused, it stays where it was). NotFound for a wrong code or token; TooMany past the
    limit per address, which moves count against as bookings do."""
    st = state(request)
    with db.transaction(st.engine, st.broker) as session:
        booking = owned(session, request, code, token)
        service = st.service_by_id(booking.service_id)
        moment = parse_start(request, day, start)
        if service is None or moment is None:
            raise NotAllowed(N_("There is no such slot on this day."))
        wait = challenge.admit(request)  # each move that could take a seat is counted
        if wait:
            raise TooMany(challenge.TOO_MANY, seconds=wait)
        return move.move(session, st.clock, st.booking_rules, booking, service, day, moment)


def owned(session: Session, request: Request, code: str, token: str) -> Booking:
    return book.owned(session, state(request).office_id, code, token)


def check_in(request: Request, booking: Booking) -> Ticket:
    """The booking's ticket now (its talon is the caller's to print); OutsideWindow (409)
    too early or too late."""
    st = state(request)
    service = st.service_by_id(booking.service_id)
    if service is None:
        raise NotAllowed(N_("This service is not available now."))
    with db.transaction(st.engine, st.broker) as session:
        row = session.get(Booking, booking.id)
        assert row is not None
        return checkin.check_in(session, st.clock, st.booking_rules, row, service)


def find(request: Request, code: str) -> Booking | None:
    """A booking by its code (never by the IIN here: an IIN has no place in a URL)."""
    st = state(request)
    with db.reading(st.engine) as session:
        return book.by_code(session, st.office_id, code)
