"""Who may read what in the JSON API: the staff check and the public shape of a ticket.

A ticket's token (its phone page, its feedback link) is a secret of the visitor: only the
request that issued the ticket learns it, and a public answer never says whether a ticket is
a priority one (it marks a visitor with limited abilities, §11).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from kezek import db, tokens
from kezek.queue.models import User
from kezek.staff import sessions
from kezek.staff.access import COOKIE
from kezek.web import state

PUBLIC_HIDDEN = ("priority", "status_url")  # never in an answer to an anonymous client


def bearer(request: Request) -> tokens.Grant | None:
    """The grant of a valid ``Authorization: Bearer TOKEN`` of this office (its last use is
    recorded, at most once a minute)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    st = state(request)
    now = st.clock.now()
    with db.reading(st.engine) as session:
        found = tokens.grant(session, token.strip(), now)
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
    with db.reading(st.engine) as session:
        found = sessions.lookup(session, request.cookies.get(COOKIE), st.office_id, st.clock.now())
    return found[1] if found else None


def public(answer: dict[str, Any], *, keep_token: bool = False) -> dict[str, Any]:
    """The answer an anonymous client may see; ``keep_token`` only for the issuing request."""
    hidden = ("priority",) if keep_token else PUBLIC_HIDDEN
    return {key: value for key, value in answer.items() if key not in hidden}


def staff_view(answer: dict[str, Any]) -> dict[str, Any]:
    """Staff see everything but the visitor's token: they never need the phone page."""
    return {key: value for key, value in answer.items() if key != "status_url"}


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
