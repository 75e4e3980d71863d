"""A simulated office day (pure): arrivals peaking mid-morning and mid-afternoon, the
cabinets, lunch and closing (§10 hours), who was called when and by which cabinet."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from kezek.queue.models import Status
from kezek.queue.order import AT_RISK, FRESH, LATE, OVERDUE, PLAIN, CallOrder

OPEN, LUNCH, BACK, CLOSE = 9 * 60, 13 * 60, 14 * 60, 18 * 60
HOUR_WEIGHTS = {9: 1.6, 10: 1.9, 11: 1.5, 12: 1.1, 14: 1.3, 15: 1.5, 16: 1.0, 17: 0.5}
SERVICE_MIX = {"registration": 0.55, "vacancies": 0.25, "training": 0.1, "certificate": 0.1}
MEAN_MINUTES = {"registration": 13.0, "vacancies": 6.0, "training": 8.0, "certificate": 4.0}
WORKDAYS = (1, 2, 3, 4)  # §10: Tuesday–Friday
OPEN, LUNCH, BACK, CLOSE = 9 * 60, 13 * 60, 14 * 60, 18 * 60


@dataclass
class Visit:
    arrival: float  # minutes after local midnight
    service: str
    priority: bool
    called: float | None = None
    started: float | None = None
    finished: float | None = None
    status: Status = Status.waiting
    point: str | None = None
    transfer_to: str | None = None
    children: list[Visit] = field(default_factory=list)
    ready: float | None = None  # a transfer's row waits from its parent's finish
    before: float = 0.0  # minutes the visit waited before this row (its transfers)

    @property
    def since(self) -> float:
        return self.arrival if self.ready is None else self.ready


def call_key(visit: Visit, now: float, order: CallOrder, target: float = 40.0) -> tuple[float, ...]:
    """The call order of ``kezek.queue.order`` for a simulated visit (minutes)."""
    plain = (not visit.priority, visit.arrival)
    if not order.protects:
        return (0.0, 0.0, *plain)
    wait = visit.before + now - visit.since
    if wait > target + order.overdue_minutes:
        rank = OVERDUE
    elif wait > target:
        rank = LATE
    elif wait >= min(order.warn_minutes, target):
        return (AT_RISK, target - wait, *plain)
    else:
        rank = FRESH
    return (rank, 0.0, *plain)


def simulate_day(
    rng: random.Random, points: dict[str, list[str]], weekday: int, order: CallOrder = PLAIN
) -> list[Visit]:
    """One office day: who came when, who was called when, by which cabinet (in ``order``,
    the profile's call order)."""
    busy = 1.25 if weekday == 1 else 1.0  # Tuesdays collect the weekend's visitors
    count = max(5, int(rng.gauss(58 * busy, 14)))
    hours, weights = zip(*HOUR_WEIGHTS.items(), strict=True)
    visits = []
    for _ in range(count):
        hour = rng.choices(hours, weights)[0]
        service = rng.choices(list(SERVICE_MIX), list(SERVICE_MIX.values()))[0]
        visits.append(
            Visit(
                arrival=hour * 60 + rng.random() * 60, service=service, priority=rng.random() < 0.05
            )
        )
    visits.sort(key=lambda v: v.arrival)
    queue = list(visits)
    free_at = {code: float(OPEN) for code in points}
    while True:
        code = min(free_at, key=lambda c: free_at[c])
        now = free_at[code]
        if LUNCH <= now < BACK:
            free_at[code] = BACK
            continue
        if now >= CLOSE:
            break
        serves = points[code]
        ready = [v for v in queue if v.since <= now and v.service in serves]
        if not ready:
            later = [v.since for v in queue if v.service in serves and v.since > now]
            free_at[code] = min(later) if later else float(CLOSE)
            continue
        visit = min(ready, key=lambda v: call_key(v, now, order))
        queue.remove(visit)
        visit.called, visit.point = now, code
        if rng.random() < 0.04:
            visit.status, visit.finished = Status.no_show, now + 2
            free_at[code] = now + 2
            continue
        duration = rng.lognormvariate(math.log(MEAN_MINUTES[visit.service]), 0.45)
        visit.started, visit.finished = now + 0.5, now + 0.5 + duration
        visit.status = Status.served
        if rng.random() < 0.03:
            other = rng.choice([s for s in MEAN_MINUTES if s != visit.service])
            visit.status, visit.transfer_to = Status.transferred, other
            child = Visit(arrival=visit.arrival, service=other, priority=visit.priority)
            child.ready = visit.finished
            child.before = visit.before + now - visit.since
            child.called = None
            visit.children.append(child)
            queue.append(child)
            queue.sort(key=lambda v: v.arrival)
        free_at[code] = visit.finished
    return visits


@dataclass(frozen=True)
class Arrival:
    """A visitor of a scripted day: when they take a ticket, for what, and how long their
    service takes once called (drawn with the arrival, so any call order meets the same day)."""

    minute: float  # after local midnight
    service: str
    priority: bool
    duration: float  # minutes at the desk


def busy_day(rng: random.Random, busy: float = 1.2, priority_share: float = 0.1) -> list[Arrival]:
    """A day's arrivals (§10 hours, the usual peaks) ``busy`` times as many as a usual day's,
    for replaying one day under two call orders (issue 17)."""
    hours, weights = zip(*HOUR_WEIGHTS.items(), strict=True)
    found = []
    for _ in range(int(58 * busy)):
        hour = rng.choices(hours, weights)[0]
        service = rng.choices(list(SERVICE_MIX), list(SERVICE_MIX.values()))[0]
        minute = hour * 60 + rng.random() * 60
        priority = rng.random() < priority_share
        duration = rng.lognormvariate(math.log(MEAN_MINUTES[service]), 0.45)
        found.append(Arrival(minute, service, priority, duration))
    return sorted(found, key=lambda a: a.minute)
