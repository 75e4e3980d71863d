"""The visit aggregates behind 1.2, its lines, the wait pictures and 4.1's denominator.

They count the visits of the services the standard's appendix measures (each service in the
profile says so: ``appendix``), or of one service when one is asked for (issue 13, item 6).
A visit belongs to the service it was first issued for: its root row's (``queue.visits``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from kezek.queue.models import Service, Status, Ticket, table_of

BUCKET_MINUTES = 5
LAST_BUCKET = 18  # 90 minutes and more
WAIT_LINES = ("in_time", "late", "closed_unserved", "left_after", "left_before")


def first_wait_condition() -> sa.ColumnElement[bool]:
    """The ticket row that holds its visit's figures: each visit counted once (1.2).

    A waiting ticket moved to another queue is re-routed in place; one moved after a call
    ends as *transferred* and its visit goes on in a child row (``parent_id`` set). The
    visit's sum of waits and its verdict are written on its root row (``queue.visits``).
    """
    t = table_of(Ticket)
    return t.c.parent_id.is_(None)


def in_period(t: sa.Table, office_id: int, start: date, end: date) -> sa.ColumnElement[bool]:
    """The rows of this office whose business day is in ``start``…``end`` (inclusive)."""
    return sa.and_(t.c.office_id == office_id, t.c.business_day >= start, t.c.business_day <= end)


def count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def measured(t: sa.Table, office_id: int, service_id: int | None = None) -> sa.ColumnElement[bool]:
    """Rows of the services the appendix measures (``Service.appendix``), or of one."""
    if service_id is not None:
        return t.c.service_id == service_id
    s = table_of(Service)
    return t.c.service_id.in_(
        sa.select(s.c.id).where(s.c.office_id == office_id, s.c.appendix.is_(True))
    )


def _visits(
    office_id: int, start: date, end: date, service_id: int | None
) -> list[sa.ColumnElement[bool]]:
    """Root rows of measured visits whose wait has ended, in the period."""
    t = table_of(Ticket)
    return [
        in_period(t, office_id, start, end),
        t.c.wait_seconds.is_not(None),
        first_wait_condition(),
        measured(t, office_id, service_id),
    ]


def wait_histogram(
    session: Session, office_id: int, start: date, end: date, service_id: int | None = None
) -> list[int]:
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
        .where(*_visits(office_id, start, end, service_id))
        .group_by(band)
    ).all()
    counts = [0] * (LAST_BUCKET + 1)
    for index, count in rows:
        counts[min(int(index), LAST_BUCKET)] += int(count)
    return counts


def daily_share(
    session: Session, office_id: int, start: date, end: date, service_id: int | None = None
) -> list[tuple[date, int, int]]:
    """(day, visits within the target, visits) for each day that had visits."""
    t = table_of(Ticket)
    rows = session.execute(
        sa.select(t.c.business_day, count_if(t.c.within_target.is_(True)), sa.func.count())
        .where(
            *_visits(office_id, start, end, service_id),
            t.c.within_target.is_not(None),  # left before the target: out of 1.2
        )
        .group_by(t.c.business_day)
        .order_by(t.c.business_day)
    ).all()
    return [
        (d if isinstance(d, date) else date.fromisoformat(str(d)), int(w), int(n))
        for d, w, n in rows
    ]


def waits(
    session: Session, office_id: int, start: date, end: date, service_id: int | None = None
) -> tuple[int, int]:
    """(visits whose wait ended within their target, visits whose wait ended): 1.2."""
    t = table_of(Ticket)
    row = session.execute(
        sa.select(count_if(t.c.within_target.is_(True)), sa.func.count()).where(
            *_visits(office_id, start, end, service_id),
            t.c.within_target.is_not(None),  # left before the target: out of 1.2
        )
    ).one()
    return int(row[0]), int(row[1])


def _line(called: bool, status: str, within: bool | None) -> str:
    if within is None:
        return "left_before"
    if called:
        return "in_time" if within else "late"
    return "closed_unserved" if status == Status.closed else "left_after"


def visit_counts(
    session: Session, office_id: int, start: date, end: date, service_id: int | None = None
) -> dict[str, int]:
    """1.2, its lines and the visits served (4.1), from one pass over the visits index.

    The lines beside 1.2 (issue 13): called in time, called late, closed unserved, cancelled
    after the target (these four are 1.2's denominator) and left before it. How a visit's
    wait ended is on its last row: the root's own for most (its status); for the few closed
    or cancelled past the target, whether they were called is read row by row; for the few
    transferred, the last row of the chain (``_last_rows``). No GROUP BY: with one, SQLite
    read the table through another index, 3× slower (bench/indicators_bench.py).
    """
    t = table_of(Ticket)
    visits = _visits(office_id, start, end, service_id)
    status, within = t.c.status, t.c.within_target
    moving = status == Status.transferred
    unsure = sa.and_(within.is_(False), status.in_([Status.closed, Status.cancelled]))
    row = session.execute(
        sa.select(
            count_if(sa.and_(within.is_(True), ~moving)),
            count_if(sa.and_(within.is_(False), ~moving, ~unsure)),
            count_if(sa.and_(within.is_(None), ~moving)),
            count_if(status == Status.served),
            count_if(unsure),
            count_if(moving),
        ).where(*visits)
    ).one()
    found = dict.fromkeys(WAIT_LINES, 0)
    found["in_time"], found["late"], found["left_before"] = int(row[0]), int(row[1]), int(row[2])
    served = int(row[3])
    if row[4]:
        called = t.c.called_at.is_not(None)
        for was_called, how, count in session.execute(
            sa.select(called, status, sa.func.count())
            .where(*visits, unsure)
            .group_by(called, status)
        ).all():
            found[_line(bool(was_called), str(how), False)] += int(count)
    if row[5]:
        for was_called, how, verdict, count in session.execute(_chain_ends(visits)).all():
            found[_line(bool(was_called), str(how), verdict)] += int(count)
            served += int(count) if how == Status.served else 0
    found["served"] = served
    return found


def _chain_ends(visits: list[sa.ColumnElement[bool]]) -> sa.Select[Any]:
    """(called, status, the visit's verdict, visits) of the last rows of the transferred
    visits: their transfer rows followed in SQL (WITH RECURSIVE), by the parent index."""
    t = table_of(Ticket)
    start = (
        sa.select(
            t.c.id.label("row_id"),
            sa.literal(True).label("called"),
            t.c.status.label("status"),
            t.c.within_target.label("verdict"),
        )
        .where(*visits, t.c.status == Status.transferred)
        .cte("chain", recursive=True)
    )
    child = t.alias("child")
    chain = start.union_all(
        sa.select(
            child.c.id, child.c.called_at.is_not(None), child.c.status, start.c.verdict
        ).where(child.c.parent_id == start.c.row_id)
    )
    return (
        sa.select(chain.c.called, chain.c.status, chain.c.verdict, sa.func.count())
        .where(chain.c.status != Status.transferred)
        .group_by(chain.c.called, chain.c.status, chain.c.verdict)
    )


def wait_lines(
    session: Session, office_id: int, start: date, end: date, service_id: int | None = None
) -> dict[str, int]:
    """The lines beside 1.2 (``visit_counts``)."""
    found = visit_counts(session, office_id, start, end, service_id)
    return {name: found[name] for name in WAIT_LINES}


def served_visits(
    session: Session, office_id: int, start: date, end: date, service_id: int | None = None
) -> int:
    """Applicants served (4.1's denominator): visits of the measured services ("of this
    type of service": the service first issued) that ended served, on their last row."""
    return visit_counts(session, office_id, start, end, service_id)["served"]
