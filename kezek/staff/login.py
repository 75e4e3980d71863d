"""Log in, log out, change one's own password."""

from __future__ import annotations

import asyncio
import secrets

from sqlmodel import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kezek import auth, db, passwords, web
from kezek.i18n import N_
from kezek.queue.models import ServicePoint, User
from kezek.staff import sessions
from kezek.staff.access import (
    COOKIE,
    LOGIN_COOKIE,
    Staff,
    clear_session_cookie,
    clear_staff_cookie,
    refuse,
    set_session_cookie,
    set_staff_cookie,
    staff,
    staff_path,
)


def _next(request: Request, raw: object) -> str:
    """Only a path inside this office's staff pages: never an open redirect, never into
    another office."""
    home = staff_path(request) + "/"
    if isinstance(raw, str) and raw.startswith(home) and "//" not in raw and "\\" not in raw:
        return raw
    return home


def _page(
    request: Request,
    *,
    message: tuple[str, dict[str, object]] | None = None,
    username: str = "",
    status_code: int = 200,
) -> Response:
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    response = web.render(
        request,
        "staff/login.html",
        {
            "login_token": token,
            "message": message,
            "username": username,
            "next": _next(request, request.query_params.get("next")),
        },
        status_code=status_code,
    )
    set_staff_cookie(response, request, LOGIN_COOKIE, token)
    response.headers["cache-control"] = "no-store"
    return response


async def login(request: Request) -> Response:
    if request.method == "GET":
        return await run_in_threadpool(_page, request)
    form = await request.form()
    response = await run_in_threadpool(_login, request, form)
    delay = getattr(request.state, "login_delay", 0.0)
    if delay:  # a wrong answer for a flooded name comes late; no thread waits for it
        await asyncio.sleep(delay)
    return response


def _login(request: Request, form: FormData) -> Response:
    st = web.state(request)
    sent, expected = form.get("login_token"), request.cookies.get(LOGIN_COOKIE)
    if not (isinstance(sent, str) and expected and secrets.compare_digest(sent, expected)):
        return refuse(
            request,
            N_(
                "This form has expired or did not come from this page. "
                "Reload the page and try again."
            ),
        )
    username = web.clean_text(str(form.get("username") or "")).strip().lower()[:64]
    password = str(form.get("password") or "")[:256]
    address = request.client.host if request.client else "unknown"
    keys = sessions.throttle_keys(username, address)
    now = st.clock.now()
    with db.reading(st.engine) as session:
        block = sessions.blocked(session, keys, now)
    if block is not None:
        return _refused(request, block, username)
    with db.reading(st.engine) as session:
        # The password is checked outside a write transaction: argon2 takes tens of ms.
        user = auth.authenticate(session, username, password) if username else None
    if user is None or user.office_id != st.office_id:
        with db.transaction(st.engine) as session:
            lock = sessions.failed(session, st.office_id, keys, now)
            if username:
                request.state.login_delay = sessions.name_failed(
                    session, st.office_id, username, now
                )
        if lock is not None:
            return _refused(request, lock, username)
        return _page(
            request,
            message=(N_("Wrong user name or password."), {}),
            username=username,
            status_code=401,
        )
    with db.transaction(st.engine) as session:
        sessions.succeeded(session, username, address)
        sessions.end(session, request.cookies.get(COOKIE))  # a new id at every login
        raw, _ = sessions.create(session, user, now)
    response = RedirectResponse(_next(request, form.get("next")), status_code=303)
    set_session_cookie(response, request, raw)
    clear_staff_cookie(response, request, LOGIN_COOKIE)
    return response


def _refused(request: Request, block: sessions.Blocked, username: str) -> Response:
    message: tuple[str, dict[str, object]]
    if block.locked:
        message = (
            N_(
                "Too many failed attempts: logging in with this name or from this "
                "computer is locked for %(minutes)s min. Ask the administrator if the "
                "password is forgotten."
            ),
            {"minutes": (block.seconds + 59) // 60},
        )
    else:
        message = (
            N_("Too many failed attempts. Wait %(seconds)s s and try again."),
            {"seconds": block.seconds},
        )
    response = _page(request, message=message, username=username, status_code=429)
    response.headers["retry-after"] = str(block.seconds)
    return response


@staff()
def logout(request: Request, who: Staff) -> Response:
    st = who.st
    with db.transaction(st.engine) as session:
        sessions.end(session, request.cookies.get(COOKIE))
        # A clerk who leaves frees the cabinet, so wait estimates stop counting it.
        for point in session.exec(
            select(ServicePoint).where(
                ServicePoint.office_id == st.office_id, ServicePoint.clerk_id == who.user_id
            )
        ):
            point.clerk_id, point.opened_at = None, None
            session.add(point)
    response = RedirectResponse(request.url_for("staff_login"), status_code=303)
    clear_session_cookie(response, request)
    return response


@staff()
def password(request: Request, who: Staff) -> Response:
    if request.method == "GET":
        return web.render(request, "staff/password.html", {"errors": {}, "done": False})
    st = who.st
    current, new, again = (
        who.field("current", 256),
        who.field("new", 256),
        who.field("again", 256),
    )
    errors: dict[str, str] = {}
    # The current-password check is a login: the same throttle, per name and address.
    address = request.client.host if request.client else "unknown"
    keys = sessions.throttle_keys(who.user.username, address)
    now = st.clock.now()
    with db.reading(st.engine) as session:
        block = sessions.blocked(session, keys, now)
    if block is not None:
        return _refused(request, block, who.user.username)
    if not auth.verify_password(who.user.password_hash, current):
        errors["current"] = N_("The current password is wrong.")
        with db.transaction(st.engine) as session:
            sessions.failed(session, st.office_id, keys, now)
    weak = passwords.weakness(new, who.user.username)
    if weak:
        errors["new"] = weak
    elif new != again:
        errors["again"] = N_("The two new passwords differ.")
    if errors:
        return web.render(
            request, "staff/password.html", {"errors": errors, "done": False}, status_code=422
        )
    with db.transaction(st.engine) as session:
        user = session.get_one(User, who.user_id)
        auth.set_password(session, user, new)
        # Every other session of this user ends; this one gets a fresh id.
        sessions.end_all(session, who.user_id)
        raw, row = sessions.create(session, user, st.clock.now())
    request.state.csrf_token = row.csrf_token
    response = web.render(request, "staff/password.html", {"errors": {}, "done": True})
    set_session_cookie(response, request, raw)
    return response
