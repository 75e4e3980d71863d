"""The appendix table of the service standard, for any period, computed in SQL.

Each of the 12 rows has, as the appendix does, the normative value, the target for the next
year (§20, entered by a supervisor) and the current value with the counts behind it; the
reporting year's own target decides whether the value is met. Where nothing can be computed
(the denominator is empty) the value is ``None``: "no data", never 0 % or 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session

from kezek.i18n import N_
from kezek.indicators import data, summed
from kezek.indicators.data import (
    complaint_counts,
    feedback_counts,
    intake_counts,
    targets,
)
from kezek.indicators.period import Period


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
# The lines beside 1.2 (issue 13): the first four are its denominator.
WAIT_LINE_NAMES = {
    "in_time": N_("called in time"),
    "late": N_("called late"),
    "closed_unserved": N_("closed unserved at the end of the day"),
    "left_after": N_("left after the target had passed"),
    "left_before": N_("left before the target (not counted)"),
}
NO_INFO = N_("the information page was not checked")


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    target: float | None
    numerator: int | None
    denominator: int | None
    note: str | None = None  # msgid: why there is no data, when there is none
    next_target: float | None = None  # the appendix's column: the target for the next year
    parts: tuple[tuple[str, int], ...] = ()  # (msgid, count): the lines beside 1.2

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


def compute(
    session: Session,
    office_id: int,
    start: date,
    end: date,
    *,
    published: tuple[int, int] | None = None,
    as_of: date | None = None,
    service_id: int | None = None,
) -> list[IndicatorRow]:
    """The 12 rows for ``start``…``end`` (business days, inclusive).

    ``published`` is (items the public info page publishes, items it must publish) for 3.3;
    ``as_of`` is today, for complaints not yet due (defaults to ``end``). The visits (1.2,
    4.1's denominator) are those of the services the appendix measures, or of
    ``service_id`` alone (issue 13, item 6).
    """
    Period(start, end)  # validates
    as_of = as_of or end
    goals = targets(session, office_id, end.year)
    next_goals = targets(session, office_id, end.year + 1)
    lines = summed.visit_counts(session, office_id, start, end, service_id)
    parts = {"1.2": tuple((WAIT_LINE_NAMES[k], lines[k]) for k in data.WAIT_LINES)}
    counts: dict[str, tuple[int | None, int | None]] = {}
    notes: dict[str, str] = {}
    counted = sum(lines[k] for k in ("in_time", "late", "closed_unserved", "left_after"))
    counts["1.2"] = (lines["in_time"], counted)  # the same as waits(), from the same pass
    counts.update(feedback_counts(session, office_id, start, end))
    justified, in_term, known = complaint_counts(session, office_id, start, end, as_of)
    counts["4.1"] = (justified, lines["served"])
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
                next_goals.get(indicator.code),
                parts.get(indicator.code, ()),
            )
        )
    return rows


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
    service_id: int | None = None,
) -> Report:
    """The table and the data of its three pictures, for one period (one service's, when
    ``service_id`` is given)."""
    start, end = period.start, period.end
    rows = compute(
        session, office_id, start, end, published=published, as_of=as_of, service_id=service_id
    )
    return Report(
        period,
        rows,
        summed.wait_histogram(session, office_id, start, end, service_id),
        summed.arrivals(session, office_id, start, end, zone),
        summed.daily_share(session, office_id, start, end, service_id),
    )
