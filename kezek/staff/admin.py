"""Admin pages: staff users (add, disable, reset password, role), the office profile and
its printers (read-only: the profile is a file, changed by editing it and restarting)."""

from __future__ import annotations

from typing import Any

from sqlmodel import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kezek import auth, db, passwords, web
from kezek.i18n import N_
from kezek.queue.models import Role, User
from kezek.settings import WEEKDAYS
from kezek.staff import sessions
from kezek.staff.access import Staff, staff
from kezek.staff.desk import printer_url

ROLE_NAMES = {
    Role.clerk: N_("clerk"),
    Role.supervisor: N_("supervisor"),
    Role.admin: N_("administrator"),
}


def _page(
    request: Request,
    who: Staff,
    *,
    error: tuple[str, dict[str, Any]] | None = None,
    notice: tuple[str, dict[str, Any]] | None = None,
    status_code: int = 200,
) -> Response:
    st = who.st
    with db.reading(st.engine) as session:
        users = session.exec(
            select(User).where(User.office_id == st.office_id).order_by(User.username)
        ).all()
    return web.render(
        request,
        "staff/admin_users.html",
        {
            "users": users,
            "roles": ROLE_NAMES,
            "error": error,
            "notice": notice,
        },
        status_code=status_code,
    )


@staff(Role.admin)
def users(request: Request, who: Staff) -> Response:
    if request.method == "GET":
        return _page(request, who)
    st = who.st
    password = who.field("password", 256)
    role = who.field("role", 16)
    weak = passwords.weakness(password, who.field("username", 64))
    if weak:
        return _page(request, who, error=(weak, {}), status_code=422)
    if role not in Role.__members__:
        return _page(request, who, error=(N_("Choose a role."), {}), status_code=422)
    try:
        with db.transaction(st.engine) as session:
            auth.create_user(
                session,
                st.office_id,
                who.field("username", 64),
                password,
                role,
                who.field("full_name", 200),
            )
    except auth.AuthError:
        return _page(
            request,
            who,
            error=(
                N_(
                    "This user name is taken or not valid: use 1–64 "
                    "letters, digits, dots or underscores."
                ),
                {},
            ),
            status_code=422,
        )
    return RedirectResponse(request.url_for("staff_admin_users"), status_code=303)


@staff(Role.admin)
def change_user(request: Request, who: Staff) -> Response:
    """Disable or enable, reset the password, change the role. Each ends the user's sessions
    where it takes access away."""
    st = who.st
    user_id = int(request.path_params["user_id"])
    action = who.field("action", 16)
    with db.transaction(st.engine) as session:
        user = session.get(User, user_id)
        if user is None or user.office_id != st.office_id:
            return _page(request, who, error=(N_("No such user."), {}), status_code=404)
        if user.id == who.user_id and action in ("disable", "role"):
            # An admin who locks themselves out leaves the office without one.
            return _page(
                request,
                who,
                error=(N_("You cannot disable yourself or change your own role."), {}),
                status_code=409,
            )
        if action == "disable":
            user.active = False
            sessions.end_all(session, user_id)
        elif action == "enable":
            user.active = True
        elif action == "password":
            password = who.field("password", 256)
            weak = passwords.weakness(password, user.username)
            if weak:
                return _page(request, who, error=(weak, {}), status_code=422)
            auth.set_password(session, user, password)
            sessions.end_all(session, user_id)
        elif action == "role" and who.field("role", 16) in Role.__members__:
            user.role = who.field("role", 16)
            sessions.end_all(session, user_id)
        else:
            return _page(request, who, error=(N_("No such action."), {}), status_code=422)
        session.add(user)
    return _page(request, who, notice=(N_("Saved: %(user)s."), {"user": user.username}))


@staff(Role.admin)
def office(request: Request, who: Staff) -> Response:
    st = who.st
    desk = {code: printer_url(st, code) for code in st.profile.printers.desk}
    weekdays = dict(zip(WEEKDAYS, web.WEEKDAY_NAMES, strict=True))
    return web.render(
        request, "staff/admin_office.html", {"p": st.profile, "desk": desk, "weekdays": weekdays}
    )
