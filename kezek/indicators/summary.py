"""Writing the daily summary (``summary_tables``): a closed day's figures counted once from
its tickets, grouped by day and root service, by the same rules as ``waits`` and ``data``.

Only closed days are summarized: before ``today`` (the office's business day) and with no
ticket left open. ``summed`` counts every other day live, so a day is never wrong, only
slower while it is not summarized.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from kezek.indicators.summary_tables import (
    BAND_COLUMNS,
    DAY_LOCK,
    FIGURES,
    HOUR_COLUMNS,
    day_summaries,
    summary_days,
)
from kezek.indicators.waits import BUCKET_MINUTES, LAST_BUCKET, _line
from kezek.queue.models import Status, Ticket, table_of

OPEN = [Status.waiting, Status.called, Status.serving]
ROUND_DAYS = 7  # days a round of ``refresh_due`` summarizes at most (every 30 s)
Key = tuple[date, int]


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def utc_hour(session: Session, t: sa.Table) -> sa.ColumnElement[int]:
    """The UTC hour a ticket was taken (as ``data.arrivals`` reads it)."""
    if session.get_bind().dialect.name == "sqlite":
        return sa.cast(sa.func.substr(t.c.issued_at, 12, 2), sa.Integer)
    return sa.extract("hour", t.c.issued_at)


def _band(t: sa.Table) -> sa.ColumnElement[int]:
    return sa.case(
        (t.c.wait_seconds <= 0, 0),
        (t.c.wait_seconds > LAST_BUCKET * BUCKET_MINUTES * 60, LAST_BUCKET),
        else_=(t.c.wait_seconds - 1) // (BUCKET_MINUTES * 60),
    )


def _visit_rows(session: Session, where: list[sa.ColumnElement[bool]]) -> Iterable[Any]:
    t = table_of(Ticket)
    called = t.c.called_at.is_not(None)
    band = _band(t)
    return session.execute(
        sa.select(
            t.c.business_day,
            t.c.service_id,
            t.c.status,
            t.c.within_target,
            called,
            band,
            sa.func.count(),
        )
        .where(*where, t.c.wait_seconds.is_not(None), t.c.parent_id.is_(None))
        .group_by(t.c.business_day, t.c.service_id, t.c.status, t.c.within_target, called, band)
    ).all()


def _chain_rows(session: Session, where: list[sa.ColumnElement[bool]]) -> Iterable[Any]:
    """(day, root service, last row called, its status, the visit's verdict, visits) of the
    transferred visits (``waits._chain_ends``, by day and root service)."""
    t = table_of(Ticket)
    start = (
        sa.select(
            t.c.id.label("row_id"),
            t.c.business_day.label("day"),
            t.c.service_id.label("root_service"),
            sa.literal(True).label("called"),
            t.c.status.label("status"),
            t.c.within_target.label("verdict"),
        )
        .where(
            *where,
            t.c.wait_seconds.is_not(None),
            t.c.parent_id.is_(None),
            t.c.status == Status.transferred,
        )
        .cte("chain", recursive=True)
    )
    child = t.alias("child")
    chain = start.union_all(
        sa.select(
            child.c.id,
            start.c.day,
            start.c.root_service,
            child.c.called_at.is_not(None),
            child.c.status,
            start.c.verdict,
        ).where(child.c.parent_id == start.c.row_id)
    )
    keys = (chain.c.day, chain.c.root_service, chain.c.called, chain.c.status, chain.c.verdict)
    return session.execute(
        sa.select(*keys, sa.func.count())
        .where(chain.c.status != Status.transferred)
        .group_by(*keys)
    ).all()


def figures(session: Session, office_id: int, days: list[date]) -> dict[Key, dict[str, int]]:
    """(day, root service) → the summary's figures, counted from the tickets of ``days``."""
    t = table_of(Ticket)
    where = [
        t.c.office_id == office_id,
        t.c.business_day >= min(days),
        t.c.business_day <= max(days),
        t.c.business_day.in_(days),
    ]
    found: dict[Key, dict[str, int]] = {}

    def at(day: Any, service: Any) -> dict[str, int]:
        return found.setdefault((_day(day), int(service)), dict.fromkeys(FIGURES, 0))

    for day, service, status, within, called, band, count in _visit_rows(session, where):
        row, n = at(day, service), int(count)
        row[BAND_COLUMNS[min(int(band), LAST_BUCKET)]] += n
        if within is not None:
            row["judged"] += n
            row["within"] += n if within else 0
        if status == Status.transferred:
            continue  # its line is its chain's last row's
        row["served"] += n if status == Status.served else 0
        unsure = within is False and status in (Status.closed, Status.cancelled)
        if unsure:
            row[_line(bool(called), str(status), False)] += n
        else:
            row["in_time" if within else "late" if within is False else "left_before"] += n
    for day, service, called, status, verdict, count in _chain_rows(session, where):
        row, n = at(day, service), int(count)
        row[_line(bool(called), str(status), verdict)] += n
        row["served"] += n if status == Status.served else 0
    hour = utc_hour(session, t)
    for day, service, utc, count in session.execute(
        sa.select(t.c.business_day, t.c.service_id, hour, sa.func.count())
        .where(*where, t.c.parent_id.is_(None))
        .group_by(t.c.business_day, t.c.service_id, hour)
    ).all():
        at(day, service)[HOUR_COLUMNS[int(utc)]] += int(count)
    return found


def closed_days(session: Session, office_id: int, days: list[date], today: date) -> list[date]:
    """Those of ``days`` that are closed: before today and with no ticket open."""
    past = [d for d in days if d < today]
    if not past:
        return []
    t = table_of(Ticket)
    open_days = {
        _day(d)
        for (d,) in session.execute(
            sa.select(t.c.business_day)
            .distinct()
            .where(
                t.c.office_id == office_id,
                t.c.business_day >= min(past),
                t.c.business_day <= max(past),
                t.c.status.in_(OPEN),
            )
        ).all()
    }
    return [d for d in past if d not in open_days]


def refresh(session: Session, office_id: int, days: list[date], today: date) -> int:
    """Summarize ``days`` (those closed) afresh from their tickets; returns how many."""
    days = sorted(set(days))
    if session.get_bind().dialect.name == "postgresql":
        for day in (d for d in days if d < today):  # in order: two rounds never cross
            # A write to the day's tickets in flight commits first; one after waits for this.
            session.execute(sa.text(DAY_LOCK), {"office_id": office_id, "day": day})
    days = closed_days(session, office_id, days, today)
    if not days:
        return 0
    for table in (day_summaries, summary_days):
        session.execute(
            sa.delete(table).where(table.c.office_id == office_id, table.c.business_day.in_(days))
        )
    rows = [
        {"office_id": office_id, "business_day": day, "service_id": service, **values}
        for (day, service), values in figures(session, office_id, days).items()
    ]
    if rows:
        session.execute(sa.insert(day_summaries), rows)
    session.execute(
        sa.insert(summary_days), [{"office_id": office_id, "business_day": d} for d in days]
    )
    return len(days)


def missing_days(session: Session, office_id: int, today: date) -> list[date]:
    """Past days from the office's first ticket not summarized (never, or made stale)."""
    t = table_of(Ticket)
    first = session.execute(
        sa.select(sa.func.min(t.c.business_day)).where(t.c.office_id == office_id)
    ).scalar()
    if first is None:
        return []
    first = _day(first)
    have = {
        _day(d)
        for (d,) in session.execute(
            sa.select(summary_days.c.business_day).where(summary_days.c.office_id == office_id)
        ).all()
    }
    count = (today - first).days
    return [d for d in (first + timedelta(days=i) for i in range(count)) if d not in have]


def refresh_due(session: Session, office_id: int, today: date, limit: int = ROUND_DAYS) -> int:
    """The server's closer: the oldest ``limit`` past days not summarized, summarized."""
    return refresh(session, office_id, missing_days(session, office_id, today)[:limit], today)


def rebuild(
    transaction: Callable[[], Any],
    office_id: int,
    start: date,
    end: date,
    today: date,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = 92,
) -> int:
    """Summarize every day of ``start``…``end`` again from the tickets, ``chunk`` days per
    transaction (``transaction()`` opens one: a context manager giving a session)."""
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    done = summarized = 0
    for i in range(0, len(days), chunk):
        part = days[i : i + chunk]
        with transaction() as session:
            summarized += refresh(session, office_id, part, today)
        done += len(part)
        if progress:
            progress(done, len(days))
    return summarized
