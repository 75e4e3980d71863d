"""The clerk console: pick a service point for the day, see its queue, call and serve.

Live updates: a small Server-Sent Events stream (``staff_events``) relays the office's queue
events from ``st.broker``; htmx's SSE extension turns each into a refresh of the queue panel
(debounced), so another clerk's call shows within a second instead of a polling period.
The panel also refreshes every 30 s, which keeps the minutes-waited current and covers the
case of several worker processes (the broker is per process).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kezek import db, profile_sync, web
from kezek.i18n import N_
from kezek.kiosk import talon_jobs
from kezek.queue import ownership, pauses, returns, tickets
from kezek.queue.events import newest_id
from kezek.queue.models import ServicePoint, Ticket, User
from kezek.queue.tickets import QueueError
from kezek.staff import booking_desk
from kezek.staff.access import Staff, staff
from kezek.staff.panel import flow_panel, my_point, panel


def _render(request: Request, who: Staff, said: web.Said = web.Said()) -> Response:
    st = who.st
    # Read before the panel: a change made while the browser opens its stream is replayed.
    drawn_at = newest_id(st.engine) if not _fragment(request) else 0
    with db.reading(st.engine) as session:
        point = my_point(session, st, who.user_id)
        if point is None:
            return _picker(request, who, session, said)
        ctx = {**panel(session, st, point), **flow_panel(session, st, point, who.user)}
        ctx |= booking_desk.today(session, st, point)  # §10: the day's bookings
        ctx |= {"error": said.error, "notice": said.notice, "drawn_at": drawn_at}
    block = "panel" if _fragment(request) else None
    return web.render(request, "staff/console.html", ctx, block=block, status_code=said.status_code)


def _fragment(request: Request) -> bool:
    """htmx asks for the panel alone (refresh, or an action inside it)."""
    return web.asks_for(request, "queue-panel")


def _picker(request: Request, who: Staff, session: Session, said: web.Said) -> Response:
    st = who.st
    today = st.clock.business_day()
    points = []
    for point in session.exec(
        select(ServicePoint)
        .where(ServicePoint.office_id == st.office_id, col(ServicePoint.active).is_(True))
        .order_by(ServicePoint.code)
    ):
        holder = None
        if (
            point.clerk_id is not None
            and point.opened_at is not None
            and st.clock.business_day(point.opened_at) == today
        ):
            holder = session.get(User, point.clerk_id)
        points.append((point, holder))
    if _fragment(request):
        # The point was given up in another tab: the whole page must change.
        return Response(status_code=200, headers={"HX-Redirect": str(request.url_for("staff"))})
    return web.render(
        request,
        "staff/pick_point.html",
        {"points": points, "error": said.error},
        status_code=said.status_code,
    )


@staff()
def console(request: Request, who: Staff) -> Response:
    return _render(request, who)


@staff()
def queue_panel(request: Request, who: Staff) -> Response:
    return _render(request, who)


@staff()
def take_point(request: Request, who: Staff) -> Response:
    """Sit down at a service point for the day (wait estimates count open points)."""
    st = who.st
    code = who.field("point", 32)
    refused: web.Said | None = None
    try:
        with db.transaction(st.engine, st.broker) as session:
            point = session.exec(
                select(ServicePoint).where(
                    ServicePoint.office_id == st.office_id, ServicePoint.code == code
                )
            ).first()
            if point is None or point.id is None:
                refused = web.refusal(N_("No such service point."))
            else:
                ownership.claim(session, st.clock, point.id, who.user_id)
    except QueueError as exc:
        refused = _queue_error(request, exc)
    if refused:
        return _render(request, who, refused)
    return RedirectResponse(request.url_for("staff"), status_code=303)


@staff()
def leave_point(request: Request, who: Staff) -> Response:
    st = who.st
    with db.transaction(st.engine, st.broker) as session:
        point = my_point(session, st, who.user_id)
        if point is not None:
            if pauses.open_pause(session, point.id) is not None:  # the clerk's pause ends
                pauses.resume(session, st.clock, point)
            point.clerk_id, point.opened_at = None, None
            session.add(point)
    return RedirectResponse(request.url_for("staff"), status_code=303)


def _after(request: Request, who: Staff, said: web.Said = web.Said()) -> Response:
    """htmx: the refreshed panel; a plain form post: back to the console (POST/redirect/GET)."""
    if _fragment(request) or said.error:
        return _render(request, who, said)
    return RedirectResponse(request.url_for("staff"), status_code=303)


def _queue_error(request: Request, exc: QueueError) -> web.Said:
    """The refusal in the clerk's language; a status parameter is translated too."""
    return web.Said(error=(exc.message, web.queue_params(web.lang(request), exc)), status_code=409)


