"""The visitor's own action in the JSON API, by the ticket's secret token (issue 17):
"I am running late" (``kezek.queue.late``). Whoever holds the token (the talon's QR code)
may do it, as on the phone page."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kezek import db
from kezek.api import schemas
from kezek.api.shape import ticket_json
from kezek.i18n import N_
from kezek.queue import late, reads
from kezek.queue.errors import QueueError
from kezek.queue.models import Ticket
from kezek.web import error_json, queue_error, state

TOKEN = {
    "name": "token",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "minLength": 16, "maxLength": 64},
}


def _by_token(session: Session, token: str, office_id: int) -> Ticket | None:
    if not (16 <= len(token) <= 64 and token.isascii() and token.isprintable()):
        return None
    first = session.exec(select(Ticket).where(Ticket.public_token == token)).first()
    ticket = reads.latest(session, first) if first else None
    return ticket if ticket is not None and ticket.office_id == office_id else None


def running_late(request: Request) -> Response:
    """200 with the ticket at its new place; 409 when refused (used, past the target)."""
    st = state(request)
    try:
        with db.transaction(st.engine, st.broker) as session:
            ticket = _by_token(session, request.path_params["token"], st.office_id)
            if ticket is None:
                return error_json(request, 404, "not_found", N_("No such ticket."))
            late.run_late(session, st.clock, ticket, st.call_order, st.profile.late_places)
            ticket_id = ticket.id
    except QueueError as exc:
        return queue_error(request, exc)
    with db.reading(st.engine) as session:
        moved = session.get_one(Ticket, ticket_id)
        return JSONResponse(
            schemas.view(schemas.PublicTicket, ticket_json(request, session, moved))
        )


def paths() -> dict[str, Any]:
    """Its part of the OpenAPI document."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    public = {"application/json": {"schema": {"$ref": "#/components/schemas/PublicTicket"}}}
    return {
        "/api/tickets/by-token/{token}/late": {
            "post": {
                "summary": '"I am running late": the waiting ticket moves back the profile\'s '
                "late_places places, once, while the visit's wait so far plus the estimated "
                "wait at the new place stays within its target",
                "parameters": [TOKEN],
                "responses": {
                    "200": {"description": "the ticket at its new place", "content": public},
                    "404": {"description": "no such ticket", "content": error},
                    "409": {
                        "description": "not waiting, used already, nobody behind, or it "
                        "would wait past its target",
                        "content": error,
                    },
                },
            }
        }
    }


routes = [
    Route("/tickets/by-token/{token}/late", running_late, methods=["POST"], name="api_late"),
]
