"""``kezek db upgrade | backup FILE | restore FILE``."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

from kezek import backup, migrate
from kezek.cli.common import engine, ensure_offices
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


def add_db_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dbp = sub.add_parser("db", help="the database: upgrade, backup, restore")
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
