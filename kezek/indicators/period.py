"""A reporting period of business days (inclusive), and its parsing from a form."""

from __future__ import annotations

import calendar as _calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from kezek.i18n import N_
from kezek.web_bounds import number

# Issue 14 §7: no report of year 0001 or 9999 (dates past 9999 overflow; nobody means them).
FIRST_YEAR, LAST_YEAR = 2000, 2100
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class PeriodError(ValueError):
    """A period nobody can have meant; ``message`` is a msgid, shown in the reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if not (
            FIRST_YEAR <= self.start.year <= LAST_YEAR and FIRST_YEAR <= self.end.year <= LAST_YEAR
        ):
            raise PeriodError(N_("Reports cover the years 2000 to 2100."))
        if self.end < self.start:
            raise PeriodError(N_("The period ends before it starts."))
        if (self.end - self.start).days > 3 * 366:
            raise PeriodError(N_("A period is at most three years."))

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


def _int(params: Mapping[str, str], key: str, default: int, low: int, high: int) -> int:
    raw = params.get(key)
    value = number(raw, low=low, high=high) if raw else default
    if value is None:
        raise PeriodError(INVALID)
    return value


def _date(params: Mapping[str, str], key: str, default: date) -> date:
    raw = params.get(key)
    if not raw:
        return default
    if not ISO_DATE.fullmatch(raw):
        raise PeriodError(INVALID)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise PeriodError(INVALID) from None


INVALID = N_("That period is not valid.")


def parse_period(params: Mapping[str, str], today: date) -> Period:
    """A period from a form: ``period`` = year | quarter | month | range, with ``year``,
    ``quarter``, ``month`` or ``from``/``to`` (YYYY-MM-DD). Raises PeriodError on nonsense:
    ASCII digits only, years 2000–2100, from ≤ to, at most three years."""
    kind = params.get("period") or "year"
    year = _int(params, "year", today.year, FIRST_YEAR, LAST_YEAR)
    if kind == "year":
        return Period.year(year)
    if kind == "quarter":
        return Period.quarter(year, _int(params, "quarter", (today.month - 1) // 3 + 1, 1, 4))
    if kind == "month":
        return Period.month(year, _int(params, "month", today.month, 1, 12))
    if kind == "range":
        start = _date(params, "from", today.replace(day=1))
        return Period(start, _date(params, "to", today))
    raise PeriodError(INVALID)
