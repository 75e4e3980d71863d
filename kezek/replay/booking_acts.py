"""The booking lines of a replay (§10 pre-registration, issue 18), through the domain
functions the booking page, the API and the kiosk call; the office's key of the IIN hash."""

from __future__ import annotations

from datetime import datetime, time

from sqlmodel import Session

from kezek.bookings import book, checkin, identity
from kezek.bookings.models import Booking
from kezek.bookings.rules import rules_of
from kezek.queue.models import Service
from kezek.replay import lines
from kezek.replay.context import Replay, ReplayError


def _booking(run: Replay, session: Session, label: str) -> Booking:
    row = run.get(session, "booking", label)
    assert isinstance(row, Booking)
    return row


def do_book(run: Replay, session: Session, line: lines.Book, actor: int | None) -> None:
    run.new_label("booking", line.label)
    hour, minute = (int(part) for part in line.start.split(":"))
    start = datetime.combine(line.date, time(hour, minute), tzinfo=run.profile.zone)
    made = book.book(
        session,
        run.clock,
        rules_of(run.profile),
        identity.office_key(session, run.office_id),
        run.service(session, line.service),
        line.date,
        start,
        line.iin,
        lang=line.lang,
        clerk_id=actor,
    )
    run.name("booking", line.label, made.booking.id)


def cancel(run: Replay, session: Session, line: lines.CancelBooking, actor: int | None) -> None:
    book.cancel(session, run.clock, rules_of(run.profile), _booking(run, session, line.booking))


def check_in(run: Replay, session: Session, line: lines.CheckIn, actor: int | None) -> None:
    run.new_label("ticket", line.label)
    booking = _booking(run, session, line.booking)
    service = session.get(Service, booking.service_id)
    if service is None:
        raise ReplayError("the booking's service is gone")
    ticket = checkin.check_in(session, run.clock, rules_of(run.profile), booking, service)
    run.name("ticket", line.label, ticket.id)
