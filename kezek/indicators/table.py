"""The appendix table of the service standard, for any period, computed in SQL.

Each of the 12 rows has the norm from the standard, the target for the year (§20, entered by
a supervisor) and the current value with the counts behind it. Where nothing can be computed
(the denominator is empty) the value is ``None``: "no data", never 0 % or 100 %.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from kezek.i18n import N_
from kezek.indicators import data
from kezek.indicators.models import Complaint, Feedback, IndicatorTarget
from kezek.intake.models import Application
from kezek.queue.models import Office, Status, Ticket, table_of


@dataclass(frozen=True)
class Indicator:
    code: str
    title: str  # msgid
    norm: float
    measure: str  # msgid: how the product measures it
    at_most: bool = False  # 4.1: the norm is a maximum


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "1.1",
        N_("Cases served within the set term from submission of documents"),
        99,
        N_("decisions made no later than 10 calendar days after acceptance"),
    ),
    Indicator(
        "1.2",
        N_("Applicants who waited in the queue no more than 40 minutes"),
        100,
        N_("ticket issued to ticket called, each visit once"),
    ),
    Indicator(
        "2.1", N_("Satisfied with the quality of the service process"), 95, N_("feedback survey")
    ),
    Indicator(
        "2.2",
        N_("Cases where the official processed the documents correctly"),
        100,
        N_("cards not marked as corrected after review"),
    ),
    Indicator(
        "3.1",
        N_("Satisfied with the quality of and information on the procedure"),
        95,
        N_("feedback survey"),
    ),
    Indicator(
        "3.2",
        N_("Applicants who filled in and submitted the documents correctly the first time"),
        95,
        N_("intake: complete on the first visit"),
    ),
    Indicator(
        "3.3",
        N_("Information on the service available on the internet"),
        100,
        N_("items the public information page publishes"),
    ),
    Indicator(
        "4.1",
        N_("Justified complaints to all applicants served"),
        5,
        N_("complaints journal"),
        at_most=True,
    ),
    Indicator(
        "4.2",
        N_("Justified complaints reviewed and satisfied in the set term"),
        100,
        N_("complaints journal"),
    ),
    Indicator("4.3", N_("Satisfied with the complaint procedure"), 90, N_("feedback survey")),
    Indicator(
        "4.4", N_("Satisfied with the timing of the complaint procedure"), 90, N_("feedback survey")
    ),
    Indicator("5.1", N_("Satisfied with the politeness of the staff"), 100, N_("feedback survey")),
)
BY_CODE = {i.code: i for i in INDICATORS}
NO_INFO = N_("the information page was not checked")


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    target: float | None
    numerator: int | None
    denominator: int | None
    note: str | None = None  # msgid: why there is no data, when there is none

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def norm(self) -> float:
        return self.indicator.norm

    @property
    def value(self) -> float | None:
        """Percent, or None ("no data") when the denominator is empty."""
        if not self.denominator or self.numerator is None:
            return None
        return 100.0 * self.numerator / self.denominator

    @property
    def met(self) -> bool | None:
        """Whether the value reaches the target (or the norm while no target is set)."""
        value = self.value
        if value is None:
            return None
        goal = self.target if self.target is not None else self.norm
        return value <= goal if self.indicator.at_most else value >= goal


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


def _count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def waits(session: Session, office_id: int, start: date, end: date) -> tuple[int, int]:
    """(visits whose wait ended within their target, visits whose wait ended): 1.2."""
    t = table_of(Ticket)
    row = session.execute(
        sa.select(_count_if(t.c.within_target.is_(True)), sa.func.count()).where(
            t.c.office_id == office_id,
            t.c.business_day >= start,
            t.c.business_day <= end,
            t.c.wait_seconds.is_not(None),
            data.first_wait_condition(),
        )
    ).one()
    return int(row[0]), int(row[1])


def served_visits(session: Session, office_id: int, start: date, end: date) -> int:
    """Applicants served: a visit ends in at most one *served* row (4.1's denominator)."""
    t = table_of(Ticket)
    return int(
        session.execute(
            sa.select(sa.func.count()).where(
                t.c.office_id == office_id,
                t.c.business_day >= start,
                t.c.business_day <= end,
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
        columns += [_count_if(f.c[name].is_(True)), _count_if(f.c[name].is_not(None))]
    row = session.execute(
        sa.select(*columns).where(
            f.c.office_id == office_id, f.c.business_day >= start, f.c.business_day <= end
        )
    ).one()
    return {code: (int(row[2 * i]), int(row[2 * i + 1])) for i, code in enumerate(FEEDBACK_COLUMNS)}


def complaint_counts(
    session: Session, office_id: int, start: date, end: date, as_of: date
) -> tuple[int, int, int]:
    """(justified, justified and answered by the due date, justified whose outcome is known).

    A justified complaint still unanswered before its due date is pending: not yet in 4.2.
    One unanswered past its due date counts as late.
    """
    c = table_of(Complaint)
    justified = c.c.justified.is_(True)
    in_term = sa.and_(justified, c.c.answered_on.is_not(None), c.c.answered_on <= c.c.answer_due)
    known = sa.and_(justified, sa.or_(c.c.answered_on.is_not(None), c.c.answer_due < as_of))
    row = session.execute(
        sa.select(_count_if(justified), _count_if(in_term), _count_if(known)).where(
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
            _count_if(a.c.decided_in_term.is_(True)),
            _count_if(known),
            _count_if(a.c.corrected_at.is_(None)),
            sa.func.count(),
        ).where(accepted)
    ).one()
    first = session.execute(
        sa.select(_count_if(a.c.complete_on_first_visit.is_(True)), sa.func.count()).where(
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


def compute(
    session: Session,
    office_id: int,
    start: date,
    end: date,
    *,
    published: tuple[int, int] | None = None,
    as_of: date | None = None,
) -> list[IndicatorRow]:
    """The 12 rows for ``start``…``end`` (business days, inclusive).

    ``published`` is (items the public info page publishes, items it must publish) for 3.3;
    ``as_of`` is today, for complaints not yet due (defaults to ``end``).
    """
    Period(start, end)  # validates
    as_of = as_of or end
    goals = targets(session, office_id, end.year)
    counts: dict[str, tuple[int | None, int | None]] = {}
    notes: dict[str, str] = {}
    counts["1.2"] = waits(session, office_id, start, end)
    counts.update(feedback_counts(session, office_id, start, end))
    justified, in_term, known = complaint_counts(session, office_id, start, end, as_of)
    counts["4.1"] = (justified, served_visits(session, office_id, start, end))
    counts["4.2"] = (in_term, known)
    counts["3.3"] = published if published is not None else (None, None)
    counts.update(intake_counts(session, office_id, start, end, as_of))
    if published is None:
        notes["3.3"] = NO_INFO
    rows = []
    for indicator in INDICATORS:
        numerator, denominator = counts[indicator.code]
        rows.append(
            IndicatorRow(
                indicator,
                goals.get(indicator.code),
                numerator,
                denominator,
                notes.get(indicator.code),
            )
        )
    return rows


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


@dataclass(frozen=True)
class Report:
    period: Period
    rows: list[IndicatorRow]
    waits: list[int]  # visits per 5-minute band (data.wait_histogram)
    arrivals: dict[tuple[int, int], int]
    daily: list[tuple[date, int, int]]


def report(
    session: Session,
    office_id: int,
    period: Period,
    *,
    published: tuple[int, int],
    as_of: date,
    zone: ZoneInfo,
) -> Report:
    """The table and the data of its three pictures, for one period."""
    start, end = period.start, period.end
    return Report(
        period,
        compute(session, office_id, start, end, published=published, as_of=as_of),
        data.wait_histogram(session, office_id, start, end),
        data.arrivals(session, office_id, start, end, zone),
        data.daily_share(session, office_id, start, end),
    )
