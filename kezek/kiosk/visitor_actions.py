"""The phone page's buttons: "Cancel my ticket" (with a confirmation) and "I am running late"
(issue 17: back a few places, once, within the target; ``kezek.queue.late``).

The token in the path is the capability (nobody else has it: it is in no public answer);
the change is a POST only, and a POST that a browser says came from another site is refused,
so a page elsewhere cannot make a visitor's phone cancel their ticket (CSRF).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from kezek import db, i18n, web
from kezek.queue import late, reads, visitor
from kezek.queue.errors import QueueError
from kezek.queue.models import Ticket

NO_STORE = {"cache-control": "no-store"}


def offers(st: web.State, session: Session, ticket: Ticket, language: str) -> dict[str, Any]:
    """What the phone page offers for this ticket now."""
    places = st.profile.late_places
    return {
        "can_cancel": visitor.can_cancel(ticket),
        "can_run_late": late.can_run_late(session, ticket, places),
        "late_places": places,
    }


def _ticket(request: Request, session: Session) -> Ticket | None:
    st = web.state(request)
    first = reads.by_token(session, request.path_params["token"])
    ticket = reads.latest(session, first) if first else None
    return ticket if ticket is not None and ticket.office_id == st.office_id else None


def _refused(
    request: Request, status_code: int, message: str, exc: QueueError | None = None
) -> Response:
    language = web.lang(request)
    text = i18n.gettext(language, message)
    if exc is not None and exc.params:
        text %= web.queue_params(language, exc)
    return web.render(
        request,
        "kiosk/phone_refused.html",
        {"message": text, "back": _back(request)},
        status_code=status_code,
        headers=NO_STORE,
    )


def _back(request: Request) -> str:
    return str(request.url_for("ticket_status", token=request.path_params["token"]))


def cancel_page(request: Request) -> Response:
    """The confirmation: "Cancel your ticket?" with "Yes" (a POST) and "No" (back)."""
    with db.reading(web.state(request).engine) as session:
        ticket = _ticket(request, session)
    if ticket is None:
        return web.render(request, "kiosk/status_missing.html", status_code=404, headers=NO_STORE)
    request.state.lang = web.lang(request) if "lang" in request.query_params else ticket.lang
    ctx = {"ticket": ticket, "back": _back(request), "can_cancel": visitor.can_cancel(ticket)}
    return web.render(request, "kiosk/phone_cancel.html", ctx, headers=NO_STORE)


def cancel(request: Request) -> Response:
    if web.cross_site(request):
        return _refused(request, 403, i18n.N_("This request came from another site."))
    st = web.state(request)
    try:
        with db.transaction(st.engine, st.broker) as session:
            ticket = _ticket(request, session)
            if ticket is None:
                return _refused(request, 404, i18n.N_("No such ticket."))
            visitor.cancel(session, st.clock, ticket)
    except QueueError as exc:
        return _refused(request, exc.status_code, exc.message)
    return RedirectResponse(_back(request), status_code=303, headers=NO_STORE)


def run_late(request: Request) -> Response:
    """The visitor's "I am running late"; back to the phone page, which says the new place."""
    if web.cross_site(request):
        return _refused(request, 403, i18n.N_("This request came from another site."))
    st = web.state(request)
    try:
        with db.transaction(st.engine, st.broker) as session:
            ticket = _ticket(request, session)
            if ticket is None:
                return _refused(request, 404, i18n.N_("No such ticket."))
            late.run_late(session, st.clock, ticket, st.call_order, st.profile.late_places)
    except QueueError as exc:
        return _refused(request, exc.status_code, exc.message, exc)
    return RedirectResponse(_back(request), status_code=303, headers=NO_STORE)


routes: list[BaseRoute] = [
    Route("/t/{token}/cancel", cancel_page, methods=["GET"], name="ticket_cancel_page"),
    Route("/t/{token}/cancel", cancel, methods=["POST"], name="ticket_cancel"),
    Route("/t/{token}/late", run_late, methods=["POST"], name="ticket_late"),
]
