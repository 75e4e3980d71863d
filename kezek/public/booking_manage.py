"""The page of one booking, by the link the visitor was given (``/book/manage/{code}?t=…``,
the API's ``manage_url``): what is booked and its status, cancelling it (a confirmation,
then a POST with the token) and moving it to another free slot of the same service. The
token is the capability; without it (or with another one) the page says only 403."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from kezek import db, i18n, web
from kezek.api import booking_flow
from kezek.bookings import book
from kezek.bookings.models import Booking, BookingStatus
from kezek.bookings.rules import NotAllowed
from kezek.public import booking_views as views
from kezek.queue.errors import NotFound, QueueError


def forbidden(request: Request) -> Response:
    """Wrong or missing token: nothing about the booking, in the page's language."""
    ctx = {"lang_links": views.lang_links(request)}
    return web.render(
        request, "booking/forbidden.html", ctx, status_code=403, headers=views.NO_STORE
    )


def _manage_link(request: Request, booking: Booking, token: str, **extra: str) -> str:
    url = request.url_for("book_manage", code=booking.code).include_query_params(t=token, **extra)
    return str(url)


def _ctx(request: Request, booking: Booking, token: str) -> dict[str, object]:
    return views.shown(request, booking) | {
        "token": token,
        "open": booking.status == BookingStatus.booked,
        "manage_path": _manage_link(request, booking, token),
        "error": "",
        "said": "",
    }


def manage_page(request: Request) -> Response:
    token = request.query_params.get("t", "")
    booking = views.owned(request, request.path_params["code"], token)
    if booking is None:
        return forbidden(request)
    views.in_its_language(request, booking)
    ctx = _ctx(request, booking, token) | {"said": request.query_params.get("said", "")[:10]}
    return web.render(request, "booking/manage.html", ctx, headers=views.NO_STORE)


def cancel_page(request: Request) -> Response:
    """The confirmation: "Cancel this booking?" — Yes (a POST) or No (back)."""
    token = request.query_params.get("t", "")
    booking = views.owned(request, request.path_params["code"], token)
    if booking is None:
        return forbidden(request)
    views.in_its_language(request, booking)
    return web.render(
        request, "booking/cancel.html", _ctx(request, booking, token), headers=views.NO_STORE
    )


async def _token(request: Request) -> tuple[str, dict[str, str]]:
    form = await request.form()
    fields = {k: str(form.get(k, ""))[:64] for k in ("t", "date", "start", "lang")}
    if fields["lang"] in i18n.LANGUAGES:
        request.state.lang = fields["lang"]
    return fields["t"], fields


def _cancel(request: Request, token: str) -> Response:
    st = web.state(request)
    code = request.path_params["code"][:16]
    if views.owned(request, code, token) is None:
        return forbidden(request)
    try:
        with db.transaction(st.engine, st.broker) as session:
            booking = book.owned(session, st.office_id, code, token)
            book.cancel(session, st.clock, st.booking_rules, booking)
    except QueueError as exc:
        return _refused(request, code, token, web.queue_text(request, exc), exc.status_code)
    target = _manage_link(request, booking, token, said="cancelled", lang=web.lang(request))
    return RedirectResponse(target, status_code=303, headers=views.NO_STORE)


async def cancel(request: Request) -> Response:
    if web.cross_site(request):
        return forbidden(request)
    token, _ = await _token(request)
    return await run_in_threadpool(_cancel, request, token)


def _refused(request: Request, code: str, token: str, message: str, status: int) -> Response:
    booking = views.owned(request, code, token)
    if booking is None:
        return forbidden(request)
    ctx = _ctx(request, booking, token) | {"error": message, "said": ""}
    return web.render(request, "booking/manage.html", ctx, status_code=status)


def _move_ctx(request: Request, booking: Booking, token: str) -> dict[str, object] | str:
    """The days of the booking's service, and the free slots of the chosen one."""
    st = web.state(request)
    service = st.service_by_id(booking.service_id)
    if service is None:
        return views.BAD_SERVICE
    days = views.open_days(request, service)
    ctx = _ctx(request, booking, token) | {"days": days, "day": None, "slots": []}
    raw = request.query_params.get("date", "")[:10]
    if not raw:
        return ctx
    day = booking_flow.parse_day(raw)
    if day is None or raw not in {d.iso for d in days}:
        return ctx | {"error": i18n.gettext(web.lang(request), views.BAD_DAY)}
    found = [s for s in booking_flow.day_slots(request, service, day) if s.free]
    return ctx | {"day": raw, "day_label": views.day_label(web.lang(request), day), "slots": found}


def move_page(request: Request) -> Response:
    token = request.query_params.get("t", "")
    booking = views.owned(request, request.path_params["code"], token)
    if booking is None:
        return forbidden(request)
    views.in_its_language(request, booking)
    ctx = _move_ctx(request, booking, token)
    if isinstance(ctx, str):
        return _refused(request, booking.code, token, i18n.gettext(web.lang(request), ctx), 409)
    status = 422 if ctx["error"] else 200
    return web.render(request, "booking/move.html", ctx, status_code=status, headers=views.NO_STORE)


def _move(request: Request, fields: dict[str, str]) -> Response:
    code, token = request.path_params["code"][:16], fields["t"]
    day = booking_flow.parse_day(fields["date"])
    if views.owned(request, code, token) is None:
        return forbidden(request)
    try:
        if day is None:
            raise NotAllowed(views.BAD_DAY)
        moved = booking_flow.move_for(request, code, token, day, fields["start"][:5])
    except NotFound:
        return forbidden(request)
    except QueueError as exc:
        status = 422 if exc.status_code == 422 else 409
        return _refused(request, code, token, web.queue_text(request, exc), status)
    target = _manage_link(request, moved, token, said="moved", lang=web.lang(request))
    return RedirectResponse(target, status_code=303, headers=views.NO_STORE)


async def move(request: Request) -> Response:
    if web.cross_site(request):
        return forbidden(request)
    _, fields = await _token(request)
    return await run_in_threadpool(_move, request, fields)


routes: list[BaseRoute] = [
    Route("/book/manage/{code}", manage_page, methods=["GET"], name="book_manage"),
    Route("/book/manage/{code}/cancel", cancel_page, methods=["GET"], name="book_cancel_page"),
    Route("/book/manage/{code}/cancel", cancel, methods=["POST"], name="book_cancel"),
    Route("/book/manage/{code}/move", move_page, methods=["GET"], name="book_move_page"),
    Route("/book/manage/{code}/move", move, methods=["POST"], name="book_move"),
]
