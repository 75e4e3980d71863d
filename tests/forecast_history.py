"""Histories with a known pattern for the forecast tests (issue 19): Tuesday–Friday, the
Kyzylzhar hours (09:00–18:00, lunch 13–14), Poisson arrivals per 15-minute slot with a
fixed seed. The pattern: a heavy Tuesday morning (09–11: 4 visits a slot) and a quiet
Friday afternoon (14–18: 0.4 a slot); every other open slot 1.5."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from kezek import profile_sync
from kezek.forecast import arrivals
from kezek.queue.clock import Clock
from kezek.settings import load_profile

HEAVY, QUIET, USUAL = 4.0, 0.4, 1.5


def calendar() -> Clock:
    """The shipped Kyzylzhar calendar: its hours and Kazakhstan's holidays."""
    return profile_sync.clock(load_profile("kyzylzhar"))


def rate(day: date, slot: int) -> float:
    hour = slot * arrivals.SLOT_MINUTES // 60
    if day.weekday() == 1 and 9 <= hour < 11:
        return HEAVY
    if day.weekday() == 4 and hour >= 14:
        return QUIET
    return USUAL


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def scripted(end: date, weeks: int = 20, seed: int = 19) -> dict[date, list[int]]:
    """Every open day of ``weeks`` weeks before ``end``: visits per slot."""
    rng = random.Random(seed)
    cal = calendar()
    history: dict[date, list[int]] = {}
    day = end - timedelta(weeks=weeks)
    while day < end:
        opened = arrivals.open_slots(cal, day)
        if opened:
            counts = [0] * arrivals.SLOTS
            for k in opened:
                counts[k] = _poisson(rng, rate(day, k))
            history[day] = counts
        day += timedelta(days=1)
    return history
