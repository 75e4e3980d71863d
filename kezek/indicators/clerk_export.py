"""The statistics per clerk and per cabinet as CSV (the reader's locale, ``excel_csv``) and
Excel (numbers as numbers), issue 17. Staff names and cabinet codes only; no visitor data."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from kezek.i18n import Translator
from kezek.indicators import excel_csv
from kezek.indicators.clerks import Figures, Stats


def header(_: Translator, first: str) -> list[str]:
    return [
        first,
        _("Visitors served"),
        _("Mean service time, minutes"),
        _("90th percentile of service time, minutes"),
        _("No-shows"),
        _("Calls"),
        _("Hours worked"),
        _("Calls per hour"),
        _("Pause time by reason"),
    ]


def pauses_text(line: Figures, _: Translator) -> str:
    if line.pauses is None:
        return "—"
    return "; ".join(f"{_(reason)}: {round(s / 60)}" for reason, s in sorted(line.pauses.items()))


def record(line: Figures, _: Translator, typed: bool) -> list[Any]:
    """One line; a figure that cannot be had (no service, no time worked) is empty."""

    def rounded(value: float | None, digits: int) -> float | str | None:
        if value is None:
            return None if typed else ""
        return round(value, digits)

    return [
        line.name,
        line.served,
        rounded(line.mean_minutes, 1),
        rounded(line.p90_minutes, 1),
        line.no_shows,
        line.calls,
        rounded(line.hours, 2),
        rounded(line.calls_per_hour, 1),
        pauses_text(line, _),
    ]


def _sections(stats: Stats, _: Translator) -> list[tuple[str, str, list[Figures]]]:
    return [
        (_("Clerks"), _("Clerk"), stats.clerks),
        (_("Cabinets"), _("Cabinet"), stats.points),
    ]


def as_csv(stats: Stats, _: Translator) -> str:
    out = io.StringIO()
    rows = excel_csv.writer(out, _.lang)
    rows.writerow([_("Period"), stats.start.isoformat(), stats.end.isoformat()])
    for _title, first, lines in _sections(stats, _):
        rows.writerow([])
        rows.writerow(header(_, first))
        rows.writerows(record(line, _, typed=False) for line in lines)
    return out.getvalue()


def as_xlsx(stats: Stats, office_name: str, _: Translator) -> bytes:
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, first, lines in _sections(stats, _):
        sheet = book.create_sheet(title[:31])
        sheet.append([office_name])
        sheet.append([_("Period"), stats.start, stats.end])
        sheet.append([])
        cells = []
        for value in header(_, first):
            cell = WriteOnlyCell(sheet, value=value)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        for line in lines:
            sheet.append(record(line, _, typed=True))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
