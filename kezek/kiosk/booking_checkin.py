"""The kiosk's "I have a booking" (§10 pre-registration, issue 18): the visitor types the
booking code or the IIN on the screen's keypad, the booking becomes a ticket through
``kezek.bookings.checkin`` and its talon prints as a walk-in's does, marked with the slot.

Only an enrolled kiosk checks in (as the API). The IIN typed is never shown back (§18.2):
the field is empty again on every answer and nothing of it goes into a URL or a log.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from babel.dates import format_time
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kezek import db, i18n, web
from kezek.api import booking_flow
from kezek.bookings import checkin
from kezek.bookings.models import Booking, BookingStatus
from kezek.bookings.rules import OutsideWindow
from kezek.devices import gate
from kezek.i18n import N_
from kezek.intake import iin as iins
from kezek.kiosk import routes as kiosk
from kezek.kiosk import talon_jobs
from kezek.kiosk.naming import kiosk_name, known_kiosk
from kezek.queue.errors import QueueError
from kezek.queue.models import Ticket

UNKNOWN = N_("No booking for today with this code or IIN. Check the code in your booking.")
NOT_HERE = N_("Check-in is at the office's kiosk.")
MAX_DIGITS = 12  # an IIN; a booking code has 8


def slot_time(language: str, st: web.State, at: datetime) -> str:
    """A slot's time as the language writes it (Babel: "10:15", "10:15 AM")."""
    return format_time(st.clock.local(at), "short", locale=language)


def _page(request: Request, language: str, status_code: int = 200, **said: Any) -> Response:
    st = web.state(request)
    ctx = {**kiosk._base(request, st, language, kiosk.IDLE_OTHER * 3), **said}
    return kiosk._screen(request, "kiosk/booking.html", ctx, status_code)


def form(request: Request) -> Response:
    known_kiosk(request)
    return _page(request, web.lang(request))


async def check_in(request: Request) -> Response:
    known_kiosk(request)
    data = await request.form()
    language = str(data.get("lang") or "")
    request.state.lang = language if language in i18n.LANGUAGES else web.lang(request)
    typed = "".join(ch for ch in str(data.get("code") or "")[:20] if ch.isdigit())
    return await run_in_threadpool(_check_in, request, typed)


def _find(request: Request, typed: str) -> Booking | None:
    st = web.state(request)
    if len(typed) == 8:
        return booking_flow.find(request, typed)
    if len(typed) != MAX_DIGITS:
        return None
    try:
        iin = iins.validate(typed)
    except iins.IINError:
        return None
    with db.transaction(st.engine) as session:  # a no-show is settled before it is looked for
        checkin.settle_no_shows(session, st.booking_rules, st.office_id, st.clock.now())
        return checkin.by_iin_today(session, st.clock, st.booking_key, st.office_id, iin)


def _check_in(request: Request, typed: str) -> Response:
    language: str = request.state.lang
    st = web.state(request)
    if gate.device(request, "kiosk") is None:
        return _page(request, language, 403, error=i18n.gettext(language, NOT_HERE))
    booking = _find(request, typed)
    if booking is None or booking.day != st.clock.business_day():
        return _page(request, language, 404, error=i18n.gettext(language, UNKNOWN))
    if booking.status == BookingStatus.checked_in:
        return _page(request, language, 409, error=_already(st, language, booking))
    try:
        ticket = booking_flow.check_in(request, booking)
    except OutsideWindow as exc:
        return _outside(request, language, booking, exc)
    except QueueError as exc:
        return _page(request, language, exc.status_code, error=web.queue_text(request, exc))
    return _ticket(request, st, language, ticket, booking)


def _already(st: web.State, language: str, booking: Booking) -> str:
    with db.reading(st.engine) as session:
        ticket = session.get(Ticket, booking.ticket_id) if booking.ticket_id else None
    code = ticket.code if ticket else ""
    return i18n.gettext(
        language, "This booking is already checked in: your number is %(code)s.", code=code
    )


def _outside(request: Request, language: str, booking: Booking, exc: OutsideWindow) -> Response:
    st = web.state(request)
    opens = exc.params.get("opens")
    if isinstance(opens, datetime):  # too early: when to come back
        text = i18n.gettext(
            language,
            "Too early: your booking is at %(slot)s. Check in from %(time)s.",
            slot=slot_time(language, st, booking.start),
            time=slot_time(language, st, opens),
        )
        return _page(request, language, 409, error=text)
    service = st.service_by_id(booking.service_id)
    text = i18n.gettext(
        language,
        "Your booking was at %(slot)s and its check-in time has passed. "
        "You can take a walk-in ticket for the same service.",
        slot=slot_time(language, st, booking.start),
    )
    return _page(
        request,
        language,
        409,
        error=text,
        walk_in=service,
        request_id=secrets.token_urlsafe(16),
    )


def _ticket(
    request: Request, st: web.State, language: str, ticket: Ticket, booking: Booking
) -> Response:
    """The ticket screen of a walk-in, with the slot; the talon printed after the commit."""
    url = kiosk.status_url(request, ticket)
    with db.transaction(st.engine, st.broker) as session:
        row = session.get_one(Ticket, ticket.id)
        job = talon_jobs.prepare(session, st, row, url, kiosk=kiosk_name(request))
        ctx = kiosk._ticket_context(request, st, session, row, language, url)
    if job is not None:
        talon_jobs.submit(st, job)
    ctx["booked_at"] = slot_time(language, st, booking.start)
    ctx["notice"] = None
    return kiosk._screen(request, "kiosk/ticket.html", ctx, 201)


routes: list[BaseRoute] = [
    Route("/booking", form, name="kiosk_booking"),
    Route("/booking", check_in, methods=["POST"], name="kiosk_booking_check_in"),
    Route("/{kiosk}/booking", form, name="kiosk_booking_named"),
    Route("/{kiosk}/booking", check_in, methods=["POST"], name="kiosk_booking_check_in_named"),
]
