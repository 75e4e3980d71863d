"""Estimated wait for a new or waiting ticket.

    wait ≈ ahead × S / N

* ahead — tickets before it in its service's queue (position − 1);
* S — the mean service time (call → finish) of the service's last 30 served tickets over
  the past 14 days, clipped to 2…60 minutes; 10 minutes when there is no history yet;
* N — the service points serving the service that a clerk has opened, or all of them
  when none is open yet (the morning, before the clerks sit down).

Lunch and closing are not added here; the kiosk warns about them separately (§10).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from kezek.queue import reads, tickets
from kezek.queue.clock import Clock

DEFAULT_SERVICE_MINUTES = 10.0


@dataclass(frozen=True)
class Estimate:
    position: int
    minutes: int
    service_minutes: float
    points: int


def service_minutes(session: Session, clock: Clock, service_id: int) -> float:
    samples = tickets.recent_service_minutes(session, service_id, tickets.since_days(clock, 14))
    if not samples:
        return DEFAULT_SERVICE_MINUTES
    return min(60.0, max(2.0, sum(samples) / len(samples)))


class Rates:
    """S and N per service, kept for ``seconds`` of office-clock time.

    They change slowly (a visit takes minutes), and asking for them cost two of the five
    queries of every ticket answer; the position is still counted every time.
    """

    def __init__(self, seconds: float = 30.0) -> None:
        self.seconds = seconds
        self._kept: dict[int, tuple[datetime, float, int]] = {}
        self._samples: dict[tuple[int, int], tuple[datetime, list[float]]] = {}

    def get(self, session: Session, clock: Clock, service_id: int) -> tuple[float, int]:
        now = clock.now()
        kept = self._kept.get(service_id)
        if kept is not None and 0 <= (now - kept[0]).total_seconds() < self.seconds:
            return kept[1], kept[2]
        minutes_each = service_minutes(session, clock, service_id)
        open_count, all_count = tickets.open_points(session, service_id, clock.day_start())
        points = open_count or max(1, all_count)
        self._kept[service_id] = (now, minutes_each, points)
        return minutes_each, points

    def samples(
        self, session: Session, clock: Clock, service_id: int, days: int, limit: int
    ) -> list[float]:
        """The service's last ``limit`` visit lengths of the last ``days`` (the wait range's
        inputs, issue 19), kept like S and N: a quarter of a ticket's answer was this read."""
        now = clock.now()
        kept = self._samples.get((service_id, limit))
        if kept is not None and 0 <= (now - kept[0]).total_seconds() < self.seconds:
            return kept[1]
        since = now - timedelta(days=days)
        found = reads.recent_service_minutes(session, service_id, since, limit)
        self._samples[(service_id, limit)] = (now, found)
        return found


def wait_minutes(
    session: Session, clock: Clock, service_id: int, ahead: int, rates: Rates | None = None
) -> tuple[int, float, int]:
    """(minutes, S, N) for a ticket with ``ahead`` tickets before it: the formula above."""
    minutes_each, points = (rates or Rates(0)).get(session, clock, service_id)
    return round(ahead * minutes_each / points), minutes_each, points
