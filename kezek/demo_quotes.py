"""The quotes the kiosk would have given in the demo's simulated history (issue 19).

Each visitor's ticket is quoted at its arrival from the simulated day as it stood then —
who was waiting, which cabinets were busy, the service times seen so far — through the
same ``wait_range.quote`` the kiosk uses, with the v1 number beside it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from datetime import date, timedelta

from kezek.queue.models import Status
from kezek.queue.wait_range import Ahead, Quote, Times, baseline, quote
from kezek.simulation import BACK, LUNCH, Visit

HISTORY_DAYS, SAMPLES, OLD_SAMPLES = 14, 100, 30


def _flat(visits: list[Visit]) -> Iterator[Visit]:
    for visit in visits:
        yield visit
        yield from _flat(visit.children)


class Quoter:
    """Keeps the served times of the days simulated so far (oldest first)."""

    def __init__(self, points: dict[str, list[str]]) -> None:
        self.points = points
        self.serving = {
            service: {code for code, services in points.items() if service in services}
            for services in points.values()
            for service in services
        }
        self.seen: dict[str, deque[tuple[date, float, float]]] = {}

    def _samples(self, service: str, day: date, now: float) -> list[float]:
        since = day - timedelta(days=HISTORY_DAYS)
        kept = self.seen.get(service, deque())
        found = [m for d, end, m in kept if d > since and (d < day or end <= now)]
        return found[-SAMPLES:]

    def _times(self, service: str, day: date, now: float) -> tuple[Times, list[float]]:
        samples = self._samples(service, day, now)
        return Times.of(samples), samples

    def day(self, day: date, visits: list[Visit]) -> list[Quote]:
        """A quote for each of the day's visitors (``visits``, the roots, in order)."""
        every = list(_flat(visits))
        for visit in sorted(every, key=lambda v: v.finished or 0.0):
            if visit.status == Status.served and visit.started and visit.finished:
                kept = self.seen.setdefault(visit.service, deque(maxlen=4 * SAMPLES))
                kept.append((day, visit.finished, visit.finished - visit.started))
        return [self._quote(day, visit, every) for visit in visits]

    def _quote(self, day: date, visit: Visit, every: list[Visit]) -> Quote:
        now = visit.arrival
        used = self.serving.get(visit.service, set())
        waiting: dict[str, int] = {}
        for other in every:
            if other is visit or other.since > now or (other.called or 1e9) <= now:
                continue
            if other.priority if visit.priority else (other.priority or other.arrival < now):
                waiting[other.service] = waiting.get(other.service, 0) + 1
        busy = {
            o.point for o in every if o.called is not None and o.called <= now < (o.finished or 0)
        }
        groups = []
        for service, count in waiting.items():
            points = self.serving.get(service, set())
            share = len(points & used) / len(points) if points else 0.0
            groups.append(Ahead(count * share, self._times(service, day, now)[0]))
        own, samples = self._times(visit.service, day, now)
        recent = samples[-OLD_SAMPLES:]
        mean = min(60.0, max(2.0, sum(recent) / len(recent))) if recent else 10.0
        old = baseline(waiting.get(visit.service, 0), mean, len(used))
        until = LUNCH - now if now < LUNCH else None
        return quote(groups, own, len(used), len(busy & used), old, until, BACK - LUNCH)
