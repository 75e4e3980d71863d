"""The lobby kiosk (touch only) and the visitor's phone page.

Screens are swapped by htmx into ``#kiosk``; without JavaScript the same URLs answer whole
pages. Every screen is a ``{% block screen %}`` of its template.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kezek import db, i18n, web
from kezek.devices import gate
from kezek.i18n import N_
from kezek.kiosk import issuing, printer_state, qr, status, talon_jobs
from kezek.kiosk.naming import booking_url, kiosk_base, kiosk_name, known_kiosk
from kezek.kiosk.status import NO_STORE, TALON_POLLS
from kezek.queue import tickets
from kezek.queue.models import Service, Ticket

REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# Seconds of no touch before a screen goes back to the start (in the default language).
IDLE_TICKET, IDLE_START, IDLE_OTHER = 25, 90, 20


startup, shutdown = talon_jobs.startup, talon_jobs.shutdown  # the app's lifespan: the printers


# --- helpers ------------------------------------------------------------------------------


def _screen(request: Request, name: str, ctx: dict[str, Any], status_code: int = 200) -> Response:
    """A whole page, or only its screen when htmx swaps it."""
    block = "screen" if web.asks_for(request, "kiosk") else None
    return web.render(request, name, ctx, status_code=status_code, block=block, headers=NO_STORE)


def _home_url(request: Request, language: str | None = None) -> str:
    return f"{kiosk_base(request)}?lang={language or i18n.DEFAULT_LANGUAGE}"


def _base(request: Request, st: web.State, language: str, idle: int) -> dict[str, Any]:
    return {
        "home_url": _home_url(request),
        "kiosk_base": kiosk_base(request),
        "idle": idle,
        "printer_down": printer_state.kiosk_printer_down(st, kiosk_name(request)),
        "lang_home": _home_url(request, language),
    }


def status_url(request: Request, ticket: Ticket) -> str:
    """The phone page of a ticket (the QR code), opening in the visitor's language."""
    return f"{web.public_base(request)}/t/{ticket.public_token}?lang={ticket.lang}"


def _schedule_rows(st: web.State, language: str) -> list[tuple[str, str]]:
    """The weekly hours, one row per open day, for the closed screen (§9, §10)."""
    rows = []
    for index, day in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun")):
        hours = st.profile.schedule.get(day)  # type: ignore[call-overload]
        if hours is None:
            continue
        text = f"{hours.open:%H:%M}–{hours.close:%H:%M}"
        if hours.lunch:
            start, end = (f"{moment:%H:%M}" for moment in hours.lunch)
            text += " · " + i18n.gettext(language, "lunch %(start)s–%(end)s", start=start, end=end)
        rows.append((i18n.gettext(language, web.WEEKDAY_NAMES[index]), text))
    return rows


def _closed(request: Request, language: str, status_code: int = 200) -> Response:
    st = web.state(request)
    ctx = {
        **_base(request, st, language, IDLE_START),
        "opening": web.opening_text(language, st.clock, st.clock.next_opening()),
        "schedule": _schedule_rows(st, language),
    }
    return _screen(request, "kiosk/closed.html", ctx, status_code)


def _descriptions(st: web.State, language: str) -> dict[str, str]:
    return {s.code: s.descriptions.get(language) for s in st.profile.services if s.descriptions}


def _start(
    request: Request, language: str, message: str | None = None, status_code: int = 200
) -> Response:
    st = web.state(request)
    if not st.clock.is_open():  # §10: outside hours the kiosk issues nothing
        return _closed(request, language, status_code)
    with db.reading(st.engine) as session:
        board = [
            (service, issuing.outlook(session, st.clock, service, rates=st.estimate_rates))
            for service in st.services.values()
        ]
    idle = IDLE_START if language == i18n.DEFAULT_LANGUAGE else IDLE_OTHER * 3
    ctx = {
        **_base(request, st, language, idle),
        "board": board,
        "descriptions": _descriptions(st, language),
        "request_id": secrets.token_urlsafe(16),
        "message": message,
        "enrolled": gate.device(request, "kiosk") is not None,  # §11: priority at a kiosk
    }
    ctx["booking_url"] = booking_url(request, st, enrolled=ctx["enrolled"])
    return _screen(request, "kiosk/start.html", ctx, status_code)


# --- the kiosk ----------------------------------------------------------------------------


def home(request: Request) -> Response:
    known_kiosk(request)
    cookie = gate.enrol_local_kiosk(request)
    response = _start(request, web.lang(request))
    if cookie:
        gate.set_cookie(response, request, cookie)
    return response


def ping(request: Request) -> Response:
    """For kiosk.js: is the server reachable again after a network drop?"""
    return Response(status_code=204, headers=NO_STORE)


async def take_ticket(request: Request) -> Response:
    known_kiosk(request)
    form = await request.form()
    language = str(form.get("lang") or "")
    request.state.lang = language if language in i18n.LANGUAGES else web.lang(request)
    st = web.state(request)
    service = st.services.get(str(form.get("service") or ""))
    request_id = str(form.get("request_id") or "")
    if service is None or not REQUEST_ID.match(request_id):
        return _start(
            request,
            request.state.lang,
            i18n.gettext(request.state.lang, "Please choose a service."),
            422,
        )
    return await run_in_threadpool(
        _take,
        request,
        st,
        service,
        request_id,
        form.get("priority") == "1",
        form.get("confirm") == "1",
    )


