"""The guarded moves of a ticket (UPDATE … RETURNING): call a chosen one, recall, start,
finish, no-show, cancel, transfer, and closing a day."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from kezek.i18n import N_
from kezek.queue import pauses, visits
from kezek.queue.calls import (
    _check_free,
    _check_point_serves,
    _require,
    call_next,
    in_hand,
)
from kezek.queue.clock import Clock
from kezek.queue.errors import InvalidInput
from kezek.queue.history import _POINT_CODE, _SERVICE_CODE, _T, _event
from kezek.queue.models import (
    IN_HAND,
    Service,
    ServicePoint,
    Status,
    Ticket,
)
from kezek.queue.next_row import next_row
from kezek.queue.order import PLAIN, CallOrder

_MOVES: dict[tuple[object, ...], sa.Update] = {}


def _move(kind: str, values: Mapping[str, Any]) -> sa.Update:
    """The ``UPDATE`` of a move, built once per shape. A kind always writes the same SQL
    (``recall_count + 1``) to the same columns; plain values are bound. It changes the row
    only while its status is still the one that was read."""
    key = (kind, *((name, isinstance(value, sa.ColumnElement)) for name, value in values.items()))
    if (statement := _MOVES.get(key)) is None:
        sets = {
            name: value if isinstance(value, sa.ColumnElement) else sa.bindparam(f"v_{name}")
            for name, value in values.items()
        }
        statement = _MOVES[key] = (
            sa.update(_T)
            .where(_T.c.id == sa.bindparam("ticket_id"), _T.c.status == sa.bindparam("seen"))
            .values(sets)
            .returning(*(_T.c[name] for name in values), _SERVICE_CODE, _POINT_CODE)
        )
    return statement


def _write_move(
    session: Session,
    ticket: Ticket,
    kind: str,
    at: datetime,
    actor_id: int | None,
    values: Mapping[str, Any],
    detail: str | None = None,
) -> bool:
    """Write a ticket's new state and its event; False when its status changed since it was
    read (another clerk or worker, PostgreSQL), and then nothing is written."""
    session.flush()  # core SQL does not autoflush: pending ORM changes go first
    params = {
        f"v_{name}": value
        for name, value in values.items()
        if not isinstance(value, sa.ColumnElement)
    }
    statement = _move(kind, values)
    row = (
        session.connection()
        .execute(statement, {"ticket_id": ticket.id, "seen": ticket.status, **params})
        .first()
    )
    if row is None:
        return False
    *columns, service_code, point_code = row
    for name, value in zip(values, columns, strict=True):
        set_committed_value(ticket, name, value)
    _event(session, ticket, kind, at, actor_id, (service_code, point_code), detail)
    return True


def _moved(
    session: Session,
    ticket: Ticket,
    kind: str,
    at: datetime,
    actor_id: int | None,
    allowed: Sequence[Status],
    *,
    detail: str | None = None,
    **values: Any,
) -> Ticket:
    """Move a ticket whose status is one of ``allowed``; refused as usual when another
    change came first. ``values`` are columns, or SQL on them; the object gets them."""
    _require(ticket, allowed, kind)
    if not _write_move(session, ticket, kind, at, actor_id, values, detail):
        session.refresh(ticket)
        _require(ticket, [], kind)
    return ticket


def call_specific(
    session: Session,
    clock: Clock,
    ticket: Ticket,
    point: ServicePoint,
    clerk_id: int | None,
    reason: str,
) -> Ticket:
    """Call a chosen ticket out of order; the reason is recorded."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(N_("Give a reason for calling a ticket out of order."))
    _require(ticket, [Status.waiting], "called")
    _check_point_serves(session, point, ticket.service_id)
    _check_free(session, point)
    now = clock.now()
    wait = visits.ended(session, ticket, now)
    _moved(
        session,
        ticket,
        "called",
        now,
        clerk_id,
        [Status.waiting],
        detail=f"out of order: {reason[:400]}",
        status=Status.called,
        called_at=now,
        service_point_id=point.id,
        clerk_id=clerk_id,
        **wait,
    )
    visits.settle(session, ticket, wait)
    return ticket


def recall(session: Session, clock: Clock, ticket: Ticket, actor_id: int | None) -> Ticket:
    now = clock.now()
    count = _T.c.recall_count + 1
    return _moved(session, ticket, "recalled", now, actor_id, [Status.called], recall_count=count)


def start(session: Session, clock: Clock, ticket: Ticket, actor_id: int | None) -> Ticket:
    now = clock.now()
    values: dict[str, Any] = {"status": Status.serving, "started_at": now}
    return _moved(session, ticket, "started", now, actor_id, [Status.called], **values)


