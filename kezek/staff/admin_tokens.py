"""Admin pages: API tokens (issue 14 §5), the same as ``kezek token create|list|revoke``.

A new token is shown once, on the answer to the form that made it; only its hash is kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import select
from starlette.requests import Request
from starlette.responses import Response

from kezek import db, tokens, web
from kezek.i18n import N_
from kezek.queue.models import Role, User
from kezek.staff.access import Staff, staff
from kezek.web_bounds import number


def _page(
    request: Request,
    who: Staff,
    *,
    error: tuple[str, dict[str, Any]] | None = None,
    notice: tuple[str, dict[str, Any]] | None = None,
    secret: str | None = None,
    status_code: int = 200,
) -> Response:
    st = who.st
    with db.reading(st.engine) as session:
        rows = [
            {
                "id": token.id,
                "user": user.username,
                "scope": token.points.replace(",", ", "),
                "expires": local_time(st, token.expires_at),
                "used": local_time(st, token.last_used_at),
            }
            for token, user in tokens.listed(session, st.office_id)
        ]
        users = session.exec(
            select(User)
            .where(User.office_id == st.office_id, User.active == True)  # noqa: E712
            .order_by(User.username)
        ).all()
    ctx = {
        "rows": rows,
        "users": users,
        "points": sorted(st.points),
        "default_days": tokens.DEFAULT_DAYS,
        "max_days": tokens.MAX_DAYS,
        "secret": secret,
        "error": error,
        "notice": notice,
    }
    return web.render(request, "staff/admin_tokens.html", ctx, status_code=status_code)


def local_time(st: web.State, at: datetime | None) -> str:
    return at.astimezone(st.clock.schedule.zone).strftime("%d.%m.%Y %H:%M") if at else ""


@staff(Role.admin)
def tokens_page(request: Request, who: Staff) -> Response:
    if request.method == "GET":
        return _page(request, who)
    st = who.st
    days = number(who.field("days", 8), low=1, high=tokens.MAX_DAYS)
    if days is None:
        error = N_("A token lives 1 to %(days)s days.")
        return _page(request, who, error=(error, {"days": tokens.MAX_DAYS}), status_code=422)
    chosen = [code for code in who.form.getlist("points") if isinstance(code, str)]
    user_id = number(who.field("user", 12), high=2**31 - 1)
    try:
        with db.transaction(st.engine) as session:
            user = session.get(User, user_id) if user_id else None
            if user is None or user.office_id != st.office_id:
                return _page(request, who, error=(N_("No such user."), {}), status_code=422)
            made = tokens.create(
                session, user, days=days, points=",".join(chosen), now=st.clock.now()
            )
    except tokens.TokenError:
        return _page(request, who, error=(N_("No such service point."), {}), status_code=422)
    return _page(request, who, secret=made.secret, status_code=201)


@staff(Role.admin)
def revoke(request: Request, who: Staff) -> Response:
    st = who.st
    token_id = int(request.path_params["token_id"])
    with db.transaction(st.engine) as session:
        done = tokens.revoke(session, st.office_id, token_id)
    if not done:
        return _page(request, who, error=(N_("No such token."), {}), status_code=404)
    return _page(request, who, notice=(N_("Token %(id)s is revoked."), {"id": token_id}))
