"""A reporting period of business days (inclusive), and its parsing from a form."""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("the period ends before it starts")
        if (self.end - self.start).days > 3 * 366:
            raise ValueError("a period is at most three years")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise ValueError("a quarter is 1 to 4")
        first = 3 * (quarter - 1) + 1
        return cls(date(year, first, 1), cls.month(year, first + 2).end)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(date(year, month, 1), date(year, month, _calendar.monthrange(year, month)[1]))

    def months(self) -> list[Period]:
        """The period cut at month ends (progress over a long export)."""
        parts: list[Period] = []
        day = self.start
        while day <= self.end:
            end = min(self.end, Period.month(day.year, day.month).end)
            parts.append(Period(day, end))
            day = end + timedelta(days=1)
        return parts


def parse_period(params: Mapping[str, str], today: date) -> Period:
    """A period from a form: ``period`` = year | quarter | month | range, with ``year``,
    ``quarter``, ``month`` or ``from``/``to`` (ISO dates). Raises ValueError on nonsense."""
    kind = params.get("period") or "year"
    year = int(params.get("year") or today.year)
    if not 2000 <= year <= 2100:
        raise ValueError("year out of range")
    if kind == "year":
        return Period.year(year)
    if kind == "quarter":
        return Period.quarter(year, int(params.get("quarter") or (today.month - 1) // 3 + 1))
    if kind == "month":
        month = int(params.get("month") or today.month)
        if not 1 <= month <= 12:
            raise ValueError("month out of range")
        return Period.month(year, month)
    if kind == "range":
        start = date.fromisoformat(params.get("from") or today.replace(day=1).isoformat())
        end = date.fromisoformat(params.get("to") or today.isoformat())
        return Period(start, end)
    raise ValueError("unknown kind of period")
