"""Answers to database failures: 503 with ``Retry-After`` while the database cannot be
reached (refused, shutting down, starting up, busy), 500 otherwise; one log line each.

The log line names the error class and the route, never the SQL parameters (the engine
hides them; a card's IIN and names are parameters); the traceback only at debug level.
A change whose commit was cut off may have committed: the answer says "try again", never
"failed", and a retry with the same request id finds the ticket.
"""

from __future__ import annotations

import logging

from sqlalchemy import exc as sa_exc
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from kezek import i18n, web

log = logging.getLogger("kezek")

RETRY_AFTER = "2"
# PostgreSQL SQLSTATE classes of "not now": 08 connection exception, 57P admin shutdown,
# crash shutdown, cannot connect now (starting up).
_UNAVAILABLE_STATES = ("08", "57P")


def unavailable(exc: BaseException) -> bool:
    """The database is there but cannot answer now: the request may simply be retried."""
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection came free
        return True
    if not isinstance(exc, sa_exc.DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    state = str(getattr(exc.orig, "sqlstate", "") or "")
    if state.startswith(_UNAVAILABLE_STATES):
        return True
    if isinstance(exc, sa_exc.OperationalError):
        text = str(exc.orig)
        if type(exc.orig).__module__.startswith("psycopg"):
            return True  # connection refused, closed, timed out
        return "locked" in text or "busy" in text  # SQLite: another writer holds the lock
    return False


def answer(
    request: Request,
    status_code: int,
    kind: str,
    message: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """JSON under /api, a short text page elsewhere, in the request's language."""
    text = i18n.gettext(web.lang(request), message)
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {"error": kind, "message": text}, status_code=status_code, headers=headers
        )
    return HTMLResponse(text, status_code=status_code, headers=headers)


async def database_error(request: Request, exc: Exception) -> Response:
    """Any SQLAlchemy error that reached the app: logged once, answered clearly."""
    where = f"{request.method} {request.url.path}"  # the path only: queries may carry data
    if unavailable(exc):
        log.warning("database unavailable on %s: %s", where, type(exc).__name__)
        log.debug("database unavailable on %s", where, exc_info=exc)
        return answer(
            request,
            503,
            "busy",
            i18n.N_("The system is busy. Please try again."),
            {"Retry-After": RETRY_AFTER},
        )
    log.error("database error on %s: %s", where, type(exc).__name__)
    log.debug("database error on %s", where, exc_info=exc)
    return answer(request, 500, "server_error", i18n.N_("Something went wrong. Please try again."))
