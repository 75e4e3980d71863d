"""A visit's next row: the same visitor waits in a queue again, with the same code and the
row before as its parent (a transfer after a call, a no-show's return). One place builds
it, so both keep every column the visit carries."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlmodel import Session

from kezek.queue import loaded
from kezek.queue.calls import _insert
from kezek.queue.history import _event
from kezek.queue.models import Service, Status, Ticket


def next_row(
    session: Session,
    ticket: Ticket,
    service: Service,
    issued_at: datetime | None,
    at: datetime,
    actor_id: int | None,
    detail: str,
) -> Ticket:
    """Write the waiting row that follows ``ticket`` in ``service``'s queue, issued at
    ``issued_at`` (where it stands in the call order), and its "issued" event at ``at``."""
    assert service.id is not None
    child = Ticket(
        office_id=ticket.office_id,
        service_id=service.id,
        business_day=ticket.business_day,
        number=ticket.number,
        code=ticket.code,
        priority=ticket.priority,
        lang=ticket.lang,
        status=Status.waiting,
        issued_at=issued_at,
        target_wait_minutes=ticket.target_wait_minutes,
        parent_id=ticket.id,
        public_token=secrets.token_urlsafe(24),
        print_status=ticket.print_status,
    )
    loaded.attach(session, _insert(session, child))
    _event(session, child, "issued", at, actor_id, (service.code, None), detail)
    return child
