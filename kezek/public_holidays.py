"""Public holidays and working days (issue 13, item 8; the complaint term, item 5).

Kazakhstan's statutory holidays, and the government's transferred days off where the
``holidays`` library knows them (e.g. Friday 3 January 2025), come from that library; the
office profile adds its own dates (``holidays``) and may turn the library off
(``statutory_holidays = false``). A *working day* is Monday to Friday that is not one of
those holidays (the Labour Code's five-day week): the complaint term counts these, whatever
days the office receives visitors on.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

import holidays as holidays_lib

COUNTRY = "KZ"
YEARS = range(2000, 2051)


@cache
def statutory(country: str = COUNTRY) -> frozenset[date]:
    """The country's public holidays and transferred days off, 2000–2050."""
    return frozenset(holidays_lib.country_holidays(country, years=YEARS))


def office_holidays(own: Iterable[date], use_statutory: bool = True) -> frozenset[date]:
    """The days the office is closed all day besides its weekly schedule."""
    days = frozenset(own)
    return days | statutory() if use_statutory else days


def is_working_day(day: date, closed: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in closed


def add_working_days(start: date, count: int, closed: frozenset[date]) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself is not counted)."""
    day = start
    left = count
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, closed):
            left -= 1
    return day
