"""The console's part of the clerk's flow (issue 17): pause the point with a reason and
resume it (Alt+P, Alt+U), and bring a no-show back to its queue (Alt+B for the latest).
The same domain functions and ownership rules as the API (``kezek.api.flow``)."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from kezek.queue import ownership, pauses, returns
from kezek.queue.models import ServicePoint, Ticket
from kezek.staff.access import Staff, staff
from kezek.staff.console import _act


@staff()
def pause_point(request: Request, who: Staff) -> Response:
    reason, note = who.field("reason", 16), who.field("note", pauses.MAX_NOTE + 1)
    clock = who.st.clock
    return _act(request, who, lambda s, p, _: pauses.pause(s, clock, p, who.user_id, reason, note))


@staff()
def resume_point(request: Request, who: Staff) -> Response:
    clock = who.st.clock
    return _act(request, who, lambda s, p, _: pauses.resume(s, clock, p))


@staff()
def return_ticket(request: Request, who: Staff) -> Response:
    st = who.st

    def act(session: Session, point: ServicePoint, ticket: Ticket | None) -> Ticket:
        assert ticket is not None
        returns.require_no_show(ticket)
        ownership.may_return(session, st.clock, ticket, who.user)
        window = st.profile.return_window_minutes
        return returns.return_to_queue(session, st.clock, ticket, who.user_id, window)

    return _act(request, who, act, own_ticket=False)
