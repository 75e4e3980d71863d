"""Whose service point, whose ticket: the one rule the clerk console and the API share.

A clerk sits at one service point for the day (the console's choice, or the API's first call
there); nobody else may call to it, and only a ticket in hand at one's own point may be
recalled, started, finished, marked a no-show or transferred (issue 14 §5). A token may be
limited to some points (its scope); outside it, the same refusal.
"""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from sqlmodel import Session, select

from kezek.i18n import N_
from kezek.queue import loaded
from kezek.queue.clock import Clock
from kezek.queue.errors import QueueError
from kezek.queue.models import ServicePoint, Ticket, User, table_of


class NotYours(QueueError):
    status_code = 403
    kind = "forbidden"


def holder(clock: Clock, point: ServicePoint) -> int | None:
    """The user who sits at ``point`` today (yesterday's choice does not carry over)."""
    if point.clerk_id is None or point.opened_at is None:
        return None
    return point.clerk_id if clock.business_day(point.opened_at) == clock.business_day() else None


_HELD = (
    sa.select(table_of(ServicePoint))
    .where(
        table_of(ServicePoint).c.office_id == sa.bindparam("office_id"),
        table_of(ServicePoint).c.clerk_id == sa.bindparam("user_id"),
        table_of(ServicePoint).c.active.is_(True),
    )
    .order_by(table_of(ServicePoint).c.id)
)


def held(session: Session, clock: Clock, office_id: int, user_id: int) -> ServicePoint | None:
    """The active service point this user holds today, if any (one core read: issue 20)."""
    session.flush()  # core SQL does not autoflush: a point given up just now counts
    rows = session.connection().execute(_HELD, {"office_id": office_id, "user_id": user_id})
    for row in rows.mappings().all():
        point = loaded.adopt(session, ServicePoint, row)
        if holder(clock, point) == user_id:
            return point
    return None


def _in_scope(point: ServicePoint, scope: Collection[str] | None) -> None:
    if scope is not None and point.code not in scope:
        raise NotYours(N_("This token is not for service point %(code)s."), code=point.code)


def claim(
    session: Session,
    clock: Clock,
    point_id: int,
    user_id: int,
    scope: Collection[str] | None = None,
) -> ServicePoint:
    """Sit ``user_id`` at the point for the day, or refuse: someone else holds it today, or
    it is outside the token's scope. The user's other points are given up."""
    point = loaded.get(session, ServicePoint, point_id, for_update=True)
    if point is None or not point.active:
        raise NotYours(N_("No such service point."))
    _in_scope(point, scope)
    other = holder(clock, point)
    if other not in (None, user_id):
        found = session.get(User, other)
        raise NotYours(
            N_("%(name)s works at this service point today."),
            name=(found.full_name or found.username) if found else "?",
        )
    if other == user_id:
        return point
    for mine in session.exec(
        select(ServicePoint).where(
            ServicePoint.office_id == point.office_id, ServicePoint.clerk_id == user_id
        )
    ):
        mine.clerk_id, mine.opened_at = None, None
        session.add(mine)
    session.flush()
    point.clerk_id, point.opened_at = user_id, clock.now()
    session.add(point)
    session.flush()
    return point


def own_ticket(
    session: Session,
    clock: Clock,
    ticket: Ticket,
    user_id: int,
    scope: Collection[str] | None = None,
) -> ServicePoint:
    """The user's point, where ``ticket`` must be in hand; else the refusal."""
    point = held(session, clock, ticket.office_id, user_id)
    if point is None:
        raise NotYours(N_("Choose your service point first."))
    _in_scope(point, scope)
    if ticket.service_point_id != point.id:
        raise NotYours(N_("This ticket is handled at another service point."))
    return point


def may_return(
    session: Session,
    clock: Clock,
    ticket: Ticket,
    user: User,
    scope: Collection[str] | None = None,
) -> None:
    """Issue 17: a no-show comes back by the clerk at whose point it was called (the one who
    marked it), or by a supervisor or an administrator, whose office it is."""
    if user.role in ("supervisor", "admin"):
        at = session.get(ServicePoint, ticket.service_point_id or 0)
        if at is not None:
            _in_scope(at, scope)
        return
    point = held(session, clock, ticket.office_id, user.id or 0)
    if point is None:
        raise NotYours(N_("Choose your service point first."))
    _in_scope(point, scope)
    if ticket.service_point_id != point.id:
        raise NotYours(N_("This ticket is handled at another service point."))
