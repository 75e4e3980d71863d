"""Wait estimates v2: a range ("15–25 min") from the queue, the cabinets and the service times.

Pure: numbers in, a quote out. ``estimate_inputs`` gathers the inputs from the database for
a ticket; the demo generator gathers them from its simulated day and calls the same ``quote``.

The method (a normal approximation of the work ahead, shared among the open cabinets):

* the work ahead W = Σ over the tickets called before the visitor (its own service's, the
  checked-in bookings due before it, and the other services' tickets that the same cabinets
  take, weighted by the share of their cabinets that also serve this service) of their
  service's mean service time m; its variance V = Σ of the same tickets' variances s²;
* the cabinets busy now add half a service each (a visit in progress is, on average, half
  done); c is the open cabinets serving the service, paused ones not counted;
* the visitor is called once that work is done: wait ≈ (W + busy·m/2) / c, with a standard
  deviation √(V + busy·m²/12) / c; when a cabinet is free and nobody is ahead, 0;
* the range is wait ± 1.28 standard deviations (an 80 % interval), the low end rounded down
  and the high end up to 5 minutes, at least 5 minutes wide; a wait that runs into the lunch
  break has the break added (§10: nobody is called during it).

m and s per service are the mean and standard deviation of its recent service times (the
last 100 over 14 days), m clipped to 2…60 minutes; 10 ± 5 minutes without history.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

DEFAULT_MEAN, DEFAULT_SD = 10.0, 5.0
Z80 = 1.2816  # the 10th and 90th percentiles of the normal distribution
STEP = 5  # the range's ends are multiples of five minutes


@dataclass(frozen=True)
class Times:
    """A service's observed service times (minutes)."""

    mean: float
    sd: float

    @classmethod
    def of(cls, samples: Sequence[float]) -> Times:
        if not samples:
            return cls(DEFAULT_MEAN, DEFAULT_SD)
        mean = min(60.0, max(2.0, statistics.fmean(samples)))
        sd = statistics.stdev(samples) if len(samples) > 1 else mean / 2
        return cls(mean, sd)


@dataclass(frozen=True)
class Ahead:
    """``count`` tickets (a weighted count: a shared ticket is a share) of one service."""

    count: float
    times: Times


@dataclass(frozen=True)
class Quote:
    """What a visitor is told: the range, its middle, and the old single number (baseline)."""

    low_min: int
    high_min: int
    point_min: int
    baseline_min: int

    @property
    def midpoint(self) -> float:
        return (self.low_min + self.high_min) / 2


def baseline(ahead: int, mean_minutes: float, points: int) -> int:
    """The v1 formula, ahead × S / N (``kezek.queue.estimate``), kept as the report's baseline."""
    return round(ahead * mean_minutes / max(1, points))


def _with_lunch(minutes: float, until_lunch: float | None, lunch_minutes: float) -> float:
    if until_lunch is not None and minutes > until_lunch:
        return minutes + lunch_minutes
    return minutes


def quote(
    ahead: Iterable[Ahead],
    own: Times,
    servers: int,
    busy: int,
    baseline_min: int,
    until_lunch: float | None = None,
    lunch_minutes: float = 0.0,
) -> Quote:
    """The range for a visitor with ``ahead`` before it, ``servers`` open cabinets of which
    ``busy`` are serving someone (the module's docstring gives the method)."""
    work = variance = count = 0.0
    for group in ahead:
        count += group.count
        work += group.count * group.times.mean
        variance += group.count * group.times.sd**2
    c = max(1, servers)
    busy = min(max(0, busy), c)
    if busy < c and count < 0.5:
        wait, sd = 0.0, 0.0
    else:
        wait = (work + busy * own.mean / 2) / c
        sd = math.sqrt(variance + busy * own.mean**2 / 12) / c
    low = _with_lunch(max(0.0, wait - Z80 * sd), until_lunch, lunch_minutes)
    high = _with_lunch(wait + Z80 * sd, until_lunch, lunch_minutes)
    low_min = STEP * math.floor(low / STEP)
    high_min = max(low_min + STEP, STEP * math.ceil(high / STEP))
    point = _with_lunch(wait, until_lunch, lunch_minutes)
    return Quote(low_min, high_min, round(point), baseline_min)
