"""What a ticket's token shows: the print status line of the kiosk's ticket screen, and the
visitor's phone page (the talon's QR code): place, estimate and "called to cabinet №1".
No personal data (§18.2)."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from kezek import db, i18n, web
from kezek.kiosk import issuing, phone_stream, printer_state, visitor_actions
from kezek.kiosk.naming import kiosk_base, kiosk_name
from kezek.notify import follow
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


def _language(request: Request, ticket: Ticket) -> str:
    if not (
        request.query_params.get("lang") in i18n.LANGUAGES
        or request.cookies.get(i18n.COOKIE) in i18n.LANGUAGES
    ):
        request.state.lang = ticket.lang  # the language chosen at the kiosk
    return web.lang(request)


def _context(request: Request, session: Session, token: str) -> dict[str, Any] | None:
    """What the phone page shows for ``token``; None when no ticket of this office has it."""
    st = web.state(request)
    first = session.exec(select(Ticket).where(Ticket.public_token == token[:64])).first()
    ticket = tickets.latest(session, first) if first else None
    if ticket is None or first is None or ticket.office_id != st.office_id:
        return None
    language = _language(request, ticket)
    service = session.get_one(Service, ticket.service_id)
    point = session.get(ServicePoint, ticket.service_point_id) if ticket.service_point_id else None
    outlook = issuing.current_outlook(session, st.clock, ticket, st.call_order, st.estimate_rates)
    return {
        "ticket": ticket,
        "token": token,
        "service_code": service.code,
        "service_name": service.name(language),
        "point_name": point.name(language) if point else None,
        # A no-show returned to its queue keeps its service (issue 17): not "sent".
        "transferred": ticket.service_id != first.service_id,
        "cabinets": issuing.cabinets(session, ticket.service_id, language),
        "outlook": outlook,
        "phase": phase(ticket.status, outlook.position if outlook else None),
        "final": ticket.status in FINAL,
        "Status": Status,
        "updated": st.clock.local().strftime("%H:%M"),
        "poll_url": f"{web.url_for(request, 'ticket_status', token=token)}?lang={language}",
        "events_url": f"{web.url_for(request, 'ticket_events', token=token)}?lang={language}",
        **visitor_actions.offers(st, session, ticket, language),
        "follow_url": _follow_url(st, first.id),
    }


def _follow_url(st: web.State, ticket_id: int | None) -> str | None:
    """The deep link to the office's bot, while it runs: a follow token, not the page's."""
    if not (st.follow_bot and st.follow_key and ticket_id):
        return None
    return f"https://t.me/{st.follow_bot}?start={follow.follow_token(st.follow_key, ticket_id)}"


def phase(status: str, position: int | None) -> str:
    """What the page alerts on: "next" (vibrate, tone), "called" (and say the cabinet)."""
    if status == Status.waiting:
        return "next" if position is not None and position <= 1 else "waiting"
    return status


def ticket_status(request: Request) -> Response:
    """Position, wait and "called to cabinet №1" by the ticket's unguessable token. No personal
    data (§18.2): only the code, the service and the cabinet."""
    with db.reading(web.state(request).engine) as session:
        ctx = _context(request, session, request.path_params["token"])
    if ctx is None:
        return web.render(request, "kiosk/status_missing.html", status_code=404, headers=NO_STORE)
    block = "live" if web.asks_for(request, "ticket-live") else None
    return web.render(request, "kiosk/status.html", ctx, block=block, headers=NO_STORE)


def _snapshot(request: Request) -> phone_stream.Snapshot | None:
    with db.reading(web.state(request).engine) as session:
        ctx = _context(request, session, request.path_params["token"])
    if ctx is None:
        return None
    html = web.render(request, "kiosk/status.html", ctx, block="live").body
    ticket = ctx["ticket"]
    return phone_stream.Snapshot(bytes(html).decode(), ticket.id, ctx["service_code"], ctx["final"])


def _hub(st: web.State) -> phone_stream.PhoneHub:
    if st.phones is None:
        st.phones = phone_stream.PhoneHub(st.broker, st.office_id)
        if st.live is not None:  # the server's stop ends the phones' streams with the displays'
            st.live.also_stop.append(st.phones.stop)
    return st.phones


async def ticket_events(request: Request) -> Response:
    """The phone page's live stream: its status fragment whenever it changes (SSE)."""
    token = request.path_params["token"]
    if not TOKEN.fullmatch(token):
        return Response(status_code=404, headers=NO_STORE)
    first = await run_in_threadpool(_snapshot, request)
    if first is None:
        return Response(status_code=404, headers=NO_STORE)

    async def read() -> phone_stream.Snapshot | None:
        return await run_in_threadpool(_snapshot, request)

    body = phone_stream.stream(_hub(web.state(request)), first, read)
    return StreamingResponse(
        body,
        media_type="text/event-stream",
        headers={"cache-control": "no-store, no-transform", "x-accel-buffering": "no"},
    )


routes: list[BaseRoute] = [
    Route("/t/{token}", ticket_status, name="ticket_status"),
    Route("/t/{token}/events", ticket_events, name="ticket_events"),
    *visitor_actions.routes,
]
