"""Admin pages: staff users (add, disable, reset password, role), the office profile and
its printers (read-only: the profile is a file, changed by editing it and restarting)."""

from __future__ import annotations

from sqlmodel import Session, select
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


def _page(request: Request, who: Staff, said: web.Said = web.Said()) -> Response:
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
            "error": said.error,
            "notice": said.notice,
        },
        status_code=said.status_code,
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
        return _page(request, who, web.refusal(weak, 422))
    if role not in Role.__members__:
        return _page(request, who, web.refusal(N_("Choose a role."), 422))
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
        taken = N_(
            "This user name is taken or not valid: use 1–64 letters, digits, dots or underscores."
        )
        return _page(request, who, web.refusal(taken, 422))
    return RedirectResponse(request.url_for("staff_admin_users"), status_code=303)


@staff(Role.admin)
def change_user(request: Request, who: Staff) -> Response:
    """Disable or enable, reset the password, change the role. Each ends the user's sessions
    where it takes access away; the page is read after the commit."""
    with db.transaction(who.st.engine) as session:
        said = _change(session, who, int(request.path_params["user_id"]), who.field("action", 16))
    return _page(request, who, said)


def _change(session: Session, who: Staff, user_id: int, action: str) -> web.Said:
    user = session.get(User, user_id)
    if user is None or user.office_id != who.st.office_id:
        return web.refusal(N_("No such user."), 404)
    if user.id == who.user_id and action in ("disable", "role"):
        # An admin who locks themselves out leaves the office without one.
        return web.refusal(N_("You cannot disable yourself or change your own role."))
    if action == "disable":
        user.active = False
        sessions.end_all(session, user_id)
    elif action == "enable":
        user.active = True
    elif action == "password":
        password = who.field("password", 256)
        weak = passwords.weakness(password, user.username)
        if weak:
            return web.refusal(weak, 422)
        auth.set_password(session, user, password)
        sessions.end_all(session, user_id)
    elif action == "role" and who.field("role", 16) in Role.__members__:
        user.role = who.field("role", 16)
        sessions.end_all(session, user_id)
    else:
        return web.refusal(N_("No such action."), 422)
    session.add(user)
    return web.notice(N_("Saved: %(user)s."), user=user.username)


@staff(Role.admin)
def office(request: Request, who: Staff) -> Response:
    st = who.st
    desk = {code: printer_url(st, code) for code in st.profile.printers.desk}
    weekdays = dict(zip(WEEKDAYS, web.WEEKDAY_NAMES, strict=True))
    return web.render(
        request, "staff/admin_office.html", {"p": st.profile, "desk": desk, "weekdays": weekdays}
    )
