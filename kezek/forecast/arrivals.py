"""The arrival forecast per 15-minute slot (pure; issue 19).

History is ``{business day: [visits issued in slot 0 … 95]}``, slot ``k`` being the local
minutes ``15k … 15k + 15`` of the day. For a coming day ``D`` the forecast of slot ``k`` is

    λ(D, k) = base(weekday of D, k) × day factor(D) × trend(D)

* base — the mean of the same weekday's slot over the last ``WEEKS`` weeks before ``D``,
  recent weeks weighing more (half-life ``HALF_LIFE`` weeks), each past day first divided by
  its own day factor, then smoothed with its neighbour slots (1-2-1) inside the open hours;
* day factor — how much busier the first working days of a month (``MONTH_START`` open
  days) and the first open day after a public holiday were than their weekday's base, in
  this office's history, shrunk towards 1 while there are few such days;
* trend — the slope of the daily totals against their weekday's mean over the last 16
  weeks, carried from the middle of the base window to ``D`` (clipped to ±30 %).

The uncertainty is an 80 % band: Poisson noise plus the day-to-day spread of totals seen
in the history (``λ ± 1.28·√(λ + (cv·λ)²)``). Closed slots (lunch, nights) are 0.

The backtest forecasts each open day of the last 8 weeks from the days before it alone and
compares the mean absolute error per open slot with the naive forecast, "the same slot a
week earlier" (the last open day of the same weekday before it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Protocol

from kezek.queue.clock import DayHours, Schedule

SLOT_MINUTES = 15
SLOTS = 24 * 60 // SLOT_MINUTES
WEEKS = 12
HALF_LIFE = 6.0
MONTH_START = 2  # the first open days of a month that collect the month's new cases
SHRINK_DAYS = 3.0  # a day factor counts as this many ordinary days until seen more often
Z80 = 1.2816

History = Mapping[date, list[int]]


class Calendar(Protocol):
    """What the forecast needs of the office clock: ``kezek.queue.clock.Clock`` is one."""

    schedule: Schedule

    def hours_on(self, day: date) -> DayHours | None: ...


def open_slots(calendar: Calendar, day: date) -> list[int]:
    """The slots the office receives visitors in on ``day`` (lunch left out; §10)."""
    hours = calendar.hours_on(day)
    if hours is None:
        return []

    def slot(t: time) -> int:
        return (t.hour * 60 + t.minute) // SLOT_MINUTES

    if hours.lunch is None:
        return list(range(slot(hours.open), slot(hours.close)))
    return list(range(slot(hours.open), slot(hours.lunch[0]))) + list(
        range(slot(hours.lunch[1]), slot(hours.close))
    )


def _day_after_holiday(calendar: Calendar, day: date) -> bool:
    """The first open day after a day the weekly schedule opens but a holiday closed."""
    back = day - timedelta(days=1)
    for _ in range(7):
        if calendar.hours_on(back) is not None:
            return False
        if back.weekday() in calendar.schedule.week:
            return True
        back -= timedelta(days=1)
    return False


def kinds(calendar: Calendar, day: date) -> tuple[bool, bool]:
    """(one of the month's first open days, the first open day after a holiday)."""
    first = day.replace(day=1)
    opened = 0
    probe = first
    while probe < day:
        if calendar.hours_on(probe) is not None:
            opened += 1
        probe += timedelta(days=1)
    return opened < MONTH_START, _day_after_holiday(calendar, day)


@dataclass(frozen=True)
class Slot:
    slot: int
    mean: float
    low: int
    high: int

    @property
    def label(self) -> str:
        minutes = self.slot * SLOT_MINUTES
        return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Forecast:
    day: date
    slots: list[Slot]  # the open slots only
    factor: float  # day factor × trend
    cv: float  # the day-to-day spread of totals, relative

    def hourly(self) -> dict[int, float]:
        hours: dict[int, float] = {}
        for s in self.slots:
            hour = s.slot * SLOT_MINUTES // 60
            hours[hour] = hours.get(hour, 0.0) + s.mean
        return hours

    @property
    def total(self) -> float:
        return sum(s.mean for s in self.slots)


@dataclass(frozen=True)
class _Model:
    base: dict[int, list[float]]  # weekday -> slot means (deseasonalised)
    month_factor: float
    holiday_factor: float
    slope: float  # relative change per day
    center: date
    cv: float


def _weight(day: date, before: date) -> float:
    weeks = (before - day).days / 7
    return float(0.5 ** (weeks / HALF_LIFE))


def _smooth(values: list[float], opened: list[int]) -> list[float]:
    out = list(values)
    inside = set(opened)
    for k in opened:
        near = [(k - 1, 1.0), (k, 2.0), (k + 1, 1.0)]
        num = sum(values[j] * w for j, w in near if j in inside)
        den = sum(w for j, w in near if j in inside)
        out[k] = num / den
    return out


def _factor(actual: float, expected: float, ordinary: float) -> float:
    """A day kind's factor, shrunk towards 1 by ``SHRINK_DAYS`` ordinary days."""
    prior = SHRINK_DAYS * ordinary
    return (actual + prior) / (expected + prior) if expected + prior > 0 else 1.0


def _base(
    history: History, calendar: Calendar, day: date, factors: tuple[float, float]
) -> tuple[dict[int, list[float]], date]:
    sums: dict[int, list[float]] = {}
    weights: dict[int, float] = {}
    weighted_age = 0.0
    total_w = 0.0
    start = day - timedelta(weeks=WEEKS)
    for past, counts in history.items():
        if not start <= past < day:
            continue
        month, holiday = kinds(calendar, past)
        f = (factors[0] if month else 1.0) * (factors[1] if holiday else 1.0)
        w = _weight(past, day)
        row = sums.setdefault(past.weekday(), [0.0] * SLOTS)
        for k, c in enumerate(counts):
            row[k] += w * c / f
        weights[past.weekday()] = weights.get(past.weekday(), 0.0) + w
        weighted_age += w * (day - past).days
        total_w += w
    base = {wd: [v / weights[wd] for v in row] for wd, row in sums.items()}
    center = day - timedelta(days=round(weighted_age / total_w)) if total_w else day
    return base, center


def _fit(history: History, calendar: Calendar, day: date) -> _Model:
    plain = _base(history, calendar, day, (1.0, 1.0))[0]
    totals = {wd: sum(row) for wd, row in plain.items()}
    month_a = month_e = hol_a = hol_e = 0.0
    ratios: list[tuple[int, float]] = []
    for past, counts in history.items():
        if past >= day or past < day - timedelta(weeks=16) or not totals.get(past.weekday()):
            continue
        expected = totals[past.weekday()]
        month, holiday = kinds(calendar, past)
        if month:
            month_a, month_e = month_a + sum(counts), month_e + expected
        if holiday:
            hol_a, hol_e = hol_a + sum(counts), hol_e + expected
        if not month and not holiday:
            ratios.append(((past - day).days, sum(counts) / expected))
    ordinary = sum(totals.values()) / max(1, len(totals))
    factors = (_factor(month_a, month_e, ordinary), _factor(hol_a, hol_e, ordinary))
    base, center = _base(history, calendar, day, factors)
    slope, cv = 0.0, 0.25
    if len(ratios) >= 8:
        mx = sum(x for x, _ in ratios) / len(ratios)
        my = sum(y for _, y in ratios) / len(ratios)
        sxx = sum((x - mx) ** 2 for x, _ in ratios)
        slope = sum((x - mx) * (y - my) for x, y in ratios) / sxx if sxx else 0.0
        cv = math.sqrt(sum((y - my) ** 2 for _, y in ratios) / (len(ratios) - 1))
    return _Model(base, factors[0], factors[1], slope, center, cv)


def forecast(history: History, calendar: Calendar, day: date) -> Forecast:
    """The forecast for ``day`` from the history before it (an empty one: no visits)."""
    opened = open_slots(calendar, day)
    model = _fit(history, calendar, day)
    row = model.base.get(day.weekday()) or _pooled(model.base)
    shaped = _smooth(row, opened)
    month, holiday = kinds(calendar, day)
    factor = (model.month_factor if month else 1.0) * (model.holiday_factor if holiday else 1.0)
    trend = min(1.3, max(0.7, 1 + model.slope * (day - model.center).days))
    factor *= trend
    slots = [Slot(k, shaped[k] * factor, *band(shaped[k] * factor, model.cv)) for k in opened]
    return Forecast(day, slots, factor, model.cv)


def band(mean: float, cv: float) -> tuple[int, int]:
    """The 80 % band of a count with this mean: Poisson noise and the day-to-day spread."""
    spread = Z80 * math.sqrt(mean + (cv * mean) ** 2)
    return max(0, math.floor(mean - spread)), math.ceil(mean + spread)


def _pooled(base: dict[int, list[float]]) -> list[float]:
    """A weekday never seen open: the mean of the others."""
    if not base:
        return [0.0] * SLOTS
    return [sum(row[k] for row in base.values()) / len(base) for k in range(SLOTS)]


@dataclass(frozen=True)
class BacktestDay:
    day: date
    mae: float
    naive_mae: float
    actual: int
    predicted: float


@dataclass(frozen=True)
class Backtest:
    days: list[BacktestDay]

    @property
    def mae(self) -> float:
        return sum(d.mae for d in self.days) / len(self.days) if self.days else 0.0

    @property
    def naive_mae(self) -> float:
        return sum(d.naive_mae for d in self.days) / len(self.days) if self.days else 0.0


def _naive(history: History, day: date) -> list[int] | None:
    for weeks in range(1, 5):
        before = history.get(day - timedelta(weeks=weeks))
        if before is not None:
            return before
    return None


def backtest(history: History, calendar: Calendar, weeks: int = 8) -> Backtest:
    """Each open day of the last ``weeks`` weeks, forecast from the days before it alone."""
    if not history:
        return Backtest([])
    last = max(history)
    found = []
    for day in sorted(d for d in history if d > last - timedelta(weeks=weeks)):
        naive = _naive(history, day)
        opened = open_slots(calendar, day)
        if naive is None or not opened:
            continue
        actual = history[day]
        result = forecast(history, calendar, day)
        means = {s.slot: s.mean for s in result.slots}
        mae = sum(abs(actual[k] - means[k]) for k in opened) / len(opened)
        naive_mae = sum(abs(actual[k] - naive[k]) for k in opened) / len(opened)
        found.append(BacktestDay(day, mae, naive_mae, sum(actual[k] for k in opened), result.total))
    return Backtest(found)
