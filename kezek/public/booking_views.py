"""What the visitor's booking pages share (§10 pre-registration, issue 18): dates and times
in the page's language (Babel), the days that can be booked, the language links that keep
the page's own address, the same-site check of a POST, the booking as the pages show it.
Nothing personal: the IIN only masked (§18.2), never in an address."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from babel.dates import format_date, format_time
from starlette.requests import Request

from kezek import db, i18n, web
from kezek.bookings import book, identity, slots
from kezek.bookings.models import Booking
from kezek.queue.errors import NotFound
from kezek.queue.models import Service

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")  # what identity.new_token() makes
NO_STORE = {"cache-control": "no-store"}
BAD_DAY = i18n.N_("This day cannot be booked. Choose one from the list.")
BAD_SERVICE = i18n.N_("This service is not available now.")
STATUS_NAMES = {
    "booked": i18n.N_("Booked"),
    "checked_in": i18n.N_("Checked in at the kiosk"),
    "cancelled": i18n.N_("Cancelled"),
    "no_show": i18n.N_("Missed: not checked in in time"),
}


@dataclass(frozen=True)
class DayView:
    iso: str
    label: str  # "среда, 25 ноября 2026 г."
    free: int  # slots with a free seat


def day_label(language: str, day: date) -> str:
    return format_date(day, "full", locale=language)


def time_label(request: Request, at: datetime) -> str:
    return format_time(web.state(request).clock.local(at), "short", locale=web.lang(request))


def open_days(request: Request, service: Service) -> list[DayView]:
    """The next days with a free slot (closed, past and full days are not offered)."""
    st = web.state(request)
    now = st.clock.now()
    today = st.clock.business_day(now)
    found: list[DayView] = []
    with db.reading(st.engine) as session:
        for ahead in range(st.booking_rules.days_ahead + 1):
            day = today + timedelta(days=ahead)
            if not slots.bookable_day(st.clock, st.booking_rules, day, now):
                continue
            day_slots = slots.day_slots(session, st.clock, st.booking_rules, service, day, now)
            free = sum(1 for s in day_slots if s.free)
            if free:
                found.append(DayView(day.isoformat(), day_label(web.lang(request), day), free))
    return found


def bookable_services(request: Request) -> list[Service]:
    st = web.state(request)
    return [s for s in st.services.values() if st.booking_rules.books(s.code)]


def lang_links(request: Request) -> dict[str, str]:
    """This page in each language (its query kept: the service, the day, the token)."""
    links = {code: request.url.include_query_params(lang=code) for code in i18n.LANGUAGES}
    return {code: f"{url.path}?{url.query}" for code, url in links.items()}


def owned(request: Request, code: str, token: str) -> Booking | None:
    """The booking whose manage token is ``token``, or None (a wrong code and a wrong token
    look the same)."""
    if not TOKEN.fullmatch(token) or len(code) > 16:
        return None
    st = web.state(request)
    with db.reading(st.engine) as session:
        try:
            return book.owned(session, st.office_id, code, token)
        except NotFound:
            return None


def in_its_language(request: Request, booking: Booking) -> None:
    """The booking's language, unless one was chosen here (the query or the cookie)."""
    if not (
        request.query_params.get("lang") in i18n.LANGUAGES
        or request.cookies.get(i18n.COOKIE) in i18n.LANGUAGES
    ):
        request.state.lang = booking.lang


def shown(request: Request, booking: Booking) -> dict[str, Any]:
    """The booking as its pages show it: no IIN, only its masked form."""
    st = web.state(request)
    service = st.service_by_id(booking.service_id)
    language = web.lang(request)
    return {
        "booking": booking,
        "service_name": service.name(language) if service else "",
        "day_label": day_label(language, booking.day),
        "start_label": time_label(request, booking.start),
        "end_label": time_label(request, booking.end),
        "masked_iin": identity.masked(booking.iin_last4),
        "status_name": STATUS_NAMES.get(booking.status, booking.status),
        "lang_links": lang_links(request),
    }
