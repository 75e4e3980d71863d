"""The supervisor's "Hall notice" tab (issue 17): post a notice to the hall displays in
Kazakh and Russian (English optional) for some minutes, or withdraw the one shown. The same
rules as ``POST /api/displays/message`` (``kezek.queue.hall``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kezek import db, web, web_bounds
from kezek.queue import hall
from kezek.queue.errors import QueueError
from kezek.queue.models import Role
from kezek.staff.access import Staff, staff


def _show(
    request: Request, error: str | None = None, form: dict[str, str] | None = None
) -> Response:
    st = web.state(request)
    with db.reading(st.engine) as session:
        shown = hall.current(session, st.office_id, st.clock.now())
    until = st.clock.local(shown.expires_at).strftime("%H:%M") if shown else ""
    ctx = {
        "nav": "hall",
        "shown": shown,
        "until": until,
        "error": error,
        "form": form or {"minutes": "30"},
        "max_text": hall.MAX_TEXT,
        "low": hall.MIN_MINUTES,
        "high": hall.MAX_MINUTES,
        "done": request.query_params.get("done", "")[:10],
    }
    return web.render(request, "supervisor/hall.html", ctx, status_code=422 if error else 200)


@staff(Role.supervisor)
def hall_page(request: Request, who: Staff) -> Response:
    if request.method != "POST":
        return _show(request)
    st = web.state(request)
    form = {lang: who.field(lang, hall.MAX_TEXT + 1) for lang in hall.LANGUAGES}
    form["minutes"] = who.field("minutes", 5)
    minutes = web_bounds.number(form["minutes"], low=0, high=100_000)
    try:
        with db.transaction(st.engine, st.broker) as session:
            hall.post(
                session,
                st.clock,
                st.office_id,
                form,
                -1 if minutes is None else minutes,
                who.user_id,
            )
    except QueueError as exc:
        return _show(request, web.queue_text(request, exc), form)
    return RedirectResponse(f"{request.url_for('supervisor_hall')}?done=posted", status_code=303)


@staff(Role.supervisor)
def hall_withdraw(request: Request, who: Staff) -> Response:
    st = web.state(request)
    try:
        with db.transaction(st.engine, st.broker) as session:
            hall.withdraw(session, st.clock, st.office_id)
    except QueueError as exc:
        return _show(request, web.queue_text(request, exc))
    return RedirectResponse(f"{request.url_for('supervisor_hall')}?done=withdrawn", status_code=303)
