"""What a ticket's token shows: the print status line of the kiosk's ticket screen, and the
visitor's phone page (the talon's QR code): place, estimate and "called to cabinet №1".
No personal data (§18.2)."""

from __future__ import annotations

import re

from sqlmodel import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kezek import db, i18n, web
from kezek.kiosk import issuing, printer_state
from kezek.kiosk.naming import kiosk_base, kiosk_name
from kezek.queue import tickets
from kezek.queue.models import FINAL, Service, ServicePoint, Status, Ticket
from kezek.web_bounds import number

NO_STORE = {"cache-control": "no-store"}  # a cached start screen would reuse its request id
TALON_POLLS = 30  # the print status is polled every second, at most this many times
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,43}")  # what secrets.token_urlsafe(24) makes


def talon_status(request: Request) -> Response:
    """The print status line of the ticket screen, polled every second until it is known."""
    st = web.state(request)
    token = request.path_params["token"]
    if not TOKEN.fullmatch(token):  # no ticket has such a token: a clear 404, not "not yet"
        return Response(status_code=404, headers=NO_STORE)
    asked = number(request.query_params.get("n", "1"), low=1)
    poll = min(asked, TALON_POLLS) if asked is not None else TALON_POLLS
    with db.reading(st.engine) as session:
        ticket = session.exec(
            select(Ticket).where(
                Ticket.public_token == token,
                Ticket.office_id == st.office_id,
            )
        ).first()
    if ticket is None:
        return Response(status_code=204)
    ctx = {
        "ticket": ticket,
        "print_status": ticket.print_status,
        "poll": poll + 1,
        "poll_limit": TALON_POLLS,
        "printer_down": printer_state.kiosk_printer_down(st, kiosk_name(request)),
        "kiosk_base": kiosk_base(request),
    }
    return web.render(request, "kiosk/ticket.html", ctx, block="talon_status", headers=NO_STORE)


def ticket_status(request: Request) -> Response:
    """Position, wait and "called to cabinet №1" by the ticket's unguessable token. No personal
    data (§18.2): only the code, the service and the cabinet."""
    st = web.state(request)
    token = request.path_params["token"]
    with db.reading(st.engine) as session:
        first = session.exec(select(Ticket).where(Ticket.public_token == token[:64])).first()
        ticket = tickets.latest(session, first) if first else None
        if ticket is None or first is None or ticket.office_id != st.office_id:
            return web.render(
                request, "kiosk/status_missing.html", status_code=404, headers=NO_STORE
            )
        if not (
            request.query_params.get("lang") in i18n.LANGUAGES
            or request.cookies.get(i18n.COOKIE) in i18n.LANGUAGES
        ):
            request.state.lang = ticket.lang  # the language chosen at the kiosk
        language = web.lang(request)
        service = session.get_one(Service, ticket.service_id)
        point = (
            session.get(ServicePoint, ticket.service_point_id) if ticket.service_point_id else None
        )
        ctx = {
            "ticket": ticket,
            "token": token,
            "service_name": service.name(language),
            "point_name": point.name(language) if point else None,
            # A no-show returned to its queue keeps its service (issue 17): not "sent".
            "transferred": ticket.service_id != first.service_id,
            "cabinets": issuing.cabinets(session, ticket.service_id, language),
            "outlook": issuing.current_outlook(session, st.clock, ticket),
            "final": ticket.status in FINAL,
            "Status": Status,
            "updated": st.clock.local().strftime("%H:%M"),
            "poll_url": f"{request.url_for('ticket_status', token=token)}?lang={language}",
        }
    block = "live" if web.asks_for(request, "ticket-live") else None
    return web.render(request, "kiosk/status.html", ctx, block=block, headers=NO_STORE)


routes: list[BaseRoute] = [Route("/t/{token}", ticket_status, name="ticket_status")]
