"""The JSON API under /api. Public: issue and follow tickets. Staff: Bearer tokens.

Endpoints read the body in the event loop and do the database work in the thread pool.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kezek import db, profile_sync, tokens
from kezek.api import bookings, flow, guards, schemas, visitor
from kezek.api.forecast import get_forecast
from kezek.api.issue import issue_ticket, unknown_service
from kezek.api.notice import post_message, withdraw_message
from kezek.api.openapi import openapi
from kezek.api.schemas import CallIn, TransferIn, parse
from kezek.api.shape import ticket_json
from kezek.api.stats import clerk_stats
from kezek.i18n import N_
from kezek.queue import ownership, returns, tickets
from kezek.queue.models import ServicePoint, Status, Ticket, User
from kezek.queue.tickets import QueueError
from kezek.web import clean_text, error_json, lang, queue_error, state


def _ticket_id(request: Request) -> int | None:
    raw = request.path_params["ticket_id"]
    return raw if 0 < raw < 2**31 else None  # ids are 32-bit integers (PostgreSQL)


def get_ticket(request: Request) -> Response:
    """By id, for staff only: ids are sequential, a loop over them must learn nothing."""
    if guards.staff_reader(request) is None:
        return guards.unauthorized(request)
    st = state(request)
    ticket_id = _ticket_id(request)
    with db.reading(st.engine) as session:
        ticket = session.get(Ticket, ticket_id) if ticket_id else None
        if ticket is None or ticket.office_id != st.office_id:
            return error_json(request, 404, "not_found", N_("No such ticket."))
        return JSONResponse(schemas.view(schemas.Ticket, ticket_json(request, session, ticket)))


def get_ticket_by_token(request: Request) -> Response:
    """The public read: whoever holds the token (the talon's QR code) follows the ticket."""
    st = state(request)
    token = request.path_params["token"]
    with db.reading(st.engine) as session:
        ticket = None
        if 16 <= len(token) <= 64 and token.isascii() and token.isprintable():
            ticket = session.exec(select(Ticket).where(Ticket.public_token == token)).first()
        if ticket is None or ticket.office_id != st.office_id:
            return error_json(request, 404, "not_found", N_("No such ticket."))
        return JSONResponse(
            schemas.view(schemas.PublicTicket, ticket_json(request, session, ticket))
        )


def get_queue(request: Request) -> Response:
    st = state(request)
    now = st.clock.now()
    language = lang(request)
    with db.reading(st.engine) as session:
        rows = []
        for service in st.services.values():
            found = session.exec(
                select(Ticket.status, Ticket.issued_at).where(
                    Ticket.office_id == st.office_id,
                    Ticket.service_id == service.id,
                    Ticket.business_day == st.clock.business_day(now),
                    Ticket.status.in_([Status.waiting, Status.called, Status.serving]),  # type: ignore[attr-defined]
                )
            ).all()
            waiting = [issued for status, issued in found if status == Status.waiting and issued]
            oldest = min(waiting, default=None)
            rows.append(
                {
                    "service": service.code,
                    "name": service.name(language),
                    "waiting": len(waiting),
                    "being_served": sum(1 for status, _ in found if status != Status.waiting),
                    "oldest_wait_minutes": int((now - oldest).total_seconds() // 60)
                    if oldest
                    else None,
                }
            )
    return JSONResponse({"services": rows, "open": st.clock.is_open(now)})


Action = Callable[[Session, Ticket, User], Ticket]


def _act(
    request: Request, grant: tokens.Grant, action: Action, *, own_ticket: bool = True
) -> Response:
    """Load the ticket, check it is the user's to act on (the console's rule), apply one
    queue operation, answer with the ticket."""
    st = state(request)
    ticket_id = _ticket_id(request)
    try:
        with db.transaction(st.engine, st.broker) as session:
            ticket = session.get(Ticket, ticket_id) if ticket_id else None
            if ticket is None or ticket.office_id != st.office_id:
                return error_json(request, 404, "not_found", N_("No such ticket."))
            if own_ticket:
                ownership.own_ticket(session, st.clock, ticket, grant.user.id or 0, grant.points)
            result = action(session, ticket, grant.user)
            answer = _answer(request, session, result)
    except QueueError as exc:
        return queue_error(request, exc)
    return JSONResponse(answer)


def _answer(request: Request, session: Session, ticket: Ticket) -> dict[str, object]:
    """The ticket as the API shows it, from the row in hand, in the action's own session
    (issue 20: one database session per request). A ticket acted on is no longer waiting,
    so this reads nothing more under the write lock; a waiting one (a transfer's new row)
    costs the two small reads of its place."""
    return schemas.view(schemas.Ticket, ticket_json(request, session, ticket))


def _point(request: Request) -> ServicePoint | None:
    return state(request).points.get(request.path_params["code"])


def no_point(request: Request) -> Response:
    return error_json(request, 404, "not_found", N_("No such service point."))


def _calling(request: Request, call: Callable[..., Ticket | None]) -> Response:
    """Call to the token's user's point (claimed for the day, the console's rule): 200 with
    the called ticket, 204 when nobody waits."""
    grant = guards.bearer(request)
    if grant is None:
        return guards.unauthorized(request)
    st = state(request)
    point = _point(request)
    if point is None or point.id is None:
        return no_point(request)
    user_id = grant.user.id or 0
    try:
        with db.transaction(st.engine, st.broker) as session:
            mine = ownership.claim(session, st.clock, point.id, user_id, grant.points)
            ticket = call(session, st.clock, mine, user_id, profile_sync.call_order(st.profile))
            answer = None if ticket is None else _answer(request, session, ticket)
    except QueueError as exc:
        return queue_error(request, exc)
    if answer is None:
        return Response(status_code=204)
    return JSONResponse(answer)


def call_next(request: Request) -> Response:
    return _calling(request, tickets.call_next)


def next_visitor(request: Request) -> Response:
    """Issue 17: finish the ticket in hand (served) and call the next, in one transaction."""
    return _calling(request, tickets.finish_and_call_next)


async def call_specific(request: Request) -> Response:
    grant = await run_in_threadpool(guards.bearer, request)  # who asks, before what is asked
    if grant is None:
        return guards.unauthorized(request)
    body = await parse(request, CallIn)
    if isinstance(body, Response):
        return body
    st = state(request)
    point = _point(request)
    if point is None or point.id is None:
        return no_point(request)
    point_id, reason = point.id, clean_text(body.reason)

    def act(s: Session, t: Ticket, u: User) -> Ticket:
        mine = ownership.claim(s, st.clock, point_id, u.id or 0, grant.points)
        return tickets.call_specific(s, st.clock, t, mine, u.id, reason)

    return await run_in_threadpool(_act, request, grant, act, own_ticket=False)


ACTIONS = {
    "recall": tickets.recall,
    "start": tickets.start,
    "finish": tickets.finish,
    "no-show": tickets.no_show,
    "cancel": tickets.cancel,
}


def ticket_action(request: Request) -> Response:
    action = ACTIONS.get(request.path_params["action"])
    if action is None:
        return error_json(request, 404, "not_found", N_("No such action."))
    grant = guards.bearer(request)
    if grant is None:
        return guards.unauthorized(request)
    st = state(request)
    clock, most = st.clock, st.profile.max_recalls
    if action is tickets.recall:  # issue 17: bounded by the profile
        return _act(request, grant, lambda s, t, u: returns.bounded_recall(s, clock, t, u.id, most))
    return _act(request, grant, lambda s, t, u: action(s, clock, t, u.id))


async def transfer(request: Request) -> Response:
    grant = await run_in_threadpool(guards.bearer, request)
    if grant is None:
        return guards.unauthorized(request)
    body = await parse(request, TransferIn)
    if isinstance(body, Response):
        return body
    st = state(request)
    service = st.services.get(body.service)
    if service is None:
        return unknown_service(request, body.service)
    return await run_in_threadpool(
        _act, request, grant, lambda s, t, u: tickets.transfer(s, st.clock, t, service, u.id)
    )


def openapi_json(request: Request) -> Response:
    return JSONResponse(openapi())


routes = [
    Route("/openapi.json", openapi_json, name="api_openapi"),
    *bookings.routes,
    Route("/tickets", issue_ticket, methods=["POST"], name="api_issue"),
    Route("/tickets/{ticket_id:int}", get_ticket, name="api_ticket"),
    Route("/tickets/by-token/{token}", get_ticket_by_token, name="api_ticket_by_token"),
    Route("/queue", get_queue, name="api_queue"),
    Route("/stats/clerks", clerk_stats, name="api_clerk_stats"),
    Route("/forecast", get_forecast, name="api_forecast"),  # issue 19
    Route(  # issue 17: the hall's notice
        "/displays/message",
        post_message,
        methods=["POST"],
        name="api_hall_message",
    ),
    Route(
        "/displays/message",
        withdraw_message,
        methods=["DELETE"],
        name="api_hall_message_withdraw",
    ),
    Route("/service-points/{code}/call-next", call_next, methods=["POST"], name="api_call_next"),
    Route("/service-points/{code}/next", next_visitor, methods=["POST"], name="api_next"),
    Route(
        "/service-points/{code}/call/{ticket_id:int}",
        call_specific,
        methods=["POST"],
        name="api_call_specific",
    ),
    Route("/tickets/{ticket_id:int}/transfer", transfer, methods=["POST"], name="api_transfer"),
    *flow.routes,  # issue 17: pause, resume, return
    *visitor.routes,  # issue 17: "I am running late"
    Route(
        "/tickets/{ticket_id:int}/{action}",
        ticket_action,
        methods=["POST"],
        name="api_ticket_action",
    ),
]
