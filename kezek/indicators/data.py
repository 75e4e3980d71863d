"""The SQL aggregates behind the appendix table and the report's pictures: data out, no
drawing (``charts``) and no table rows (``table``). The visit aggregates (1.2, its lines, the
wait pictures, 4.1's denominator) and the period filter live in ``waits``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from kezek.indicators.models import Complaint, Feedback, IndicatorTarget
from kezek.indicators.waits import (
    BUCKET_MINUTES,
    LAST_BUCKET,
    WAIT_LINES,
    count_if,
    daily_share,
    first_wait_condition,
    in_period,
    measured,
    served_visits,
    visit_counts,
    wait_histogram,
    wait_lines,
    waits,
)
from kezek.intake.models import Application
from kezek.queue.models import Office, Ticket, table_of

__all__ = [  # the visit aggregates are re-exported from ``waits``
    "BUCKET_MINUTES",
    "LAST_BUCKET",
    "WAIT_LINES",
    "arrivals",
    "complaint_counts",
    "count_if",
    "daily_share",
    "feedback_counts",
    "first_wait_condition",
    "in_period",
    "intake_counts",
    "local_hour_of",
    "measured",
    "served_visits",
    "targets",
    "visit_counts",
    "wait_histogram",
    "wait_lines",
    "waits",
]


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
        local_hour = local_hour_of(day, int(utc_hour), zone)
        key = (day.weekday(), local_hour)
        result[key] = result.get(key, 0) + int(count)
    return result


def local_hour_of(day: date, utc_hour: int, zone: ZoneInfo) -> int:
    for shift in (0, -1, 1):
        moment = datetime.combine(day + timedelta(days=shift), time(utc_hour, 30), tzinfo=UTC)
        local = moment.astimezone(zone)
        if local.date() == day:
            return local.hour
    return utc_hour


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
