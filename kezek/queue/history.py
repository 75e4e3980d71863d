"""The ticket table handles and the history writer shared by the queue moves (the wait rule
lives in ``visits``)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from kezek.queue.events import Event, record
from kezek.queue.models import (
    Service,
    ServicePoint,
    Ticket,
    TicketEvent,
    table_of,
)

_T: sa.Table = table_of(Ticket)
_EVENTS: sa.Table = table_of(TicketEvent)
_SERVICE_CODE = (
    sa.select(table_of(Service).c.code)
    .where(table_of(Service).c.id == _T.c.service_id)
    .scalar_subquery()
)
_POINT_CODE = (
    sa.select(table_of(ServicePoint).c.code)
    .where(table_of(ServicePoint).c.id == _T.c.service_point_id)
    .scalar_subquery()
)


def _event(
    session: Session,
    ticket: Ticket,
    kind: str,
    at: datetime,
    actor_id: int | None,
    codes: tuple[str, str | None],
    detail: str | None = None,
) -> None:
    """Append the change to the history (at the ticket's point) and announce it."""
    assert ticket.id is not None
    inserted = session.connection().execute(
        _EVENTS.insert(),
        {
            "office_id": ticket.office_id,
            "ticket_id": ticket.id,
            "kind": kind,
            "at": at,
            "actor_id": actor_id,
            "service_point_id": ticket.service_point_id,
            "detail": detail,
        },
    )
    record(
        session,
        Event(
            kind=kind,
            office_id=ticket.office_id,
            ticket_id=ticket.id,
            code=ticket.code,
            service=codes[0],
            point=codes[1],
            status=ticket.status,
            id=int(inserted.inserted_primary_key[0]),  # type: ignore[index]
        ),
    )


# A talon's print outcome in two core statements (issue 20: with the ORM's load and unit of
# work it was 0.59 ms in process, now 0.22 ms).
_MARK = (
    sa.update(_T)
    .where(_T.c.id == sa.bindparam("ticket_id"))
    .values(print_status=sa.bindparam("v_status"), print_error=sa.bindparam("v_error"))
    .returning(_T.c.office_id)
)


def mark_printed(session: Session, ticket_id: int, at: datetime, error: str | None) -> None:
    """Record what became of a ticket's talon: printed (``error`` None) or failed, on the
    ticket and in its history (announced to nobody: the screens do not show it)."""
    conn = session.connection()
    status = "printed" if error is None else "failed"
    mark = {"ticket_id": ticket_id, "v_status": status, "v_error": error}
    office_id = conn.execute(_MARK, mark).scalar()
    if office_id is not None:
        conn.execute(
            _EVENTS.insert(),
            {
                "office_id": office_id,
                "ticket_id": ticket_id,
                "kind": "printed" if error is None else "print_failed",
                "at": at,
                "detail": error,
            },
        )
