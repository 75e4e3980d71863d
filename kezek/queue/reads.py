"""Read-only queries: positions, the current row of a visitor, recent service times."""

from __future__ import annotations

from datetime import datetime, timedelta
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


def _ahead(priority: bool) -> sa.Select[Any]:
    """How many waiting tickets of a service's day are called before a given one."""
    earlier = sa.or_(
        _T.c.issued_at < sa.bindparam("issued_at"),
        sa.and_(_T.c.issued_at == sa.bindparam("issued_at"), _T.c.id < sa.bindparam("id")),
    )
    is_priority = _T.c.priority.is_(True)
    before = sa.and_(is_priority, earlier) if priority else sa.or_(is_priority, earlier)
    return (
        sa.select(sa.func.count())
        .select_from(_T)
        .where(
            _T.c.office_id == sa.bindparam("office_id"),
            _T.c.service_id == sa.bindparam("service_id"),
            _T.c.business_day == sa.bindparam("business_day"),
            _T.c.status == Status.waiting.value,
            before,
        )
    )


_AHEAD = {False: _ahead(False), True: _ahead(True)}


def position(session: Session, ticket: Ticket) -> int | None:
    """1 for the next to be called in its service's queue; None when not waiting."""
    if ticket.status != Status.waiting:
        return None
    params = {
        name: getattr(ticket, name)
        for name in ("issued_at", "id", "office_id", "service_id", "business_day")
    }
    ahead = session.connection().execute(_AHEAD[bool(ticket.priority)], params).scalar_one()
    return int(ahead) + 1


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
