"""``kezek report --from 2026-01-01 --to 2026-12-31 --format xlsx|csv [--out FILE] [--lang ru]``.

The appendix table of one office for a period, as the supervisor's report page would export
it; with ``xlsx`` the ticket rows too (no personal data). A progress bar runs month by month.
Registered in ``kezek.cli.EXTENSIONS``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from kezek import db, i18n, profile_sync
from kezek.cli.common import add_office_option, engine, ensure_office, pick, progress_bar
from kezek.indicators import export, table
from kezek.indicators import period as period_mod
from kezek.intake import states
from kezek.public import info
from kezek.settings import Settings


def add_report_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = sub.add_parser("report", help="the appendix table of indicators for a period")
    report.add_argument(
        "--from",
        dest="start",
        type=date.fromisoformat,
        required=True,
        help="first business day, YYYY-MM-DD",
    )
    report.add_argument(
        "--to",
        dest="end",
        type=date.fromisoformat,
        required=True,
        help="last business day, YYYY-MM-DD",
    )
    report.add_argument(
        "--format",
        choices=["xlsx", "csv"],
        default="xlsx",
        help="xlsx: the table and the ticket rows; csv: the table (default xlsx)",
    )
    report.add_argument("--out", type=Path, help="file to write (default: indicators-FROM-TO.EXT)")
    report.add_argument(
        "--lang", choices=list(i18n.LANGUAGES), default="ru", help="the table's language (ru)"
    )
    add_office_option(report)
    report.add_argument("--quiet", action="store_true", help="no progress bar")
    report.set_defaults(handler=cmd_report)


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    period = period_mod.Period(args.start, args.end)
    office_id = ensure_office(settings, args.office)
    profile = pick(settings, args.office)
    today = profile_sync.clock(profile).business_day()
    _ = i18n.Translator(args.lang)
    out: Path = args.out or Path(f"indicators-{period.start}-{period.end}.{args.format}")
    progress = None if args.quiet else progress_bar("report")
    eng = engine(settings)
    with db.reading(eng) as session:
        rows = table.compute(
            session,
            office_id,
            period.start,
            period.end,
            published=info.coverage(profile),
            as_of=today,
        )
        # §17: the applications by state, suspension on its own line.
        counted = states.counts(session, office_id, period.start, period.end, profile.zone)
        if args.format == "xlsx":
            data = export.workbook(
                session,
                office_id,
                period,
                rows,
                profile.zone,
                profile.name.get(args.lang),
                _,
                progress,
            )
            out.write_bytes(data)
        else:
            out.write_text(export.table_csv(rows, period, _), encoding="utf-8")
            if progress:
                progress(1, 1)
    eng.dispose()
    for row in rows:
        counts = f"{row.numerator} / {row.denominator}" if row.denominator else ""
        print(f"{row.code:4} {export.value_text(row, _):>10}  {counts}")
        for label, count in row.parts:  # the lines beside 1.2
            print(f"       {_(label)}: {count}")
    print(_("Applications opened in the period, by state"))
    for code, label in states.STATE_NAMES.items():
        print(f"       {_(label)}: {counted[code]}")
    print(f"written: {out}", file=sys.stderr)
    return 0