Act = Callable[[Session, ServicePoint, Ticket | None], Any]


def _act(request: Request, who: Staff, act: Act, *, own_ticket: bool = True) -> Response:
    """Run one queue operation for the clerk's point, in one transaction; the panel is read
    after the commit (a refusal rolls nothing back, as nothing was written)."""
    try:
        with db.transaction(who.st.engine, who.st.broker) as session:
            said = _carry_out(request, who, session, act, own_ticket)
    except QueueError as exc:
        said = _queue_error(request, exc)
    return _after(request, who, said)


def _carry_out(
    request: Request, who: Staff, session: Session, act: Act, own_ticket: bool
) -> web.Said:
    st = who.st
    point = my_point(session, st, who.user_id)
    if point is None:
        return web.refusal(N_("Choose your service point first."))
    ticket = None
    ticket_id = request.path_params.get("ticket_id")
    if ticket_id is not None:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None or ticket.office_id != st.office_id:
            return web.refusal(N_("No such ticket."))
        if own_ticket:
            ownership.own_ticket(session, st.clock, ticket, who.user_id)
    if act(session, point, ticket) is None:
        return web.notice(N_("Nobody is waiting for this service point."))
    return web.Said()


@staff()
def call_next(request: Request, who: Staff) -> Response:
    clock, order = who.st.clock, profile_sync.call_order(who.st.profile)
    return _act(request, who, lambda s, p, _: tickets.call_next(s, clock, p, who.user_id, order))


@staff()
def next_visitor(request: Request, who: Staff) -> Response:
    """Issue 17: finish the ticket in hand and call the next, in one action and one
    transaction."""
    clock, order = who.st.clock, profile_sync.call_order(who.st.profile)
    return _act(
        request,
        who,
        lambda s, p, _: tickets.finish_and_call_next(s, clock, p, who.user_id, order),
    )


ACTIONS: dict[str, Callable[..., Ticket]] = {
    "recall": tickets.recall,
    "start": tickets.start,
    "finish": tickets.finish,
    "no-show": tickets.no_show,
}


@staff()
def ticket_action(request: Request, who: Staff) -> Response:
    action = ACTIONS.get(request.path_params["action"])
    if action is None:
        return _after(request, who, web.refusal(N_("No such action.")))
    clock, most = who.st.clock, who.st.profile.max_recalls
    if action is tickets.recall:  # issue 17: bounded by the profile

        def bounded(session: Session, point: ServicePoint, ticket: Ticket | None) -> Ticket:
            assert ticket is not None
            return returns.bounded_recall(session, clock, ticket, who.user_id, most)

        return _act(request, who, bounded)
    return _act(request, who, lambda s, p, t: action(s, clock, t, who.user_id))


@staff()
def transfer(request: Request, who: Staff) -> Response:
    st = who.st
    service = st.services.get(who.field("service", 32))
    if service is None:
        return _after(request, who, web.refusal(N_("Choose another service of this office.")))

    def act(session: Session, point: ServicePoint, ticket: Ticket | None) -> Ticket:
        assert ticket is not None
        return tickets.transfer(session, st.clock, ticket, service, who.user_id)

    return _act(request, who, act)


@staff()
def call_specific(request: Request, who: Staff) -> Response:
    """Call a chosen waiting ticket out of turn; the reason is recorded with the call."""
    reason = who.field("reason", 400)
    clock = who.st.clock

    def act(session: Session, point: ServicePoint, ticket: Ticket | None) -> Ticket:
        assert ticket is not None
        return tickets.call_specific(session, clock, ticket, point, who.user_id, reason)

    return _act(request, who, act, own_ticket=False)


@staff()
def reprint(request: Request, who: Staff) -> Response:
    """Reprint a kiosk talon that failed: at the kiosk, or at this clerk's desk (the visitor
    often comes to the cabinet to say that no talon came out)."""
    from kezek.staff.desk import printer_url

    st = who.st
    ticket_id = int(request.path_params["ticket_id"])
    url = None
    if who.field("where", 8) == "desk":
        with db.reading(st.engine) as session:
            point = my_point(session, st, who.user_id)
        url = printer_url(st, point.code) if point else None
        if url is None:
            return _after(request, who, web.refusal(N_("This service point has no desk printer.")))
    try:
        talon_jobs.reprint(st, ticket_id, actor_id=who.user_id, printer_url=url)
    except QueueError as exc:
        return _after(request, who, _queue_error(request, exc))
    return _after(request, who, web.notice(N_("The talon is sent to the printer again.")))
