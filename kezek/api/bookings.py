"""The booking API (§10 pre-registration, issue 18): the day's slots, a booking behind the
proof of work and the limit per address, its cancelling by the manage token, the check-in
from an enrolled kiosk. Messages in the request's language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kezek import db
from kezek.api import booking_flow, challenge, guards, schemas
from kezek.api.issue import unknown_service
from kezek.api.schemas import BookingIn, CancelIn, MoveIn, parse
from kezek.api.shape import ticket_json
from kezek.bookings import book
from kezek.bookings.models import Booking
from kezek.bookings.rules import OutsideWindow
from kezek.devices import gate
from kezek.i18n import N_
from kezek.queue.errors import QueueError
from kezek.web import error_json, lang, queue_error, queue_params, state

BAD_DAY = N_("The date is not valid: expected YYYY-MM-DD.")
NEEDS_LINK = N_("This booking's link is needed.")


def get_slots(request: Request) -> Response:
    st = state(request)
    code = request.query_params.get("service", "")
    service = st.services.get(code)
    if service is None:
        return unknown_service(request, code[:40])
    day = booking_flow.parse_day(request.query_params.get("date", ""))
    if day is None:
        return error_json(request, 422, "invalid", BAD_DAY, field="date")
    found = booking_flow.day_slots(request, service, day)
    return JSONResponse([{"start": s.start, "end": s.end, "free": s.free} for s in found])


def get_challenge(request: Request) -> Response:
    return JSONResponse(challenge.issue(request), headers={"Cache-Control": "no-store"})


def _booked(request: Request, b: Booking, token: str) -> dict[str, Any]:
    service = state(request).service_by_id(b.service_id)
    return {
        "code": b.code,
        "service": service.code if service else "",
        "date": b.day.isoformat(),
        "start": booking_flow.hhmm(request, b.start),
        "manage_url": booking_flow.manage_url(request, b.code, token),
    }


async def post_booking(request: Request) -> Response:
    body = await parse(request, BookingIn)
    if isinstance(body, Response):
        return body
    return await run_in_threadpool(_book, request, body)


def _book(request: Request, body: BookingIn) -> Response:
    if body.lang:  # the visitor's language: the answer's too
        request.state.lang = body.lang
    st = state(request)
    service = st.services.get(body.service)
    if service is None:
        return unknown_service(request, body.service)
    day = booking_flow.parse_day(body.date)
    if day is None:
        return error_json(request, 422, "invalid", BAD_DAY, field="date")
    staff = guards.bearer_user(request)
    try:
        booked = booking_flow.book_for(
            request,
            service,
            day,
            body.start,
            body.iin,
            body.lang or lang(request),
            proof=body.challenge,
            clerk_id=staff.id if staff else None,
        )
    except QueueError as exc:
        return _refused(request, exc)
    return JSONResponse(
        schemas.view(schemas.Booking, _booked(request, booked.booking, booked.token)),
        status_code=201,
    )


def _refused(request: Request, exc: QueueError) -> Response:
    headers = {"Retry-After": str(exc.params["seconds"])} if exc.status_code == 429 else None
    answer = queue_error(request, exc)
    if headers:
        answer.headers.update(headers)
    return answer


async def cancel(request: Request) -> Response:
    body = await parse(request, CancelIn)
    if isinstance(body, Response):
        return body
    return await run_in_threadpool(_cancel, request, body.token)


def _cancel(request: Request, token: str) -> Response:
    st = state(request)
    code = request.path_params["code"][:16]
    try:
        with db.transaction(st.engine, st.broker) as session:
            booking = booking_flow.owned(session, request, code, token)
            book.cancel(session, st.clock, st.booking_rules, booking)
    except QueueError as exc:
        if exc.status_code == 404:  # a code without its token: not this client's
            return error_json(request, 403, "forbidden", NEEDS_LINK)
        return queue_error(request, exc)
    return JSONResponse({"code": booking.code, "status": booking.status})


async def move(request: Request) -> Response:
    body = await parse(request, MoveIn)
    if isinstance(body, Response):
        return body
    return await run_in_threadpool(_move, request, body)


def _move(request: Request, body: MoveIn) -> Response:
    day = booking_flow.parse_day(body.date)
    if day is None:
        return error_json(request, 422, "invalid", BAD_DAY, field="date")
    code = request.path_params["code"][:16]
    try:
        moved = booking_flow.move_for(request, code, body.token, day, body.start)
    except QueueError as exc:
        if exc.status_code == 404:  # a code without its token: not this client's
            return error_json(request, 403, "forbidden", NEEDS_LINK)
        return queue_error(request, exc)
    return JSONResponse(schemas.view(schemas.Booking, _booked(request, moved, body.token)))


def check_in(request: Request) -> Response:
    if gate.device(request, "kiosk") is None:
        return error_json(request, 403, "forbidden", N_("Check-in is at the office's kiosk."))
    booking = booking_flow.find(request, request.path_params["code"][:16])
    if booking is None:
        return error_json(request, 404, "not_found", N_("No such booking."))
    try:
        ticket = booking_flow.check_in(request, booking)
    except OutsideWindow as exc:
        opens = exc.params.get("opens")
        return error_json(
            request,
            409,
            exc.kind,
            exc.message,
            params=queue_params(lang(request), exc),
            opens=opens.isoformat() if isinstance(opens, datetime) else None,
        )
    except QueueError as exc:
        return queue_error(request, exc)
    with db.reading(state(request).engine) as session:
        answer = schemas.view(schemas.IssuedTicket, ticket_json(request, session, ticket))
    return JSONResponse(answer, status_code=201)


routes = [
    Route("/slots", get_slots, name="api_slots"),
    Route("/bookings/challenge", get_challenge, name="api_booking_challenge"),
    Route("/bookings", post_booking, methods=["POST"], name="api_book"),
    Route("/bookings/{code}/cancel", cancel, methods=["POST"], name="api_booking_cancel"),
    Route("/bookings/{code}/move", move, methods=["POST"], name="api_booking_move"),
    Route("/bookings/{code}/check-in", check_in, methods=["POST"], name="api_booking_check_in"),
]
