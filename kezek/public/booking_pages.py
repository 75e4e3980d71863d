"""The visitor's booking page (§10 pre-registration, issue 18), for a cheap phone: a
service, a day, a free slot (plain GET links, no script needed), then the IIN (POSTed, never
in an address; no phone is asked, as nothing would use it) and the proof-of-work check that
the page's script solves (``kezek.api.challenge``: the same gate and limit per address as
the API), and the result: the booking code, its time, a QR code and the link to manage it."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from kezek import i18n, web
from kezek.api import booking_flow, challenge
from kezek.bookings.rules import NotAllowed
from kezek.intake import iin as iins
from kezek.kiosk import qr
from kezek.public import booking_manage
from kezek.public import booking_views as views
from kezek.queue.errors import QueueError
from kezek.queue.models import Service

UNKNOWN_SERVICE = i18n.N_("There is no such service to book. Choose one from the list.")
BAD_DAY = views.BAD_DAY
BAD_SLOT = i18n.N_("There is no free slot at this time. Choose one from the list.")
FIELDS = {"service": 32, "date": 10, "start": 5, "iin": 20, "altcha": 2000, "lang": 2}
CHOICES = ("service", "date", "start")


def _step(request: Request, params: dict[str, str]) -> tuple[dict[str, Any], str | None]:
    """What the page shows for the choices so far, and the refusal of a bad one."""
    ctx: dict[str, Any] = {"services": views.bookable_services(request), "values": params}
    ctx |= {"service": None, "days": [], "day": None, "slots": [], "start": None}
    code = params.get("service", "")
    if not code:
        return ctx, None
    service = next((s for s in ctx["services"] if s.code == code), None)
    if service is None:
        return ctx, UNKNOWN_SERVICE
    ctx["service"], ctx["days"] = service, views.open_days(request, service)
    raw_day = params.get("date", "")
    if not raw_day:
        return ctx, None
    day = booking_flow.parse_day(raw_day)
    if day is None or raw_day not in {d.iso for d in ctx["days"]}:
        return ctx, BAD_DAY
    ctx["day"], ctx["day_label"] = raw_day, views.day_label(web.lang(request), day)
    ctx["slots"] = [s for s in booking_flow.day_slots(request, service, day) if s.free]
    start = params.get("start", "")
    if not start:
        return ctx, None
    if start not in {s.start for s in ctx["slots"]}:
        return ctx, BAD_SLOT
    ctx["start"] = start
    return ctx, None


def _page(
    request: Request, params: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> Response:
    ctx, refused = _step(request, params)
    if refused:
        errors = {**errors, "step": refused}
    ctx |= {"errors": errors, "lang_links": views.lang_links(request)}
    ctx["challenge_url"] = request.url_for("api_booking_challenge")
    code = 422 if refused and status_code == 200 else status_code
    return web.render(request, "booking/book.html", ctx, status_code=code, headers=views.NO_STORE)


def book_page(request: Request) -> Response:
    """GET /book?service=…&date=…&start=…: each choice a link; the form once all three are made."""
    params = {k: request.query_params.get(k, "")[: FIELDS[k]] for k in CHOICES}
    return _page(request, params, {})


def _typed(form: FormData) -> dict[str, str]:
    return {k: web.clean_text(str(form.get(k, ""))).strip()[:n] for k, n in FIELDS.items()}


def _field_errors(values: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    try:
        iins.validate(values["iin"])
    except iins.IINError as exc:
        errors["iin"] = exc.message
    return errors


async def submit(request: Request) -> Response:
    """POST /book: the IIN and the solved check; the result page, or the form again with
    what was typed and the reason."""
    if web.cross_site(request):
        return booking_manage.forbidden(request)
    values = _typed(await request.form())
    if values.get("lang") in i18n.LANGUAGES:
        request.state.lang = values["lang"]
    errors = _field_errors(values)
    if errors:
        return await run_in_threadpool(_page, request, values, errors, 422)
    return await run_in_threadpool(_book, request, values)


def _book(request: Request, values: dict[str, str]) -> Response:
    ctx, refused = _step(request, values)
    service: Service | None = ctx.get("service")
    if refused or service is None or "start" not in ctx:
        return _page(request, values, {})
    day = booking_flow.parse_day(values["date"])
    assert day is not None  # _step checked it
    try:
        booked = booking_flow.book_for(
            request,
            service,
            day,
            values["start"],
            values["iin"],
            web.lang(request),
            proof=values["altcha"],
        )
    except QueueError as exc:
        field = "altcha" if exc.message == challenge.REFUSED else "form"
        status = exc.status_code if not isinstance(exc, NotAllowed) else 422
        return _page(request, values, {field: web.queue_text(request, exc)}, status)
    done = request.url_for("book_done", code=booked.booking.code)
    target = done.include_query_params(t=booked.token, lang=web.lang(request))
    return RedirectResponse(str(target), status_code=303, headers=views.NO_STORE)


def done_page(request: Request) -> Response:
    """The result: the code (large), the service, the day and time, the QR of the manage link."""
    code, token = request.path_params["code"], request.query_params.get("t", "")
    booking = views.owned(request, code, token)
    if booking is None:
        return booking_manage.forbidden(request)
    views.in_its_language(request, booking)
    link = booking_flow.manage_url(request, booking.code, token)
    ctx = views.shown(request, booking) | {
        "manage_url": link,
        "manage_path": request.url_for("book_manage", code=booking.code).include_query_params(
            t=token
        ),
        "qr": qr.svg(link, i18n.gettext(web.lang(request), "QR code of the booking's link")),
    }
    return web.render(request, "booking/done.html", ctx, headers=views.NO_STORE)


routes: list[BaseRoute] = [
    Route("/book", book_page, methods=["GET"], name="book"),
    Route("/book", submit, methods=["POST"], name="book_submit"),
    Route("/book/done/{code}", done_page, methods=["GET"], name="book_done"),
    *booking_manage.routes,
]
