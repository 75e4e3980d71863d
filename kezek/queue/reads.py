"""Read-only queries: positions, the current row of a visitor, recent service times."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from kezek.queue.clock import Clock
from kezek.queue.history import _T
from kezek.queue.models import (
    PointService,
    ServicePoint,
    Status,
    Ticket,
)
from kezek.queue.order import PLAIN, CallOrder, near_target, sequence
from kezek.queue.order import params as order_params


def _waiting(service_ids: sa.ColumnElement[bool]) -> list[sa.ColumnElement[bool]]:
    return [
        _T.c.office_id == sa.bindparam("office_id"),
        _T.c.status == Status.waiting.value,
        _T.c.business_day == sa.bindparam("business_day"),
        service_ids,
    ]


@functools.cache
def _place(order: CallOrder, postgres: bool) -> sa.Select[Any]:
    """A waiting ticket's place in its service's queue, in the call order (``sequence``)."""
    prior = _T.alias("prior")
    keys = sequence(order, _T, prior, postgres)
    ranked = (
        sa.select(_T.c.id, sa.func.row_number().over(order_by=keys).label("place"))
        .select_from(_T.outerjoin(prior, prior.c.id == _T.c.parent_id))
        .where(*_waiting(_T.c.service_id == sa.bindparam("service_id")))
        .subquery()
    )
    return sa.select(ranked.c.place).where(ranked.c.id == sa.bindparam("id"))


def position(
    session: Session,
    ticket: Ticket,
    order: CallOrder = PLAIN,
    now: datetime | None = None,
    count: bool = True,
) -> int | None:
    """1 for the next to be called in its service's queue, in ``order`` (the profile's call
    order, so "you are next" is who the next call takes); None when not waiting. ``now``:
    the office clock's (the wall clock when not given)."""
    if ticket.status != Status.waiting:
        return None
    conn = session.connection()
    postgres = conn.dialect.name == "postgresql"
    at = now or datetime.now(UTC)
    values = {name: getattr(ticket, name) for name in ("id", "office_id", "service_id")}
    values |= {"business_day": ticket.business_day, **order_params(order, at, postgres)}
    if count and _fresh_walk_in(ticket, order, at):
        values |= {"queued_at": ticket.queued_at}
        return 1 + int(conn.execute(_ahead(order, postgres, ticket.priority), values).scalar_one())
    place = conn.execute(_place(order, postgres), values).scalar()
    return int(place) if place is not None else None


def rank(session: Session, ticket: Ticket, order: CallOrder, now: datetime) -> int | None:
    """The waiting ticket's rank in the whole call order's sort, without ``position``'s
    count for a fresh walk-in (what that count must equal: tests/test_positions.py)."""
    return position(session, ticket, order, now, count=False)


def _fresh_walk_in(ticket: Ticket, order: CallOrder, now: datetime) -> bool:
    """A first row without a booking that is not near its target (the protecting order's
    FRESH class, a second's margin from its edge): nearly every ticket a kiosk, the API or
    a phone page asks about. Its place is a count (``_ahead``), not a rank of the queue."""
    if ticket.booked_for is not None or ticket.parent_id is not None:
        return False
    if not order.protects:
        return True
    issued = ticket.issued_at
    if issued is None:
        return False
    issued = issued if issued.tzinfo else issued.replace(tzinfo=UTC)
    edge = min(order.warn_minutes, ticket.target_wait_minutes) * 60
    return (now - issued).total_seconds() < edge - 1


# Before the ticket of bind parameters ``queued_at`` and ``id`` in its queue (§11: the place in
# the queue, the id settling equal times): the count of a fresh walk-in's place and of the
# tickets ahead in the wait range (``estimate_inputs``).
EARLIER = sa.or_(
    _T.c.queued_at < sa.bindparam("queued_at"),
    sa.and_(_T.c.queued_at == sa.bindparam("queued_at"), _T.c.id < sa.bindparam("id")),
)


