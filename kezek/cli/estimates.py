"""``kezek estimates --from D --to D``: how good the quoted waits were (issue 19) — per day
and service, per service and overall, the old single number's mean absolute error beside the
range's middle, and the share of waits inside the range. Progress goes to standard error.
Registered in ``kezek.cli.EXTENSIONS``."""

from __future__ import annotations

import argparse
from datetime import date

from kezek import db, i18n
from kezek.cli.common import Subparsers, add_office_option, engine, ensure_office, progress_bar
from kezek.forecast import estimate_accuracy as accuracy
from kezek.settings import Settings

MAX_DAYS = 3660


def add_estimates_command(sub: Subparsers) -> None:
    cmd = sub.add_parser("estimates", help="accuracy of the quoted waits over a period")
    cmd.add_argument(
        "--from", dest="first", type=date.fromisoformat, required=True, help="YYYY-MM-DD"
    )
    cmd.add_argument("--to", dest="last", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    cmd.add_argument("--days", action="store_true", help="also a line per day and service")
    cmd.add_argument("--lang", choices=list(i18n.LANGUAGES), default="ru", help="language (ru)")
    add_office_option(cmd)
    cmd.add_argument("--quiet", action="store_true", help="no progress bar")
    cmd.set_defaults(handler=cmd_estimates)


def _line(label: str, f: accuracy.Figures) -> str:
    if f.mae_old is None or f.mae_new is None or f.inside is None:
        return f"{label:<24}{f.called:7d}{f.never_called:7d}       –       –       –"
    return (
        f"{label:<24}{f.called:7d}{f.never_called:7d}"
        f"{f.mae_old:8.1f}{f.mae_new:8.1f}{f.inside * 100:7.1f} %"
    )


def cmd_estimates(args: argparse.Namespace, settings: Settings) -> int:
    _ = i18n.Translator(args.lang)
    if args.last < args.first or (args.last - args.first).days > MAX_DAYS:
        raise ValueError(_("--to must be on or after --from, within ten years"))
    office_id = ensure_office(settings, args.office)
    eng = engine(settings)
    try:
        with db.reading(eng) as session:
            bar = None if args.quiet else progress_bar("estimates")
            found = accuracy.report(session, office_id, args.first, args.last, bar)
    finally:
        eng.dispose()
    print(_("Quoted waits %(first)s – %(last)s", first=args.first, last=args.last))
    print(_("                        called  never  MAE v1  MAE v2  in range"))
    if args.days:
        for day, code, figures in found.days:
            print(_line(f"{day} {code}", figures))
    for code, figures in found.services:
        print(_line(code, figures))
    print(_line(_("overall"), found.overall))
    return 0
