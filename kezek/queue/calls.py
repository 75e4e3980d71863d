"""Calling tickets: the call order and call-next (the next ticket claimed, built once)."""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from kezek.i18n import N_
from kezek.queue import loaded, pauses, visits
from kezek.queue.clock import Clock
from kezek.queue.errors import IllegalTransition
from kezek.queue.history import _SERVICE_CODE, _T, _event
from kezek.queue.models import (
    IN_HAND,
    PointService,
    ServicePoint,
    Status,
    Ticket,
    table_of,
)
from kezek.queue.order import PLAIN, CallOrder, sequence, urgent
from kezek.queue.order import params as order_params
from kezek.queue.point_lock import lock_point


def serving_points(session: Session, service_id: int) -> list[ServicePoint]:
    """The active service points that serve a service (§12, §14: cabinets №1 and №4)."""
    return list(
        session.exec(
            select(ServicePoint)
            .join(PointService, col(PointService.point_id) == col(ServicePoint.id))
            .where(PointService.service_id == service_id, col(ServicePoint.active).is_(True))
            .order_by(col(ServicePoint.id))
        ).all()
    )


def point_services(session: Session, point: ServicePoint) -> list[int]:
    return list(
        session.exec(select(PointService.service_id).where(PointService.point_id == point.id)).all()
    )


def in_hand(session: Session, point: ServicePoint) -> Ticket | None:
    """The ticket a service point is dealing with now (called or being served)."""
    return session.exec(
        select(Ticket)
        .where(Ticket.service_point_id == point.id, col(Ticket.status).in_(IN_HAND))
        .order_by(col(Ticket.called_at).desc())
    ).first()


_IN_HAND_CODE = (
    sa.select(_T.c.code)
    .where(_T.c.service_point_id == sa.bindparam("point_id"), _T.c.status.in_(IN_HAND))
    .limit(1)
)


def _check_free(session: Session, point: ServicePoint) -> None:
    """Refuse a call while the point has a ticket in hand or is paused (issue 17). On
    PostgreSQL the point's row is locked first, so two calls at once for one point (a double
    click, two tabs) take turns and the second sees the first's ticket; SQLite writers take
    turns anyway."""
    conn = lock_point(session, point)
    code = conn.execute(_IN_HAND_CODE, {"point_id": point.id}).scalar()
    if code is not None:
        raise IllegalTransition(
            N_("Ticket %(code)s is still in hand: finish it or mark it a no-show first."),
            code=code,
        )
    pauses.check_not_paused(conn, point.id)  # issue 17: a paused point is not called to


def wait_start(issued_at: datetime, booked_for: datetime | None) -> datetime:
    """Appendix 1.2: a booking's wait runs from its slot or its check-in, whichever is later."""
    return max(issued_at, booked_for) if booked_for is not None else issued_at


def _candidates(postgres: bool, order: CallOrder = PLAIN) -> sa.Select[Any]:
    """The next waiting ticket a point serves, in ``order`` (``kezek.queue.order``). Under
    a protecting order this reads only the rows that can be urgent (``_next_queries``); in
    the plain order a checked-in booking whose slot has come goes first (§10), so under the
    protecting one it comes after the walk-ins near their target, before the fresh ones."""
    served = sa.select(table_of(PointService).c.service_id).where(
        table_of(PointService).c.point_id == sa.bindparam("point_id")
    )
    prior = _T.alias("prior")  # a transfer's earlier row: the visit's wait so far
    where = [
        _T.c.office_id == sa.bindparam("office_id"),
        _T.c.status == Status.waiting.value,
        _T.c.business_day == sa.bindparam("day"),
        _T.c.service_id.in_(served),
    ]
    query = sa.select(
        _T.c.id, _T.c.issued_at, _T.c.target_wait_minutes, _T.c.parent_id, _T.c.booked_for
    )
    if order.protects:
        query = query.select_from(_T.outerjoin(prior, prior.c.id == _T.c.parent_id)).where(
            *where, urgent(order, _T, prior, postgres)
        )
    else:
        query = query.where(*where)
    # One definition of the order for the call, the position and the console's list.
    query = query.order_by(*sequence(order, _T, prior, postgres)).limit(1)
    return query.with_for_update(skip_locked=True, of=_T) if postgres else query


def _old_ones() -> sa.ColumnElement[bool]:
    """Whether a waiting ticket of the point's services was issued ``lookback`` ago or
    earlier, or a row with a parent waits (a returned no-show is issued at its return with
    the wait of its visit before: ``order.urgent``): only then can a protecting order differ
    from the plain one."""
    t, c = _T.alias("old"), _T.alias("child")
    served = sa.select(table_of(PointService).c.service_id).where(
        table_of(PointService).c.point_id == sa.bindparam("point_id")
    )
    old = sa.exists().where(
        t.c.office_id == sa.bindparam("office_id"),
        t.c.status == Status.waiting.value,
        t.c.business_day == sa.bindparam("day"),
        t.c.priority.op("IN")(sa.tuple_(sa.true(), sa.false())),  # two index ranges
        t.c.issued_at <= sa.bindparam("early"),
        t.c.service_id.in_(served),
    )
    child = sa.exists().where(  # ix_tickets_waiting_children: the few rows with a parent
        c.c.parent_id.is_not(None),
        c.c.office_id == sa.bindparam("office_id"),
        c.c.business_day == sa.bindparam("day"),
        c.c.status == Status.waiting.value,
    )
    return sa.or_(old, child)


