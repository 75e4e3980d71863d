"""The inputs of a v2 wait range, read from the database for a waiting ticket (issue 19).

The method is ``kezek.queue.wait_range``; this module only counts: the open cabinets serving
the ticket's service (a paused one not counted), the tickets ahead of it in the call order
in every service those cabinets take, the checked-in bookings due before it, the cabinets
busy now, and each service's recent service times.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from kezek.queue import estimate, quotes, reads
from kezek.queue.clock import Clock
from kezek.queue.history import _T
from kezek.queue.models import PointService, ServicePoint, Status, Ticket, table_of
from kezek.queue.order import PLAIN, CallOrder
from kezek.queue.pauses import paused_points
from kezek.queue.standing import standing
from kezek.queue.wait_range import Ahead, Quote, Times, quote

HISTORY_DAYS, SAMPLES = 14, 100


# Built once, run with their values (issue 20): making a statement and its cache key anew on
# every ticket was about half of these counts' time, more than SQLite's own work.
_LINKS, _POINT = table_of(PointService), table_of(ServicePoint)
_POINTS = (
    sa.select(_LINKS.c.service_id, _POINT.c.id, _POINT.c.clerk_id, _POINT.c.opened_at)
    .join(_POINT, _POINT.c.id == _LINKS.c.point_id)
    .where(_POINT.c.office_id == sa.bindparam("office_id"), _POINT.c.active.is_(True))
)


def _per_service(*ahead: sa.ColumnElement[bool]) -> sa.Select[Any]:
    return (
        sa.select(_T.c.service_id, sa.func.count())
        .where(
            _T.c.office_id == sa.bindparam("office_id"),
            _T.c.business_day == sa.bindparam("business_day"),
            _T.c.status == Status.waiting.value,
            _T.c.service_id.in_(sa.bindparam("services", expanding=True)),
            _T.c.id != sa.bindparam("id"),
            *ahead,
        )
        .group_by(_T.c.service_id)
    )


_AHEAD = _per_service(sa.or_(_T.c.priority.is_(True), reads.EARLIER))
_AHEAD_OF_PRIORITY = _per_service(_T.c.priority.is_(True), reads.EARLIER)
_BOOKED_AFTER = _per_service(
    sa.not_(reads.EARLIER), _T.c.booked_for.is_not(None), _T.c.booked_for <= sa.bindparam("due")
)
_BUSY = sa.select(sa.func.count(sa.distinct(_T.c.service_point_id))).where(
    _T.c.office_id == sa.bindparam("office_id"),
    _T.c.business_day == sa.bindparam("business_day"),
    _T.c.status.in_((Status.called.value, Status.serving.value)),
    _T.c.service_point_id.in_(sa.bindparam("points", expanding=True)),
)


def _cabinets(
    session: Session, clock: Clock, office_id: int
) -> tuple[dict[int, set[int]], set[int]]:
    """(points serving each service, the points open now: taken today, not paused)."""
    rows = session.connection().execute(_POINTS, {"office_id": office_id})
    paused = paused_points(session.connection(), office_id)
    start = clock.day_start()
    serving: dict[int, set[int]] = defaultdict(set)
    open_now: set[int] = set()
    for service_id, point_id, clerk, opened in rows:
        serving[service_id].add(point_id)
        if clerk is not None and opened and opened >= start and point_id not in paused:
            open_now.add(point_id)
    return serving, open_now


def _counts(
    session: Session, ticket: Ticket, services: set[int], due: datetime | None
) -> dict[int, int]:
    """Waiting tickets ahead of ``ticket`` per service (priority, then the place in the queue,
    ``queued_at``, which "I am running late" moves); with ``due``, the checked-in bookings
    placed after it that are due by then (called ahead of walk-ins)."""
    values = {
        "office_id": ticket.office_id,
        "business_day": ticket.business_day,
        "services": sorted(services),
        "id": ticket.id or 0,  # a ticket not yet saved: no row is it
        "queued_at": ticket.queued_at,
    }
    if due is not None:
        query, values["due"] = _BOOKED_AFTER, due
    else:
        query = _AHEAD_OF_PRIORITY if ticket.priority else _AHEAD
    return {sid: int(n) for sid, n in session.connection().execute(query, values)}


def _busy(session: Session, ticket: Ticket, points: set[int]) -> int:
    values = {
        "office_id": ticket.office_id,
        "business_day": ticket.business_day,
        "points": sorted(points),
    }
    return int(session.connection().execute(_BUSY, values).scalar_one())


def _lunch(clock: Clock, now: datetime) -> tuple[int | None, float]:
    intervals = clock.open_intervals(clock.business_day(now))
    if len(intervals) != 2:
        return None, 0.0
    return clock.minutes_until_lunch(now), (intervals[1][0] - intervals[0][1]).total_seconds() / 60


def for_ticket(
    session: Session,
    clock: Clock,
    ticket: Ticket,
    order: CallOrder = PLAIN,
    shown: estimate.Estimate | None = None,
    rates: estimate.Rates | None = None,
) -> Quote | None:
    """The v2 range (and the v1 number beside it, at the place the visitor is shown: in the
    call ``order``, at the clock's time) for a waiting ticket; None otherwise. ``shown``: the
    place and v1 wait already counted for the same answer (``standing``), not counted again;
    ``rates``: the office's kept service times (``st.estimate_rates``), else read now."""
    if shown is None:
        position = reads.position(session, ticket, order, clock.now())
        if position is None:
            return None
        old = estimate.wait_minutes(session, clock, ticket.service_id, position - 1)[0]
    else:
        old = shown.minutes
    serving, open_now = _cabinets(session, clock, ticket.office_id)
    mine = serving.get(ticket.service_id, set())
    used = (mine & open_now) or mine
    pool = {sid for sid, points in serving.items() if points & used} | {ticket.service_id}
    kept = rates or estimate.Rates(0)
    times = {
        sid: Times.of(kept.samples(session, clock, sid, HISTORY_DAYS, SAMPLES)) for sid in pool
    }

    def share(sid: int) -> float:  # the part of a service's cabinets that also take this one
        points = (serving.get(sid, set()) & open_now) or serving.get(sid, set())
        return len(points & used) / len(points) if points else 0.0

    def groups(counts: dict[int, int]) -> list[Ahead]:
        return [Ahead(n * share(sid), times[sid]) for sid, n in counts.items()]

    now = clock.now()
    until, lunch = _lunch(clock, now)
    busy = _busy(session, ticket, used)
    ahead = groups(_counts(session, ticket, pool, None))
    first = quote(ahead, times[ticket.service_id], len(used), busy, old, until, lunch)
    due = now + timedelta(minutes=first.point_min)
    booked = groups(_counts(session, ticket, pool, due))
    if not booked:
        return first
    return quote(ahead + booked, times[ticket.service_id], len(used), busy, old, until, lunch)


Counted = tuple[estimate.Estimate | None, Quote | None]


def counted(
    session: Session,
    clock: Clock,
    ticket: Ticket,
    order: CallOrder = PLAIN,
    rates: estimate.Rates | None = None,
) -> Counted:
    """A ticket's place and wait in the call ``order`` and its quoted range, counted once
    (what the kiosk, the API and the phone page show); (None, None) once it no longer waits."""
    shown = standing(session, clock, ticket, order, rates)
    if shown is None:
        return None, None
    return shown, for_ticket(session, clock, ticket, order, shown, rates)


def record_issued(
    session: Session,
    clock: Clock,
    ticket: Ticket,
    order: CallOrder = PLAIN,
    rates: estimate.Rates | None = None,
) -> Counted:
    """Count a ticket just issued and keep its quote (both methods) for the accuracy report:
    the quote its answer shows, in the office's call ``order``."""
    found = counted(session, clock, ticket, order, rates)
    if found[1] is not None and ticket.id is not None:
        at = ticket.issued_at or clock.now()
        quotes.record(session, ticket.office_id, ticket.id, at, found[1])
    return found
