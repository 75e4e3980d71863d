"""The day as it happens: the supervisor dashboard and the early warning (appendix 1.2).

Only today's tickets of one office are read (a hundred rows), so this is plain Python
over one query each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from kezek.indicators.data import waits
from kezek.queue.clock import Clock
from kezek.queue.models import IN_HAND, PointService, Service, ServicePoint, Status, Ticket


@dataclass(frozen=True)
class Waiting:
    code: str
    service: Service
    minutes: int
    priority: bool
    level: str  # "ok", "warn" (past the warning threshold), "over" (past the target)


@dataclass(frozen=True)
class PointNow:
    point: ServicePoint
    open: bool
    in_hand: str | None  # the code being dealt with
    served_today: int


@dataclass(frozen=True)
class Warning:
    """Tickets of one service past the warning threshold, and who could help."""

    service: Service
    codes: list[str]
    longest: int  # minutes
    open_points: list[ServicePoint]  # closed points that serve the service: open one
    other_points: list[ServicePoint]  # open points that do not serve it yet


@dataclass
class Dashboard:
    at: datetime
    within: int  # visits whose wait ended within the target today
    counted: int  # … plus those still waiting past it: they have already missed it
    waiting: list[Waiting] = field(default_factory=list)
    points: list[PointNow] = field(default_factory=list)
    average_service_minutes: float | None = None
    served: int = 0
    warnings: list[Warning] = field(default_factory=list)
    warn_minutes: int = 30

    @property
    def share(self) -> float | None:
        return 100.0 * self.within / self.counted if self.counted else None

    @property
    def at_risk(self) -> list[Waiting]:
        return [w for w in self.waiting if w.level != "ok"]


def _minutes(now: datetime, since: datetime | None) -> int:
    return int((now - since).total_seconds() // 60) if since else 0


def waiting_now(session: Session, clock: Clock, office_id: int, warn_minutes: int) -> list[Waiting]:
    """Today's waiting tickets, the longest wait first."""
    now = clock.now()
    services = {
        s.id: s for s in session.exec(select(Service).where(Service.office_id == office_id))
    }
    rows = session.exec(
        select(Ticket)
        .where(
            Ticket.office_id == office_id,
            Ticket.business_day == clock.business_day(now),
            Ticket.status == Status.waiting,
        )
        .order_by(col(Ticket.issued_at), col(Ticket.id))
    ).all()
    result = []
    for t in rows:
        assert t.issued_at is not None
        seconds = (now - t.issued_at).total_seconds()
        # Exactly 40 minutes is still within the target (appendix 1.2: "no more than").
        level = (
            "over"
            if seconds > t.target_wait_minutes * 60
            else "warn"
            if seconds >= warn_minutes * 60
            else "ok"
        )
        minutes = _minutes(now, t.issued_at)
        result.append(Waiting(t.code, services[t.service_id], minutes, t.priority, level))
    return result


def warnings(
    session: Session,
    clock: Clock,
    office_id: int,
    warn_minutes: int,
    waiting: list[Waiting] | None = None,
) -> list[Warning]:
    """The early warning: services with tickets waiting past ``warn_minutes`` (30 by default).

    It names the tickets and who could help: a closed cabinet that serves the service
    (open it), else the open cabinets that do not serve it yet.
    """
    waiting = waiting_now(session, clock, office_id, warn_minutes) if waiting is None else waiting
    late: dict[int, list[Waiting]] = {}
    for w in waiting:
        if w.level != "ok":
            assert w.service.id is not None
            late.setdefault(w.service.id, []).append(w)
    if not late:
        return []
    points = list(
        session.exec(
            select(ServicePoint)
            .where(ServicePoint.office_id == office_id, col(ServicePoint.active).is_(True))
            .order_by(ServicePoint.code)
        ).all()
    )
    links = session.exec(
        select(PointService.point_id, PointService.service_id).where(
            col(PointService.point_id).in_([p.id for p in points])
        )
    ).all()
    serves = {(p, s) for p, s in links}
    result = []
    for service_id, items in late.items():
        closed = [p for p in points if (p.id, service_id) in serves and p.clerk_id is None]
        others = [p for p in points if (p.id, service_id) not in serves and p.clerk_id is not None]
        result.append(
            Warning(
                items[0].service,
                [w.code for w in items],
                max(w.minutes for w in items),
                closed,
                others,
            )
        )
    return sorted(result, key=lambda w: -w.longest)


def dashboard(session: Session, clock: Clock, office_id: int, warn_minutes: int) -> Dashboard:
    now = clock.now()
    today = clock.business_day(now)
    within, ended = waits(session, office_id, today, today)
    waiting = waiting_now(session, clock, office_id, warn_minutes)
    missed = sum(1 for w in waiting if w.level == "over")
    board = Dashboard(
        at=now,
        within=within,
        counted=ended + missed,
        waiting=sorted(waiting, key=lambda w: -w.minutes),
        warn_minutes=warn_minutes,
    )
    served = session.exec(
        select(Ticket.started_at, Ticket.finished_at, Ticket.service_point_id).where(
            Ticket.office_id == office_id,
            Ticket.business_day == today,
            Ticket.status == Status.served,
        )
    ).all()
    durations = [(b - a).total_seconds() / 60 for a, b, _ in served if a and b]
    board.served = len(served)
    board.average_service_minutes = sum(durations) / len(durations) if durations else None
    in_hand = dict(
        session.exec(
            select(Ticket.service_point_id, Ticket.code).where(
                Ticket.office_id == office_id,
                Ticket.business_day == today,
                col(Ticket.status).in_(IN_HAND),
            )
        ).all()
    )
    per_point: dict[int | None, int] = {}
    for _a, _b, point_id in served:
        per_point[point_id] = per_point.get(point_id, 0) + 1
    for point in session.exec(
        select(ServicePoint)
        .where(ServicePoint.office_id == office_id, col(ServicePoint.active).is_(True))
        .order_by(ServicePoint.code)
    ).all():
        board.points.append(
            PointNow(
                point, point.clerk_id is not None, in_hand.get(point.id), per_point.get(point.id, 0)
            )
        )
    board.warnings = warnings(session, clock, office_id, warn_minutes, waiting)
    return board