def _take(
    request: Request,
    st: web.State,
    service: Service,
    request_id: str,
    priority: bool,
    confirmed: bool,
) -> Response:
    language: str = request.state.lang
    who = gate.issuer(request)
    refusal = gate.admit(st, who, priority=priority)
    if refusal is not None and refusal.reason == "priority":
        text = N_("Priority tickets are issued at the office's kiosk or by a clerk.")
        return _start(request, language, i18n.gettext(language, text), 403)
    job = None
    try:
        with db.transaction(st.engine, st.broker) as session:
            taken = issuing.take(
                session,
                st.clock,
                service,
                priority=priority,
                lang=language,
                request_id=request_id,
                confirmed=confirmed,
                issue_past_closing=st.profile.issue_past_closing,
                limited=refusal is not None,
                order=st.call_order,
                rates=st.estimate_rates,
            )
            if taken.ticket is not None:
                # A new ticket's place and wait were just computed for the §10 check.
                ahead = taken.outlook if taken.created else None
                url = status_url(request, taken.ticket)
                if ahead is not None:
                    job = talon_jobs.prepare(
                        session,
                        st,
                        taken.ticket,
                        url,
                        shown=ahead,
                        kiosk=kiosk_name(request),
                    )
                ctx = _ticket_context(request, st, session, taken.ticket, language, url, ahead)
    except tickets.OfficeClosed:
        return _closed(request, language, 409)
    if taken.limited:
        ctx = {
            **_base(request, st, language, IDLE_OTHER),
            "seconds": refusal.seconds if refusal else 1,
        }
        return _screen(request, "kiosk/limited.html", ctx, 429)
    if taken.ticket is None:
        assert taken.notice is not None and taken.outlook is not None
        return _notice(request, language, service, taken, request_id, priority)
    if job is not None:
        gate.record(st, who)
        talon_jobs.submit(st, job)  # after the commit: the ticket exists whatever the printer does
    ctx["notice"] = _notice_text(st, language, taken.notice) if taken.notice else None
    return _screen(request, "kiosk/ticket.html", ctx, 201 if taken.created else 200)


def _notice_text(st: web.State, language: str, notice: issuing.HoursNotice) -> str:
    starts = st.clock.local(notice.starts).strftime("%H:%M")
    if notice.kind == "lunch" and notice.ends is not None:
        return i18n.gettext(
            language,
            "The lunch break is from %(start)s to %(end)s: you may be called after it.",
            start=starts,
            end=st.clock.local(notice.ends).strftime("%H:%M"),
        )
    return i18n.gettext(
        language, "The office closes at %(time)s: you may not be served today.", time=starts
    )


def _notice(
    request: Request,
    language: str,
    service: Service,
    taken: issuing.Taken,
    request_id: str,
    priority: bool,
) -> Response:
    """§10: say before issuing that the wait runs into lunch or past closing."""
    st = web.state(request)
    notice, ahead = taken.notice, taken.outlook
    assert notice is not None and ahead is not None
    ctx = {
        **_base(request, st, language, IDLE_OTHER * 2),
        "service": service,
        "notice": notice,
        "outlook": ahead,
        "text": _notice_text(st, language, notice),
        "request_id": request_id,
        "priority": priority,
        "opening": web.opening_text(language, st.clock, st.clock.next_opening(notice.starts)),
    }
    return _screen(request, "kiosk/notice.html", ctx)


def _ticket_context(
    request: Request,
    st: web.State,
    session: Session,
    ticket: Ticket,
    language: str,
    url: str,
    ahead: issuing.Outlook | None = None,
) -> dict[str, Any]:
    service = session.get_one(Service, ticket.service_id)
    ahead = ahead or issuing.current_outlook(
        session, st.clock, ticket, st.call_order, st.estimate_rates
    )
    return {
        **_base(request, st, language, IDLE_TICKET),
        "ticket": ticket,
        "service_name": service.name(language),
        "cabinets": issuing.cabinets(session, service.id or 0, language),
        "outlook": ahead,
        "qr": qr.svg(
            url, i18n.gettext(language, "QR code: follow your place in the queue on your phone")
        ),
        "print_status": ticket.print_status,
        "poll": 1,
        "poll_limit": TALON_POLLS,
    }


routes: list[BaseRoute] = [
    Route("/", home, name="kiosk"),
    Route("/ticket", take_ticket, methods=["POST"], name="kiosk_take"),
    Route("/talon/{token}", status.talon_status, name="kiosk_talon_status"),
    Route("/ping", ping, name="kiosk_ping"),
    # A kiosk by its name, printing on the printer [printers.kiosk] gives it (issue 20).
    Route("/{kiosk}/", home, name="kiosk_named"),
    Route("/{kiosk}/ticket", take_ticket, methods=["POST"], name="kiosk_take_named"),
    Route("/{kiosk}/talon/{token}", status.talon_status, name="kiosk_talon_status_named"),
]
