"""The clerk's flow in the JSON API (issue 17): pause and resume a service point, return a
no-show to its queue. The same rules as the console: a point is paused by whoever sits at
it (claimed for the day), a no-show comes back by its clerk or a supervisor
(``ownership.may_return``)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kezek import db
from kezek.api import guards, schemas
from kezek.api.shape import ticket_json
from kezek.i18n import N_
from kezek.queue import ownership, pauses, returns
from kezek.queue.errors import QueueError
from kezek.queue.models import ServicePoint, Ticket
from kezek.web import clean_text, error_json, queue_error, state


def point_state(session: Session, point: ServicePoint) -> dict[str, Any]:
    row = pauses.open_pause(session, point.id)
    return {
        "point": point.code,
        "paused": row is not None,
        "reason": row.reason if row else None,
        "note": row.note if row else None,
        "since": row.started_at.isoformat() if row and row.started_at else None,
    }


def _at_point(request: Request, body: schemas.PauseIn | None) -> Response:
    grant = guards.bearer(request)
    if grant is None:
        return guards.unauthorized(request)
    st = state(request)
    point = st.points.get(request.path_params["code"])
    if point is None or point.id is None:
        return error_json(request, 404, "not_found", N_("No such service point."))
    user_id = grant.user.id or 0
    try:
        with db.transaction(st.engine, st.broker) as session:
            mine = ownership.claim(session, st.clock, point.id, user_id, grant.points)
            if body is None:
                pauses.resume(session, st.clock, mine)
            else:
                note = clean_text(body.note) if body.note is not None else None
                pauses.pause(session, st.clock, mine, user_id, body.reason, note)
    except QueueError as exc:
        return queue_error(request, exc)
    with db.reading(st.engine) as session:
        return JSONResponse(schemas.view(schemas.PointState, point_state(session, point)))


async def pause(request: Request) -> Response:
    grant = await run_in_threadpool(guards.bearer, request)  # who asks, before what is asked
    if grant is None:
        return guards.unauthorized(request)
    body = await schemas.parse(request, schemas.PauseIn)
    if isinstance(body, Response):
        return body
    return await run_in_threadpool(_at_point, request, body)


def resume(request: Request) -> Response:
    return _at_point(request, None)


def return_ticket(request: Request) -> Response:
    """A no-show back in its queue, within the profile's window: 200 with the new row."""
    grant = guards.bearer(request)
    if grant is None:
        return guards.unauthorized(request)
    st = state(request)
    raw = request.path_params["ticket_id"]
    try:
        with db.transaction(st.engine, st.broker) as session:
            ticket = session.get(Ticket, raw) if 0 < raw < 2**31 else None
            if ticket is None or ticket.office_id != st.office_id:
                return error_json(request, 404, "not_found", N_("No such ticket."))
            returns.require_no_show(ticket)
            ownership.may_return(session, st.clock, ticket, grant.user, grant.points)
            window = st.profile.return_window_minutes
            back = returns.return_to_queue(session, st.clock, ticket, grant.user.id, window)
    except QueueError as exc:
        return queue_error(request, exc)
    with db.reading(st.engine) as session:
        return JSONResponse(schemas.view(schemas.Ticket, ticket_json(request, session, back)))


routes = [
    Route("/service-points/{code}/pause", pause, methods=["POST"], name="api_pause"),
    Route("/service-points/{code}/resume", resume, methods=["POST"], name="api_resume"),
    Route("/tickets/{ticket_id:int}/return", return_ticket, methods=["POST"], name="api_return"),
]
