"""The appendix table and the ticket rows as CSV and Excel (openpyxl).

Ticket rows carry no personal data: code, service, times, wait and outcome only (§18.2).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlmodel import Session, select

from kezek import i18n
from kezek.i18n import Translator
from kezek.indicators import excel_csv
from kezek.indicators.data import first_wait_condition, in_period, measured
from kezek.indicators.period import Period
from kezek.indicators.table import BY_CODE, IndicatorRow
from kezek.queue.models import Service, ServicePoint, Ticket, table_of

Progress = Callable[[int, int], None]


def value_text(row: IndicatorRow, _: Translator) -> str:
    """'97,8 %' (in the reader's language, Babel) or 'no data': the page, the files and the
    CLI say the same."""
    value = row.value
    return _("no data") if value is None else i18n.percent(_.lang, value)


Links = Callable[[str], str]  # indicator code -> the address of the list behind its figure


def table_header(_: Translator, next_year: int, links: Links | None = None) -> list[str]:
    """The appendix's columns: normative value, next year's target, current value (and,
    where the files know the office's address, the list behind each figure)."""
    return [
        _("No."),
        _("Indicator"),
        _("Normative value"),
        _("Target for %(year)s", year=next_year),
        _("Current value, %"),
        _("Counted"),
        _("Out of"),
        _("Met"),
        *([_("The list behind the figure")] if links else []),
    ]


def table_records(
    rows: list[IndicatorRow], _: Translator, typed: bool = False, links: Links | None = None
) -> list[list[Any]]:
    """One list per indicator; the value is a number rounded to 0.1, or 'no data'. Typed
    (the workbook): the norm is the number itself (``workbook`` writes "at most" as its
    format), and missing figures are empty cells, not empty text (issue 15, defect 12)."""
    blank = None if typed else ""
    records = []
    for row in rows:
        value, met = row.value, row.met
        records.append(
            [
                row.code,
                _(row.indicator.title),
                row.norm if typed else _norm_text(row, _),
                blank if row.next_target is None else _target(row.next_target, typed, _),
                _("no data") if value is None else round(value, 1),
                blank if row.numerator is None else row.numerator,
                blank if row.denominator is None else row.denominator,
                blank if met is None else (_("yes") if met else _("no")),
                *([_link(links(row.code), _, typed)] if links else []),
            ]
        )
        for label, count in row.parts:  # the lines beside 1.2
            part: list[Any] = ["", "— " + _(label), blank, blank, blank, count, blank, blank]
            records.append(part + ([blank] if links else []))
    return records


def _link(url: str, _: Translator, typed: bool) -> str:
    """The workbook: a link Excel opens; the CSV: the address."""
    shown = _("open the list").replace('"', "")
    return f'=HYPERLINK("{url}","{shown}")' if typed else url


def _target(value: float, typed: bool, _: Translator) -> float | str:
    return value if typed else _number(value, _)  # 98.5 (98,5 in kk and ru), 3


def _number(value: float, _: Translator) -> str:
    return i18n.number(_.lang, value, 0 if float(value).is_integer() else 1)


def _norm_text(row: IndicatorRow, _: Translator) -> str:
    norm = _number(row.norm, _)
    return _("at most %(norm)s", norm=norm) if row.indicator.at_most else norm


def _at_most_format(_: Translator) -> str:
    """The Excel number format that shows a number as "at most 4" in the reader's language."""
    before, _mark, after = _("at most %(norm)s", norm="\x00").partition("\x00")
    quoted = [f'"{part.replace(chr(34), "")}"' if part else "" for part in (before, after)]
    return quoted[0] + "General" + quoted[1]


def ticket_header(_: Translator) -> list[str]:
    return [
        _("Day"),
        _("Ticket"),
        _("Kind of service"),
        _("Priority"),
        _("Language"),
        _("Status"),
        _("Taken"),
        _("Called"),
        _("Finished"),
        _("Minutes waited"),
        _("Within 40 minutes"),
        _("Counted in 1.2"),
        _("Service point"),
        _("Transferred from"),
    ]


def ticket_records(
    session: Session, office_id: int, period: Period, zone: ZoneInfo, _: Translator
) -> Iterator[list[Any]]:
    """Every ticket row of the period, in order; transfers show the row they came from.
    Services and points by their names in the reader's language (issue 15, defect 12)."""
    t = table_of(Ticket)
    services = {
        s.id: s.name(_.lang)
        for s in session.exec(select(Service).where(Service.office_id == office_id))
    }
    points = {
        p.id: p.name(_.lang)
        for p in session.exec(select(ServicePoint).where(ServicePoint.office_id == office_id))
    }
    parent = t.alias("parent")
    counted = sa.and_(first_wait_condition(), measured(t, office_id))  # as 1.2 counts
    stmt = (
        sa.select(
            t.c.business_day,
            t.c.code,
            t.c.service_id,
            t.c.priority,
            t.c.lang,
            t.c.status,
            t.c.issued_at,
            t.c.called_at,
            t.c.finished_at,
            t.c.wait_seconds,
            t.c.within_target,
            sa.and_(t.c.wait_seconds.is_not(None), t.c.within_target.is_not(None), counted),
            t.c.service_point_id,
            parent.c.service_id,
        )
        .select_from(t.outerjoin(parent, parent.c.id == t.c.parent_id))
        .where(in_period(t, office_id, period.start, period.end))
        .order_by(t.c.business_day, t.c.id)
    )
    statuses = _status_names(_)
    for row in session.execute(stmt).yield_per(5000):
        (
            day,
            code,
            service_id,
            priority,
            lang,
            status,
            issued,
            called,
            finished,
            wait,
            within,
            in_12,
            point_id,
            from_service,
        ) = row
        records: list[Any] = [
            day if isinstance(day, date) else date.fromisoformat(str(day)),
            code,
            services.get(service_id, ""),
            _("yes") if priority else "",
            lang,
            statuses.get(status, status),
            _local(issued, zone),
            _local(called, zone),
            _local(finished, zone),
            None if wait is None else round(wait / 60, 1),
            "" if within is None else (_("yes") if within else _("no")),
            _("yes") if in_12 else "",
            points.get(point_id, ""),
            services.get(from_service, "") if from_service else "",
        ]
        yield records


def _status_names(_: Translator) -> dict[str, str]:
    from kezek.web import STATUS_NAMES  # the same words as the staff pages

    return {key: _(value) for key, value in STATUS_NAMES.items()}


def _local(value: Any, zone: ZoneInfo) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:  # raw rows are UTC without a zone (models.UTCDateTime)
        value = value.replace(tzinfo=UTC)
    return str(value.astimezone(zone).strftime("%H:%M:%S"))


def table_csv(
    rows: list[IndicatorRow], period: Period, _: Translator, links: Links | None = None
) -> str:
    out = io.StringIO()
    writer = excel_csv.writer(out, _.lang)
    writer.writerow([_("Period"), period.start.isoformat(), period.end.isoformat()])
    writer.writerow(table_header(_, period.end.year + 1, links))
    writer.writerows(table_records(rows, _, links=links))
    return "\ufeff" + out.getvalue()  # the BOM makes Excel read UTF-8 Cyrillic


def tickets_csv(
    session: Session,
    office_id: int,
    period: Period,
    zone: ZoneInfo,
    _: Translator,
    progress: Progress | None = None,
) -> Iterator[str]:
    """CSV text in pieces (a month at a time), so a year streams without being held whole."""
    out = io.StringIO()
    writer = excel_csv.writer(out, _.lang)
    writer.writerow(ticket_header(_))
    yield "\ufeff" + out.getvalue()
    months = period.months()
    for index, month in enumerate(months):
        out = io.StringIO()
        writer = excel_csv.writer(out, _.lang)
        writer.writerows(ticket_records(session, office_id, month, zone, _))
        yield out.getvalue()
        if progress:
            progress(index + 1, len(months))


def workbook(
    session: Session,
    office_id: int,
    period: Period,
    rows: list[IndicatorRow],
    zone: ZoneInfo,
    office_name: str,
    _: Translator,
    progress: Progress | None = None,
    links: Links | None = None,
) -> bytes:
    """An .xlsx with two sheets: the appendix table and the ticket rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Indicators")[:31])
    bold = Font(bold=True)
    sheet.append([office_name])
    sheet.append([_("Period"), period.start, period.end])
    sheet.append([])
    sheet.append(_bold_row(sheet, table_header(_, period.end.year + 1, links), bold))
    at_most = _at_most_format(_)
    for record in table_records(rows, _, typed=True, links=links):
        row = BY_CODE.get(record[0])
        if row is not None and row.at_most:  # 4.1: a number, shown as "at most 4"
            record[2] = WriteOnlyCell(sheet, value=record[2])
            record[2].number_format = at_most
        sheet.append(record)
    tickets = book.create_sheet(_("Tickets")[:31])
    tickets.append(_bold_row(tickets, ticket_header(_), bold))
    months = period.months()
    for index, month in enumerate(months):
        for record in ticket_records(session, office_id, month, zone, _):
            tickets.append(record)
        if progress:
            progress(index + 1, len(months))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bold_row(sheet: Any, values: list[str], font: Font) -> list[Any]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = font
        cells.append(cell)
    return cells