@functools.cache
def _next_queries(postgres: bool, order: CallOrder) -> tuple[sa.Select[Any], ...]:
    """What call-next asks (built once per engine and order): the plain order's first, and
    under a protecting order whether old tickets wait; only then, the urgent rows. So the
    hot path stays one walk of the index while nobody is near the target (the protecting
    query costs twice the plain one in SQLAlchemy alone: bench/call_next.py)."""
    plain = _candidates(postgres)
    if not order.protects:
        return (plain,)
    return (plain.add_columns(_old_ones().label("old")), _candidates(postgres, order))


def _next_row(conn: sa.Connection, queries: Sequence[sa.Select[Any]], params: Any) -> Any:
    """(id, issued_at, target, parent_id, booked_for) of the ticket to call, or None. On
    PostgreSQL the plain first stays locked (SKIP LOCKED) until the commit even when an
    urgent one is taken instead: another clerk skips it for that moment, and the claim is
    guarded."""
    found = conn.execute(queries[0], params).first()
    if found is None or len(queries) == 1 or not found[5]:
        return found
    return conn.execute(queries[1], params).first() or found


_INSERT = _T.insert().returning(_T.c.id)
_CLAIM = (
    sa.update(_T)
    .where(_T.c.id == sa.bindparam("ticket_id"), _T.c.status == Status.waiting.value)
    .returning(*_T.c, _SERVICE_CODE)
)


def _insert(session: Session, ticket: Ticket) -> Ticket:
    """Write a new ticket with one core ``INSERT`` (its id comes back). The caller attaches
    it, after any savepoint around the write is released (a rolled-back savepoint would
    leave an attached ticket without a row)."""
    session.flush()  # core SQL does not autoflush: pending ORM changes go first
    if ticket.queued_at is None:  # its place in the call order: its issue, to begin with
        ticket.queued_at = ticket.issued_at
    values = {c.key: getattr(ticket, c.key) for c in _T.c if c.key != "id"}
    ticket.id = session.connection().execute(_INSERT, values).scalar_one()
    return ticket


def call_next(
    session: Session,
    clock: Clock,
    point: ServicePoint,
    clerk_id: int | None,
    order: CallOrder = PLAIN,
) -> Ticket | None:
    """Call the next ticket for a service point, in ``order`` (the profile's
    ``call_order``; the plain order is priority first, then the oldest).

    The next ticket is chosen and taken under the write lock (SQLite: ``BEGIN IMMEDIATE``;
    PostgreSQL: ``FOR UPDATE SKIP LOCKED``), and the update checks it still waits, so two
    clerks never get the same ticket.
    """
    _check_free(session, point)  # flushes pending ORM changes first
    now = clock.now()
    conn = session.connection()
    postgres = conn.dialect.name == "postgresql"
    params = {
        "office_id": point.office_id,
        "day": clock.business_day(now),
        "point_id": point.id,
        "now": now,
        **order_params(order, now, postgres),
    }
    queries = _next_queries(postgres, order)
    for _ in range(50):
        found = _next_row(conn, queries, params)
        if found is None:
            # SKIP LOCKED also skips a waiting ticket that another short transaction holds
            # for a moment (its talon's print status being recorded): then "nobody waits"
            # would be wrong. Wait briefly while one exists (found by the suite on PostgreSQL).
            if not postgres or conn.execute(_next_queries(False, PLAIN)[0], params).first() is None:
                return None
            time.sleep(0.01)
            continue
        ticket_id, issued_at, target, parent_id, booked_for = found[:5]
        began, before = visits.current_period(
            session, ticket_id, parent_id, wait_start(issued_at, booked_for)
        )
        wait = before + max(0, int((now - began).total_seconds()))  # the visit's (visits)
        row = conn.execute(
            _CLAIM,
            {
                "ticket_id": ticket_id,
                "status": Status.called.value,
                "called_at": now,
                "service_point_id": point.id,
                "clerk_id": clerk_id,
                "wait_seconds": wait,
                "within_target": wait <= target * 60,
            },
        ).first()
        if row is not None:
            *columns, service_code = row
            values = {c.key: v for c, v in zip(_T.c, columns, strict=True)}
            ticket = loaded.adopt(session, Ticket, values)
            _event(session, ticket, "called", now, clerk_id, (service_code, point.code))
            if parent_id is not None:
                visits.settle(
                    session, ticket, {"wait_seconds": wait, "within_target": wait <= target * 60}
                )
            return ticket
    return None


def _require(ticket: Ticket, allowed: Sequence[Status], action: str) -> None:
    """Refuse an illegal transition; ``action`` names it in the server's own words."""
    if ticket.status not in allowed:
        raise IllegalTransition(
            N_("This is not possible for ticket %(code)s now (status: %(status)s)."),
            code=ticket.code,
            status=ticket.status,
            action=action,
        )


def _check_point_serves(session: Session, point: ServicePoint, service_id: int) -> None:
    if point.office_id is None or service_id not in point_services(session, point):
        raise IllegalTransition(N_("This service point does not serve that ticket's service."))
