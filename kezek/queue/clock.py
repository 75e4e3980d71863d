"""The office clock: UTC inside, the office's zone for business days, hours and display.

The clock is injectable (``now_fn``) so a test can run a whole office day in a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DayHours:
    open: time
    close: time
    lunch: tuple[time, time] | None = None


@dataclass(frozen=True)
class Schedule:
    """Weekly hours by ``date.weekday()`` (0 = Monday) and the public holidays."""

    zone: ZoneInfo
    week: dict[int, DayHours]
    holidays: frozenset[date] = frozenset()


@dataclass
class Clock:
    schedule: Schedule
    now_fn: Callable[[], datetime] = field(default=utcnow)

    def now(self) -> datetime:
        now = self.now_fn()
        if now.tzinfo is None:
            raise ValueError("the clock must give aware datetimes")
        return now.astimezone(UTC)

    def local(self, at: datetime | None = None) -> datetime:
        return (at or self.now()).astimezone(self.schedule.zone)

    def business_day(self, at: datetime | None = None) -> date:
        return self.local(at).date()

    def hours_on(self, day: date) -> DayHours | None:
        """The day's hours, or None when the office is closed all day (weekend, holiday)."""
        if day in self.schedule.holidays:
            return None
        return self.schedule.week.get(day.weekday())

    def open_day_from(self, day: date) -> date | None:
        """``day`` when the office is open on it, else the next day it is (None within a year)."""
        for offset in range(370):
            if self.hours_on(day + timedelta(days=offset)) is not None:
                return day + timedelta(days=offset)
        return None

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.schedule.zone).astimezone(UTC)

    def day_start(self, day: date | None = None) -> datetime:
        """Local midnight of a business day (today by default), in UTC."""
        return self._at(day or self.business_day(), time(0))

    def closing_at(self, day: date) -> datetime | None:
        hours = self.hours_on(day)
        return self._at(day, hours.close) if hours else None

    def open_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's open periods in UTC: one, or two around the lunch break (§10)."""
        hours = self.hours_on(day)
        if hours is None:
            return []
        if hours.lunch is None:
            return [(self._at(day, hours.open), self._at(day, hours.close))]
        return [
            (self._at(day, hours.open), self._at(day, hours.lunch[0])),
            (self._at(day, hours.lunch[1]), self._at(day, hours.close)),
        ]

    def is_open(self, at: datetime | None = None) -> bool:
        at = at or self.now()
        return any(start <= at < end for start, end in self.open_intervals(self.business_day(at)))

    def next_opening(self, at: datetime | None = None) -> datetime | None:
        """The next moment the office opens after ``at`` (None if it never does in a year)."""
        at = at or self.now()
        day = self.business_day(at)
        for offset in range(370):
            for start, _ in self.open_intervals(day + timedelta(days=offset)):
                if start > at:
                    return start
        return None

    def minutes_until_lunch(self, at: datetime | None = None) -> int | None:
        """Whole minutes until the lunch break starts today; None when no lunch is ahead."""
        at = at or self.now()
        intervals = self.open_intervals(self.business_day(at))
        if len(intervals) == 2 and at < intervals[0][1]:
            return int((intervals[0][1] - at).total_seconds() // 60)
        return None

    def minutes_until_closing(self, at: datetime | None = None) -> int | None:
        at = at or self.now()
        closing = self.closing_at(self.business_day(at))
        if closing is None or at >= closing:
            return None
        return int((closing - at).total_seconds() // 60)

    def open_minutes_between(self, start: datetime, end: datetime) -> float:
        """Minutes the office is open between two moments (lunch and nights excluded)."""
        total = 0.0
        day = self.business_day(start)
        while self._at(day, time(0)) < end:
            for a, b in self.open_intervals(day):
                lo, hi = max(a, start), min(b, end)
                if hi > lo:
                    total += (hi - lo).total_seconds() / 60
            day += timedelta(days=1)
        return total


class ManualClock:
    """A settable ``now_fn`` for tests and the demo generator."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at
