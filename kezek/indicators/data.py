"""The SQL aggregates behind the report's pictures, and the one rule that picks a visit's
row: data out, no drawing (``charts``) and no table (``table``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from kezek.queue.models import Ticket, table_of

BUCKET_MINUTES = 5
LAST_BUCKET = 18  # 90 minutes and more


def first_wait_condition() -> sa.ColumnElement[bool]:
    """The ticket row that holds its visit's wait: each visit counted once (appendix 1.2).

    A waiting ticket moved to another queue is re-routed in place; one moved after a call
    ends as *transferred* and its visit goes on in a child row (``parent_id`` set) that
    keeps the first issue time. So the first wait of every visit is on its root row.
    """
    t = table_of(Ticket)
    return t.c.parent_id.is_(None)


def wait_histogram(session: Session, office_id: int, start: date, end: date) -> list[int]:
    """Visits per 5-minute band of waiting: band i holds waits in (5i, 5i + 5] minutes, so
    exactly 40 minutes falls in the last band within the target; the last band is 90+."""
    t = table_of(Ticket)
    band = sa.case(
        (t.c.wait_seconds <= 0, 0),
        (t.c.wait_seconds > LAST_BUCKET * BUCKET_MINUTES * 60, LAST_BUCKET),
        else_=(t.c.wait_seconds - 1) // (BUCKET_MINUTES * 60),
    )
    rows = session.execute(
        sa.select(band, sa.func.count())
        .where(
            t.c.office_id == office_id,
            t.c.business_day >= start,
            t.c.business_day <= end,
            t.c.wait_seconds.is_not(None),
            first_wait_condition(),
        )
        .group_by(band)
    ).all()
    counts = [0] * (LAST_BUCKET + 1)
    for index, count in rows:
        counts[min(int(index), LAST_BUCKET)] += int(count)
    return counts


def arrivals(
    session: Session, office_id: int, start: date, end: date, zone: ZoneInfo
) -> dict[tuple[int, int], int]:
    """Visits by (weekday 0 = Monday, local hour of taking the ticket).

    SQL groups by day and UTC hour (a few thousand groups a year); the office zone is
    applied here, so a change of UTC offset is honoured day by day.
    """
    t = table_of(Ticket)
    hour: sa.ColumnElement[int]
    if session.get_bind().dialect.name == "sqlite":  # stored as "YYYY-MM-DD HH:MM:SS.ffffff"
        hour = sa.cast(sa.func.substr(t.c.issued_at, 12, 2), sa.Integer)  # strftime: 1.5× slower
    else:
        hour = sa.extract("hour", t.c.issued_at)
    rows = session.execute(
        sa.select(t.c.business_day, hour, sa.func.count())
        .where(
            t.c.office_id == office_id,
            t.c.business_day >= start,
            t.c.business_day <= end,
            t.c.parent_id.is_(None),
        )
        .group_by(t.c.business_day, hour)
    ).all()
    result: dict[tuple[int, int], int] = {}
    for day, utc_hour, count in rows:
        day = day if isinstance(day, date) else date.fromisoformat(str(day))
        local_hour = _local_hour(day, int(utc_hour), zone)
        key = (day.weekday(), local_hour)
        result[key] = result.get(key, 0) + int(count)
    return result


def _local_hour(day: date, utc_hour: int, zone: ZoneInfo) -> int:
    for shift in (0, -1, 1):
        moment = datetime.combine(day + timedelta(days=shift), time(utc_hour, 30), tzinfo=UTC)
        local = moment.astimezone(zone)
        if local.date() == day:
            return local.hour
    return utc_hour


def daily_share(
    session: Session, office_id: int, start: date, end: date
) -> list[tuple[date, int, int]]:
    """(day, visits within the target, visits) for each day that had visits."""
    t = table_of(Ticket)
    within = sa.func.coalesce(sa.func.sum(sa.case((t.c.within_target.is_(True), 1), else_=0)), 0)
    rows = session.execute(
        sa.select(t.c.business_day, within, sa.func.count())
        .where(
            t.c.office_id == office_id,
            t.c.business_day >= start,
            t.c.business_day <= end,
            t.c.wait_seconds.is_not(None),
            first_wait_condition(),
        )
        .group_by(t.c.business_day)
        .order_by(t.c.business_day)
    ).all()
    return [
        (d if isinstance(d, date) else date.fromisoformat(str(d)), int(w), int(n))
        for d, w, n in rows
    ]
