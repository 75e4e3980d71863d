"""The report's visit figures over a period: the summarized days from ``day_summaries``
(``summary``), every other day — today, a day still open or made stale by a late change —
counted live from the tickets by ``waits`` / ``data``, and the two added up.

The same answers as ``waits.visit_counts``, ``waits.wait_histogram``, ``waits.daily_share``
and ``data.arrivals`` over the whole period (tests/test_day_summary.py checks it).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from kezek.indicators import data, waits
from kezek.indicators.summary_tables import (
    BAND_COLUMNS,
    HOUR_COLUMNS,
    LINES,
    day_summaries,
    summary_days,
)

Run = tuple[date, date]


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def live_runs(session: Session, office_id: int, start: date, end: date) -> list[Run]:
    """The stretches of ``start``…``end`` without a summary: counted from the tickets."""
    m = summary_days
    covered = sorted(
        _day(d)
        for (d,) in session.execute(
            sa.select(m.c.business_day).where(
                m.c.office_id == office_id, m.c.business_day >= start, m.c.business_day <= end
            )
        ).all()
    )
    runs: list[Run] = []
    cursor = start
    for day in covered:
        if day > cursor:
            runs.append((cursor, day - timedelta(days=1)))
        cursor = day + timedelta(days=1)
    if cursor <= end:
        runs.append((cursor, end))
    return runs


def _stored(
    office_id: int, start: date, end: date, service_id: int | None
) -> list[sa.ColumnElement[bool]]:
    """Summary rows of the period's summarized days, of the measured services (or one)."""
    d, m = day_summaries, summary_days
    current = sa.exists().where(
        m.c.office_id == d.c.office_id, m.c.business_day == d.c.business_day
    )
    return [
        waits.in_period(d, office_id, start, end),
        current,
        waits.measured(d, office_id, service_id),
    ]


def _sums(columns: tuple[str, ...]) -> list[sa.ColumnElement[int]]:
    return [sa.func.coalesce(sa.func.sum(day_summaries.c[name]), 0) for name in columns]


def visit_counts(
    session: Session, office_id: int, start: date, end: date, service_id: int | None = None
) -> dict[str, int]:
    """``waits.visit_counts`` over the period."""
    row = session.execute(
        sa.select(*_sums(LINES)).where(*_stored(office_id, start, end, service_id))
    ).one()
    found = {name: int(value) for name, value in zip(LINES, row, strict=True)}
    for first, last in live_runs(session, office_id, start, end):
        for name, value in waits.visit_counts(session, office_id, first, last, service_id).items():
            found[name] += value
    return found


def wait_histogram(
    session: Session, office_id: int, start: date, end: date, service_id: int | None = None
) -> list[int]:
    """``waits.wait_histogram`` over the period."""
    row = session.execute(
        sa.select(*_sums(BAND_COLUMNS)).where(*_stored(office_id, start, end, service_id))
    ).one()
    counts = [int(value) for value in row]
    for first, last in live_runs(session, office_id, start, end):
        live = waits.wait_histogram(session, office_id, first, last, service_id)
        counts = [a + b for a, b in zip(counts, live, strict=True)]
    return counts


def daily_share(
    session: Session, office_id: int, start: date, end: date, service_id: int | None = None
) -> list[tuple[date, int, int]]:
    """``waits.daily_share`` over the period."""
    d = day_summaries
    within, judged = _sums(("within", "judged"))
    rows = session.execute(
        sa.select(d.c.business_day, within, judged)
        .where(*_stored(office_id, start, end, service_id))
        .group_by(d.c.business_day)
    ).all()
    days = [(_day(day), int(w), int(n)) for day, w, n in rows if n]
    for first, last in live_runs(session, office_id, start, end):
        days += waits.daily_share(session, office_id, first, last, service_id)
    return sorted(days)


def arrivals(
    session: Session, office_id: int, start: date, end: date, zone: ZoneInfo
) -> dict[tuple[int, int], int]:
    """``data.arrivals`` over the period: visits by (weekday, local hour), every service."""
    d, m = day_summaries, summary_days
    current = sa.exists().where(
        m.c.office_id == d.c.office_id, m.c.business_day == d.c.business_day
    )
    rows = session.execute(
        sa.select(d.c.business_day, *_sums(HOUR_COLUMNS))
        .where(waits.in_period(d, office_id, start, end), current)
        .group_by(d.c.business_day)
    ).all()
    result: dict[tuple[int, int], int] = {}
    for day, *hours in rows:
        day = _day(day)
        for utc_hour, count in enumerate(hours):
            if count:
                key = (day.weekday(), data.local_hour_of(day, utc_hour, zone))
                result[key] = result.get(key, 0) + int(count)
    for first, last in live_runs(session, office_id, start, end):
        for key, count in data.arrivals(session, office_id, first, last, zone).items():
            result[key] = result.get(key, 0) + count
    return result
