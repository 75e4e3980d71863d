"""``kezek db upgrade | backup FILE | restore FILE | rebuild-summary``."""

from __future__ import annotations

import argparse
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from kezek import backup, db, migrate, profile_sync
from kezek.cli.common import (
    add_office_option,
    engine,
    ensure_office,
    ensure_offices,
    pick,
    progress_bar,
)
from kezek.indicators import summary
from kezek.queue.models import Ticket, table_of
from kezek.settings import Settings


def upgrade_report(before: str | None, after: str | None) -> str:
    """What ``db upgrade`` did, truthfully."""
    if before is None:
        return f"created the schema (revision {after})"
    if before != after:
        return f"upgraded from {before} to {after}"
    return f"up to date (revision {after})"


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    eng = engine(settings)
    before = migrate.current(eng)
    offices = ensure_offices(settings)
    after = migrate.current(eng)
    eng.dispose()
    print(f"database: {upgrade_report(before, after)}; offices: {', '.join(offices)}")
    return 0


def cmd_db_backup(args: argparse.Namespace, settings: Settings) -> int:
    try:
        count = backup.backup(settings.database_url, Path(args.file))
    except (sqlite3.Error, OSError) as exc:
        raise ValueError(f"db backup {args.file}: {exc}") from None
    print(f"backed up to {args.file} ({count} tickets)")
    return 0


def cmd_db_restore(args: argparse.Namespace, settings: Settings) -> int:
    try:
        count = backup.restore(settings.database_url, Path(args.file))
    except (sqlite3.Error, OSError) as exc:
        raise ValueError(f"db restore {args.file}: {exc}") from None
    print(f"restored from {args.file} ({count} tickets)")
    return 0


def _first_day(eng: sa.Engine, office_id: int) -> date | None:
    t = table_of(Ticket)
    with db.reading(eng) as session:
        first = session.execute(
            sa.select(sa.func.min(t.c.business_day)).where(t.c.office_id == office_id)
        ).scalar()
    return first if first is None or isinstance(first, date) else date.fromisoformat(str(first))


def cmd_db_rebuild_summary(args: argparse.Namespace, settings: Settings) -> int:
    """The daily summary of one office counted again from its tickets (issue 20)."""
    office_id = ensure_office(settings, args.office)
    profile = pick(settings, args.office)
    today = profile_sync.clock(profile).business_day()
    eng = engine(settings)
    start = args.start or _first_day(eng, office_id)
    end: date = args.end or today - timedelta(days=1)
    if start is None or start > end:
        eng.dispose()
        print(f"{profile.slug}: no closed day to summarize")
        return 0
    show = None if args.quiet else progress_bar(f"summary {profile.slug}")
    days = summary.rebuild(lambda: db.transaction(eng), office_id, start, end, today, show)
    eng.dispose()
    print(f"{profile.slug}: {days} closed days summarized from {start} to {end}")
    return 0


def add_db_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dbp = sub.add_parser("db", help="the database: upgrade, backup, restore, rebuild-summary")
    actions = dbp.add_subparsers(dest="db", required=True, metavar="ACTION")
    actions.add_parser(
        "upgrade", help="apply the migrations, put every office profile into the database"
    ).set_defaults(handler=cmd_db_upgrade)
    back = actions.add_parser(
        "backup", help="an online copy of the database to a new file (SQLite or pg_dump)"
    )
    back.add_argument("file", help="the new file (never overwritten)")
    back.set_defaults(handler=cmd_db_backup)
    rest = actions.add_parser("restore", help="put a backup back (stop the server first)")
    rest.add_argument("file", help="a file written by kezek db backup")
    rest.set_defaults(handler=cmd_db_restore)
    again = actions.add_parser(
        "rebuild-summary",
        help="count the reports' daily summary again from the tickets (closed days only)",
    )
    add_office_option(again)
    again.add_argument(
        "--from", dest="start", type=date.fromisoformat, help="first day (default: the first)"
    )
    again.add_argument(
        "--to", dest="end", type=date.fromisoformat, help="last day (default: yesterday)"
    )
    again.add_argument("--quiet", action="store_true", help="no progress bar")
    again.set_defaults(handler=cmd_db_rebuild_summary)
