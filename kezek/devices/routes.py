"""``/device/enrol``: the page an admin opens on a new kiosk, display or feedback tablet to
type its one-time code (issue 14 §2); the answer sets the device's long-lived cookie."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kezek import db, web
from kezek.devices import enrolment, gate
from kezek.i18n import N_

KIND_NAMES = {"kiosk": N_("kiosk"), "display": N_("hall display"), "tablet": N_("feedback tablet")}


def _page(
    request: Request, *, error: str | None = None, enrolled: str = "", status_code: int = 200
) -> Response:
    ctx: dict[str, Any] = {"error": error, "enrolled": enrolled, "kinds": KIND_NAMES}
    device = gate.device(request)
    if device is not None:
        ctx["device"] = device
    return web.render(request, "devices/enrol.html", ctx, status_code=status_code)


def _enrol(request: Request, typed: str) -> Response:
    st = web.state(request)
    key = "enrol:" + (request.client.host if request.client else "unknown")
    if not st.public_limiter.allowed(key):  # guessing codes is slow
        return _page(request, error=N_("Too many attempts: wait a minute."), status_code=429)
    st.public_limiter.record(key)
    with db.transaction(st.engine) as session:
        done = enrolment.enrol(session, st.office_id, typed, st.clock.now())
        if done is not None:
            request.state.device = done[0]
    if done is None:
        error = N_("This code is not valid: it may be mistyped, used or over a day old.")
        return _page(request, error=error, status_code=422)
    response = _page(request, enrolled=done[0].kind)
    gate.set_cookie(response, request, done[1])
    return response


async def enrol_page(request: Request) -> Response:
    if request.method == "GET":
        return await run_in_threadpool(_page, request)
    form = await request.form()
    typed = form.get("code")
    return await run_in_threadpool(
        _enrol, request, web.clean_text(typed)[:64] if isinstance(typed, str) else ""
    )


routes: list[BaseRoute] = [
    Route("/enrol", enrol_page, methods=["GET", "POST"], name="device_enrol"),
]
