"""A ticket as the API answers it (who may see which keys: the models of ``kezek.api.schemas``)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request

from kezek.queue import estimate_inputs
from kezek.queue.estimate_inputs import Counted
from kezek.queue.models import Service, Ticket
from kezek.web import State, public_base, state


def ticket_json(
    request: Request, session: Session, ticket: Ticket, counted: Counted | None = None
) -> dict[str, Any]:
    """A ticket's answer; ``counted``: its place and quote, when the caller has them."""
    st = state(request)
    service = st.service_by_id(ticket.service_id) or session.get_one(Service, ticket.service_id)
    point = st.point_by_id(ticket.service_point_id)
    est, ranged = counted or count(session, st, ticket)
    return {
        "id": ticket.id,
        "code": ticket.code,
        "service": service.code,
        "priority": ticket.priority,
        "lang": ticket.lang,
        "issued_at": ticket.issued_at.isoformat() if ticket.issued_at else None,
        "called_at": ticket.called_at.isoformat() if ticket.called_at else None,
        "status": ticket.status,
        "service_point": point.code if point else None,
        "recall_count": ticket.recall_count,
        "position": est.position if est else None,
        "estimated_wait_minutes": est.minutes if est else None,
        "estimate_low_min": ranged.low_min if ranged else None,  # issue 19: the range
        "estimate_high_min": ranged.high_min if ranged else None,
        "status_url": status_url(request, ticket.public_token),
    }


def count(session: Session, st: State, ticket: Ticket) -> Counted:
    """A ticket's place and wait in the office's call order, and its quoted range."""
    return estimate_inputs.counted(session, st.clock, ticket, st.call_order, st.estimate_rates)


def status_url(request: Request, token: str) -> str:
    """The phone page of a ticket (built by hand: ``url_for`` walks every mount per call)."""
    return f"{public_base(request)}/t/{token}"