def finish(session: Session, clock: Clock, ticket: Ticket, actor_id: int | None) -> Ticket:
    """Served. A called ticket may be finished directly (the start is then the call)."""
    now = clock.now()
    values: dict[str, Any] = {
        "status": Status.served,
        "finished_at": now,
        "started_at": sa.func.coalesce(_T.c.started_at, _T.c.called_at),
    }
    return _moved(session, ticket, "finished", now, actor_id, IN_HAND, **values)


def no_show(session: Session, clock: Clock, ticket: Ticket, actor_id: int | None) -> Ticket:
    now = clock.now()
    values: dict[str, Any] = {"status": Status.no_show, "finished_at": now}
    return _moved(session, ticket, "no_show", now, actor_id, [Status.called], **values)


def cancel(session: Session, clock: Clock, ticket: Ticket, actor_id: int | None) -> Ticket:
    now = clock.now()
    wait = visits.ended(session, ticket, now, "cancelled")  # before the target: out of 1.2
    values: dict[str, Any] = {"status": Status.cancelled, "finished_at": now, **wait}
    _moved(session, ticket, "cancelled", now, actor_id, [Status.waiting, Status.called], **values)
    visits.settle(session, ticket, wait)
    return ticket


def transfer(
    session: Session, clock: Clock, ticket: Ticket, to_service: Service, actor_id: int | None
) -> Ticket:
    """Send the visitor to another service's queue with the same code.

    A ticket still waiting is simply re-routed (the visitor has not been seen yet). A ticket
    in hand ends as *transferred* and a new row waits in the other queue; it keeps the first
    issue time, so it is not sent to the back. Its waiting period starts now and adds to the
    visit's (``visits``): the visit's figures on its root row are cleared until it ends.
    """
    _require(ticket, [Status.waiting, *IN_HAND], "transferred")
    if to_service.id == ticket.service_id or to_service.office_id != ticket.office_id:
        raise InvalidInput(N_("Choose another service of this office."))
    assert to_service.id is not None and ticket.id is not None
    now = clock.now()
    detail = f"to {to_service.code}"
    if ticket.status == Status.waiting:
        return _moved(
            session,
            ticket,
            "transferred",
            now,
            actor_id,
            [Status.waiting],
            detail=detail,
            service_id=to_service.id,
        )
    values: dict[str, Any] = {"status": Status.transferred, "finished_at": now}
    if ticket.parent_id is None:  # the visit waits again: its figures wait for the end
        values |= {"wait_seconds": None, "within_target": None}
    _moved(session, ticket, "transferred", now, actor_id, IN_HAND, detail=detail, **values)
    visits.reopen(session, ticket)
    return next_row(
        session,
        ticket,
        to_service,
        ticket.issued_at,
        now,
        actor_id,
        f"transferred from {ticket.id}",
    )


def close_day(session: Session, clock: Clock, office_id: int, day: date) -> int:
    """At closing, every ticket of ``day`` still waiting is closed unserved (its wait counted).

    For a past day, tickets left in hand are closed as well (nobody finished them).
    Returns how many tickets were closed.
    """
    closing = clock.closing_at(day)
    now = clock.now()
    at = min(closing, now) if closing else now
    statuses = [Status.waiting] if day >= clock.business_day(now) else [Status.waiting, *IN_HAND]
    tickets = session.exec(
        select(Ticket).where(
            Ticket.office_id == office_id,
            Ticket.business_day == day,
            col(Ticket.status).in_(statuses),
        )
    ).all()
    closed = 0
    for ticket in tickets:
        # Never called: closed unserved is never "within" (appendix 1.2, issue 13).
        wait = visits.ended(session, ticket, max(at, ticket.issued_at or at), "closed")
        values: dict[str, Any] = {"status": Status.closed, "finished_at": at, **wait}
        # A ticket called meanwhile (PostgreSQL) is the clerk's now: it is left alone.
        if _write_move(session, ticket, "closed", at, None, values):
            closed += 1
            visits.settle(session, ticket, wait)
    pauses.end_open(session, office_id, day, at)  # issue 17: a pause ends at closing
    return closed


def stale_days(session: Session, clock: Clock, office_id: int) -> list[date]:
    """Past business days that still have open tickets (the server was down at closing)."""
    rows = session.exec(
        select(col(Ticket.business_day))
        .distinct()
        .where(
            Ticket.office_id == office_id,
            Ticket.business_day < clock.business_day(),
            col(Ticket.status).in_([Status.waiting, *IN_HAND]),
        )
    ).all()
    return sorted(rows)


def finish_and_call_next(
    session: Session,
    clock: Clock,
    point: ServicePoint,
    actor_id: int | None,
    order: CallOrder = PLAIN,
) -> Ticket | None:
    """Next, in one action (issue 17): the ticket in hand at ``point`` is finished as served,
    and the next one is called, in the caller's one transaction; None when nobody waits (the
    finished one stays finished)."""
    current = in_hand(session, point)
    if current is not None:
        finish(session, clock, current, actor_id)
    return call_next(session, clock, point, actor_id, order)