@functools.cache
def _ahead(order: CallOrder, postgres: bool, priority: bool) -> sa.Select[Any]:
    """How many are called before a fresh walk-in (``_fresh_walk_in``): the due bookings and
    the tickets before it in the plain order (§11: priority, then the place in the queue)
    and, under the protecting order, every ticket near or past its target (they all come
    before the fresh ones). Equal to its rank in ``sequence`` (tests/test_positions.py)
    at a fraction of the cost: no sort of the whole queue, no wait counted for the rows
    plainly ahead."""
    t = _T
    due = sa.and_(t.c.booked_for.is_not(None), t.c.booked_for <= sa.bindparam("now"))
    before = [due, sa.and_(t.c.priority.is_(True), EARLIER) if priority else t.c.priority]
    if not priority:
        before.append(EARLIER)
    source: sa.FromClause = t
    if order.protects:
        prior = _T.alias("prior")
        before.append(near_target(order, t, prior, postgres))
        source = t.outerjoin(prior, prior.c.id == t.c.parent_id)
    return (
        sa.select(sa.func.count())
        .select_from(source)
        .where(
            *_waiting(t.c.service_id == sa.bindparam("service_id")), t.c.id != sa.bindparam("id")
        )
        .where(sa.or_(*before))
    )


def waiting_in_order(
    session: Session,
    office_id: int,
    day: date,
    service_ids: list[int],
    order: CallOrder,
    now: datetime,
    limit: int = 200,
) -> list[Ticket]:
    """The waiting tickets of some services (a point's), first the one the next call takes."""
    postgres = session.connection().dialect.name == "postgresql"
    prior = _T.alias("prior")
    query = (
        select(Ticket)
        .outerjoin(prior, prior.c.id == col(Ticket.parent_id))
        .where(*_waiting(col(Ticket.service_id).in_(service_ids)))
        .order_by(*sequence(order, _T, prior, postgres))
        .limit(limit)
    )
    values = {"office_id": office_id, "business_day": day, **order_params(order, now, postgres)}
    return list(session.exec(query, params=values).all())


def latest(session: Session, ticket: Ticket) -> Ticket:
    """Follow transfers to the row that is current for this visitor."""
    for _ in range(20):
        child = session.exec(select(Ticket).where(Ticket.parent_id == ticket.id)).first()
        if child is None:
            break
        ticket = child
    return ticket


def by_token(session: Session, token: str) -> Ticket | None:
    if not token or len(token) > 64:
        return None
    ticket = session.exec(select(Ticket).where(Ticket.public_token == token)).first()
    return latest(session, ticket) if ticket else None


def recent_service_minutes(
    session: Session, service_id: int, since: datetime, limit: int = 30
) -> list[float]:
    rows = session.exec(
        select(Ticket.started_at, Ticket.finished_at)
        .where(
            Ticket.service_id == service_id,
            Ticket.status == Status.served,
            col(Ticket.finished_at) >= since,
        )
        .order_by(col(Ticket.finished_at).desc())
        .limit(limit)
    ).all()
    return [(end - begin).total_seconds() / 60 for begin, end in rows if begin and end]


def open_points(session: Session, service_id: int, today_from: datetime) -> tuple[int, int]:
    """(open, all) service points serving a service; open = a clerk has taken it today
    (a point left taken yesterday does not count)."""
    rows = session.exec(
        select(ServicePoint.clerk_id, ServicePoint.opened_at)
        .join(PointService, col(PointService.point_id) == col(ServicePoint.id))
        .where(PointService.service_id == service_id, col(ServicePoint.active).is_(True))
    ).all()
    taken = sum(
        1 for clerk, opened in rows if clerk is not None and opened and opened >= today_from
    )
    return taken, len(rows)


def since_days(clock: Clock, days: int) -> datetime:
    return clock.now() - timedelta(days=days)
