"""The clerk's side of bookings (§10): the day's bookings of the cabinet's services on the
console, and a booking made for a visitor who phones. The booking goes through the same
domain function and limits as the visitor's own (``bookings.book.book``); only the proof
of work is not asked of staff. The IIN is shown masked (§18.2) and never put in a URL."""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from kezek import db, i18n, web
from kezek.api import booking_flow
from kezek.bookings import listing
from kezek.bookings.identity import masked
from kezek.i18n import N_
from kezek.queue.calls import point_services
from kezek.queue.errors import QueueError
from kezek.queue.models import Service, ServicePoint
from kezek.staff.access import Staff, staff
from kezek.staff.panel import my_point

log = logging.getLogger("kezek.booking_desk")

STATUS_NAMES = {
    "booked": N_("booked"),
    "checked_in": N_("checked in"),
    "no_show": N_("did not come"),
    "cancelled": N_("cancelled"),
}


def _services(st: web.State, session: Session, point: ServicePoint | None) -> list[Service]:
    """The point's services booked in advance (every booked service without a point)."""
    ids = point_services(session, point) if point is not None else None
    return [
        s
        for s in st.services.values()
        if st.booking_rules.books(s.code) and (ids is None or s.id in ids)
    ]


def today(session: Session, st: web.State, point: ServicePoint) -> dict[str, Any]:
    """The console's "Today's bookings" (its context)."""
    services = _services(st, session, point)
    rows = listing.day_list(
        session, st.office_id, st.clock.business_day(), [s.id for s in services if s.id]
    )
    return {
        "bookings": rows,
        "booking_services": {s.id: s for s in services},
        "booking_status_names": STATUS_NAMES,
        "masked": masked,
        "books": bool(services),
    }


def _page(request: Request, who: Staff, status_code: int = 200, **ctx: Any) -> Response:
    st = who.st
    with db.reading(st.engine) as session:
        services = _services(st, session, my_point(session, st, who.user_id))
    chosen = st.services.get(who.field("service", 32) or request.query_params.get("service", ""))
    raw_day = who.field("date", 10) or request.query_params.get("date", "")[:10]
    day = booking_flow.parse_day(raw_day) or st.clock.business_day()
    found = booking_flow.day_slots(request, chosen, day) if chosen in services else []
    ctx = {
        "services": services,
        "chosen": chosen if chosen in services else None,
        "day": day,
        "slots": [s for s in found if s.free],
        **ctx,
    }
    return web.render(request, "staff/book_visitor.html", ctx, status_code=status_code)


@staff()
def book_for_visitor(request: Request, who: Staff) -> Response:
    """GET: choose the service and the day, then a free slot and the IIN. POST (with
    ``start``): book it; the code to read out to the caller."""
    if request.method == "GET" or not who.field("start", 5):
        return _page(request, who)
    st = who.st
    service = st.services.get(who.field("service", 32))
    day = booking_flow.parse_day(who.field("date", 10))
    if service is None or day is None:
        text = i18n.gettext(web.lang(request), N_("Choose a service and a day."))
        return _page(request, who, 422, error=text)
    try:
        booked = booking_flow.book_for(
            request,
            service,
            day,
            who.field("start", 5),
            who.field("iin", 20),
            lang if (lang := who.field("lang", 2)) in i18n.LANGUAGES else "kk",
            clerk_id=who.user_id,
        )
    except QueueError as exc:
        return _page(request, who, exc.status_code, error=web.queue_text(request, exc))
    b = booked.booking
    # §18.2: who booked for whom is on the row (clerk_id, created_at); the log has no IIN.
    log.info("booking %s made by clerk %s for service %s", b.code, who.user_id, service.code)
    return _page(
        request,
        who,
        201,
        made=b,
        made_service=service,
        made_start=booking_flow.hhmm(request, b.start),
        made_iin=masked(b.iin_last4),
    )
