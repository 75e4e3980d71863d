"""The SQL aggregates behind the appendix table and the report's pictures, the one rule that
picks a visit's row and the one period filter: data out, no drawing (``charts``) and no table
rows (``table``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from kezek.indicators.models import Complaint, Feedback, IndicatorTarget
from kezek.intake.models import Application
from kezek.queue.models import Office, Status, Ticket, table_of

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


def in_period(t: sa.Table, office_id: int, start: date, end: date) -> sa.ColumnElement[bool]:
    """The rows of this office whose business day is in ``start``…``end`` (inclusive)."""
    return sa.and_(t.c.office_id == office_id, t.c.business_day >= start, t.c.business_day <= end)


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
            in_period(t, office_id, start, end),
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
            in_period(t, office_id, start, end),
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
            in_period(t, office_id, start, end),
            t.c.wait_seconds.is_not(None),
            t.c.within_target.is_not(None),  # left before the target: out of 1.2
            first_wait_condition(),
        )
        .group_by(t.c.business_day)
        .order_by(t.c.business_day)
    ).all()
    return [
        (d if isinstance(d, date) else date.fromisoformat(str(d)), int(w), int(n))
        for d, w, n in rows
    ]


def count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def waits(session: Session, office_id: int, start: date, end: date) -> tuple[int, int]:
    """(visits whose wait ended within their target, visits whose wait ended): 1.2."""
    t = table_of(Ticket)
    row = session.execute(
        sa.select(count_if(t.c.within_target.is_(True)), sa.func.count()).where(
            in_period(t, office_id, start, end),
            t.c.wait_seconds.is_not(None),
            t.c.within_target.is_not(None),  # left before the target: out of 1.2
            first_wait_condition(),
        )
    ).one()
    return int(row[0]), int(row[1])


WAIT_LINES = ("in_time", "late", "closed_unserved", "left_after", "left_before")


def wait_lines(session: Session, office_id: int, start: date, end: date) -> dict[str, int]:
    """The lines beside 1.2 (issue 13): visits called in time, called late, closed unserved,
    cancelled after the target (these four are 1.2's denominator) and left before it.

    Read from the row where each visit's wait ended (its last, not transferred): it holds
    the visit's sum and verdict (``kezek.queue.visits``), as its root row does.
    """
    t = table_of(Ticket)
    called = t.c.called_at.is_not(None)
    row = session.execute(
        sa.select(
            count_if(sa.and_(called, t.c.within_target.is_(True))),
            count_if(sa.and_(called, t.c.within_target.is_(False))),
            count_if(sa.and_(~called, t.c.status == Status.closed)),
            count_if(sa.and_(~called, t.c.status != Status.closed, t.c.within_target.is_(False))),
            count_if(t.c.within_target.is_(None)),
        ).where(
            in_period(t, office_id, start, end),
            t.c.wait_seconds.is_not(None),
            t.c.status != Status.transferred,
        )
    ).one()
    return {name: int(value) for name, value in zip(WAIT_LINES, row, strict=True)}


def served_visits(session: Session, office_id: int, start: date, end: date) -> int:
    """Applicants served: a visit ends in at most one *served* row (4.1's denominator)."""
    t = table_of(Ticket)
    return int(
        session.execute(
            sa.select(sa.func.count()).where(
                in_period(t, office_id, start, end),
                t.c.status == Status.served,
            )
        ).scalar_one()
    )


FEEDBACK_COLUMNS = {
    "2.1": "process_ok",
    "3.1": "info_ok",
    "4.3": "complaint_procedure_ok",
    "4.4": "complaint_timing_ok",
    "5.1": "polite_ok",
}


def feedback_counts(
    session: Session, office_id: int, start: date, end: date
) -> dict[str, tuple[int, int]]:
    """Per question: (satisfied, answered). Skipped and "did not complain" are not answers."""
    f = table_of(Feedback)
    columns = []
    for name in FEEDBACK_COLUMNS.values():
        columns += [count_if(f.c[name].is_(True)), count_if(f.c[name].is_not(None))]
    row = session.execute(sa.select(*columns).where(in_period(f, office_id, start, end))).one()
    return {code: (int(row[2 * i]), int(row[2 * i + 1])) for i, code in enumerate(FEEDBACK_COLUMNS)}


def complaint_counts(
    session: Session, office_id: int, start: date, end: date, as_of: date
) -> tuple[int, int, int]:
    """(justified, justified answered by the due date *and satisfied*, justified whose
    outcome is known): 4.1's numerator and 4.2.

    A justified complaint still unanswered before its due date is pending: not yet in 4.2.
    One unanswered past its due date counts as late. The due date is judged by the first
    answer's date, which an amendment never moves (issue 13).
    """
    c = table_of(Complaint)
    justified = c.c.justified.is_(True)
    in_term = sa.and_(
        justified,
        c.c.answered_on.is_not(None),
        c.c.answered_on <= c.c.answer_due,
        c.c.satisfied.is_(True),
    )
    known = sa.and_(justified, sa.or_(c.c.answered_on.is_not(None), c.c.answer_due < as_of))
    row = session.execute(
        sa.select(count_if(justified), count_if(in_term), count_if(known)).where(
            c.c.office_id == office_id, c.c.received_on >= start, c.c.received_on <= end
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def targets(session: Session, office_id: int, year: int) -> dict[str, float]:
    rows = session.execute(
        sa.select(IndicatorTarget.code, IndicatorTarget.value).where(  # type: ignore[call-overload]
            IndicatorTarget.office_id == office_id, IndicatorTarget.year == year
        )
    ).all()
    return {code: float(value) for code, value in rows}


def _utc_bounds(
    session: Session, office_id: int, start: date, end: date
) -> tuple[datetime, datetime]:
    """The period's business days as UTC instants [from, to) in the office's zone."""
    zone = ZoneInfo(
        session.execute(
            sa.select(Office.timezone).where(  # type: ignore[call-overload]
                Office.id == office_id
            )
        ).scalar_one()
    )
    begin = datetime.combine(start, time(0), tzinfo=zone).astimezone(UTC)
    after = datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return begin, after


def intake_counts(
    session: Session, office_id: int, start: date, end: date, as_of: date
) -> dict[str, tuple[int, int]]:
    """1.1, 2.2 and 3.2 from the applications (kezek.intake documents the columns).

    * 1.1 — applications accepted in the period: decided on or before the deadline (§7),
      out of those decided plus those still undecided past their deadline (already late).
    * 2.2 — applications accepted in the period and not marked as corrected by a supervisor.
    * 3.2 — applications opened in the period whose first visit ended: complete then.
    """
    a = table_of(Application)
    begin, after = _utc_bounds(session, office_id, start, end)
    accepted = sa.and_(
        a.c.office_id == office_id, a.c.accepted_at >= begin, a.c.accepted_at < after
    )
    known = sa.or_(a.c.decided_in_term.is_not(None), a.c.deadline < as_of)
    row = session.execute(
        sa.select(
            count_if(a.c.decided_in_term.is_(True)),
            count_if(known),
            count_if(a.c.corrected_at.is_(None)),
            sa.func.count(),
        ).where(accepted)
    ).one()
    first = session.execute(
        sa.select(count_if(a.c.complete_on_first_visit.is_(True)), sa.func.count()).where(
            a.c.office_id == office_id,
            a.c.opened_at >= begin,
            a.c.opened_at < after,
            a.c.complete_on_first_visit.is_not(None),
        )
    ).one()
    return {
        "1.1": (int(row[0]), int(row[1])),
        "2.2": (int(row[2]), int(row[3])),
        "3.2": (int(first[0]), int(first[1])),
    }
