"""Who may do what under /staff: the session cookie, the CSRF check and the role check.

Every staff endpoint is wrapped by ``staff(role)``. The wrapper reads the form in the event
loop, checks the session, the office, the CSRF token (state-changing methods) and the role in
the thread pool, puts the user and the token on ``request.state`` (base.html renders the
token into ``<meta name="csrf-token">``; staff.js sends it as a header on htmx requests), then
runs the endpoint — a sync endpoint in the thread pool. A refused page is a 403 page, never
only a hidden link.
"""

from __future__ import annotations

import functools
import inspect
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kezek import db, web
from kezek.i18n import N_
from kezek.queue.models import Role, User
from kezek.staff import sessions

COOKIE = "kezek_staff"
LOGIN_COOKIE = "kezek_login_csrf"  # double-submit token of the login form (no session yet)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = ("GET", "HEAD")


@dataclass
class Staff:
    """What a staff endpoint gets besides the request."""

    user: User
    csrf: str
    form: FormData
    st: web.State

    @property
    def user_id(self) -> int:
        assert self.user.id is not None
        return self.user.id

    def field(self, name: str, limit: int = 1000) -> str:
        value = self.form.get(name)
        return web.clean_text(value)[:limit] if isinstance(value, str) else ""

    def may(self, role: Role) -> bool:
        return sessions.rank(self.user.role) >= sessions.rank(role)


Handler = Callable[[Request, Staff], Any]


def staff_path(request: Request) -> str:
    """Where this office's staff pages live: /staff, or /o/<slug>/staff for another office."""
    return web.root(request) + "/staff"


def set_staff_cookie(response: Response, request: Request, name: str, value: str) -> None:
    """Every staff cookie: this office's staff pages only (another office under /o/<slug>/
    never gets it), not readable by scripts, not sent cross-site."""
    response.set_cookie(
        name,
        value,
        path=staff_path(request),
        httponly=True,
        samesite="lax",
        secure=web.state(request).settings.secure_cookies,
    )


def set_session_cookie(response: Response, request: Request, raw: str) -> None:
    set_staff_cookie(response, request, COOKIE, raw)


def clear_staff_cookie(response: Response, request: Request, name: str = COOKIE) -> None:
    response.delete_cookie(
        name,
        path=staff_path(request),
        httponly=True,
        samesite="lax",
        secure=web.state(request).settings.secure_cookies,
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    clear_staff_cookie(response, request, COOKIE)


def login_url(request: Request) -> str:
    path = request.url.path
    target = str(request.url_for("staff_login"))
    return f"{target}?next={quote(path)}" if request.method in SAFE_METHODS else target


def refuse(request: Request, message: str, status_code: int = 403) -> Response:
    """The 403 page (or its fragment for htmx, so the refusal shows where the click was)."""
    ctx = {"message": message}
    if web.is_htmx(request):
        return web.render(
            request,
            "staff/forbidden.html",
            ctx,
            status_code=status_code,
            block="refusal",
            headers={"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"},
        )
    return web.render(request, "staff/forbidden.html", ctx, status_code=status_code)


def _anonymous(request: Request) -> Response:
    url = login_url(request)
    if web.is_htmx(request):
        # A boosted click (a menu link) is navigation: no error, the page goes to the login;
        # a fragment's request (a poll after the session ended) says why it got no fragment.
        boosted = request.headers.get("hx-boosted") == "true"
        return Response(status_code=200 if boosted else 401, headers={"HX-Redirect": url})
    if request.method in SAFE_METHODS:
        return RedirectResponse(url, status_code=303)
    return refuse(request, N_("Your session has ended. Log in again."), 401)


STREAM_PATH = "/staff/events"


def idle_of(st: web.State) -> timedelta:
    return timedelta(minutes=st.profile.staff_idle_minutes)


def _has_session(request: Request) -> bool:
    st = web.state(request)
    raw = request.cookies.get(COOKIE)
    return sessions.find(st.engine, raw, st.office_id, st.clock.now(), idle_of(st)) is not None


def _authenticate(request: Request, form: FormData, role: Role) -> Staff | Response:
    st = web.state(request)
    now = st.clock.now()
    raw = request.cookies.get(COOKIE)
    found = sessions.find(st.engine, raw, st.office_id, now, idle_of(st))
    if found is None:
        return _anonymous(request)
    row, user = found
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
        if not isinstance(sent, str) or not secrets.compare_digest(sent, row.csrf_token):
            return refuse(
                request,
                N_(
                    "This form has expired or did not come from this page. "
                    "Reload the page and try again."
                ),
            )
    request.state.user = user
    request.state.idle_seconds = st.profile.staff_idle_minutes * 60  # the page's warning
    request.state.csrf_token = row.csrf_token
    if sessions.rank(user.role) < sessions.rank(role):
        return refuse(request, N_("Your role does not allow this page or action."))
    # The live stream is not a user action: it must not keep an abandoned desk logged in.
    if sessions.needs_touch(row, now) and not request.url.path.endswith(STREAM_PATH):
        with db.transaction(st.engine) as session:
            sessions.touch(session, row.id_hash, now)
        row.last_seen_at = now  # the cached copy too
    return Staff(user=user, csrf=row.csrf_token, form=form, st=st)


def staff(role: Role = Role.clerk) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap an endpoint ``fn(request, staff)`` with the session, CSRF and role checks."""

    def decorate(fn: Handler) -> Callable[[Request], Awaitable[Response]]:
        is_async = inspect.iscoroutinefunction(fn)

        @functools.wraps(fn)
        async def endpoint(request: Request) -> Response:
            form = FormData()
            if request.method not in SAFE_METHODS:
                # Who asks, before what is sent: an anonymous upload is never parsed.
                if not await run_in_threadpool(_has_session, request):
                    return _anonymous(request)
                form = await request.form()
            checked = await run_in_threadpool(_authenticate, request, form, role)
            if isinstance(checked, Response):
                response = checked
            elif is_async:
                response = await fn(request, checked)
            else:
                response = await run_in_threadpool(fn, request, checked)
            # Pages with personal data must not stay in the browser's cache (§18.2).
            response.headers.setdefault("cache-control", "no-store")
            return response

        endpoint.role = role  # type: ignore[attr-defined]  # the route table test reads it
        return endpoint

    return decorate
