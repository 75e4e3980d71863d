"""Who asks in the JSON API: a staff token, a console session, or anyone; and the bounded
reading of a body. What each of them may see of a ticket is in ``schemas``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from kezek import db, tokens
from kezek.i18n import N_
from kezek.queue.models import Role, User
from kezek.staff import sessions
from kezek.staff.access import COOKIE, idle_of
from kezek.web import error_json, state


def unauthorized(request: Request) -> Response:
    """401: the API needs a valid staff token here (or a console session where it says so)."""
    return error_json(
        request,
        401,
        "unauthorized",
        N_("A valid staff token is required."),
        headers={"WWW-Authenticate": "Bearer"},
    )


def bearer(request: Request) -> tokens.Grant | None:
    """The grant of a valid ``Authorization: Bearer TOKEN`` of this office (its last use is
    recorded, at most once a minute)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    st = state(request)
    now = st.clock.now()
    found = tokens.find(lambda: db.reading(st.engine), token.strip(), now)
    if found is None or found.user.office_id != st.office_id:
        return None
    if found.stale:
        with db.transaction(st.engine) as session:
            tokens.touch(session, found.token_id, now)
    return found


def bearer_user(request: Request) -> User | None:
    found = bearer(request)
    return found.user if found else None


def staff_reader(request: Request) -> User | None:
    """A staff member by token or by a live console session (reads only: no CSRF needed)."""
    user = bearer_user(request)
    if user is not None:
        return user
    st = state(request)
    raw = request.cookies.get(COOKIE)
    found = sessions.find(st.engine, raw, st.office_id, st.clock.now(), idle_of(st))
    return found[1] if found else None


class TooLarge(Exception):
    """The body is over the route's limit (declared or sent)."""


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused by its Content-Length before a byte is read, and never read past
    ``limit`` whatever the header says (chunked bodies have none)."""
    declared = request.headers.get("content-length", "")
    if declared and (not declared.isascii() or not declared.isdigit() or int(declared) > limit):
        raise TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def supervisor(request: Request) -> tokens.Grant | None | bool:
    """A valid token of a supervisor (or an admin): its grant; None: no valid token (401);
    False: a valid token of a clerk (403). Issue 17: the statistics and the hall message."""
    found = bearer(request)
    if found is None:
        return None
    if sessions.rank(found.user.role) < sessions.rank(Role.supervisor):
        return False
    return found
