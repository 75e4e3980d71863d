"""Online backup and restore of the database: SQLite's own online backup here, PostgreSQL
through ``pg_dump -Fc`` and ``pg_restore`` (``kezek.backup_pg``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from kezek import backup_pg
from kezek.backup_pg import BackupError

__all__ = ["BackupError", "backup", "restore", "sqlite_path"]


def sqlite_path(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(
            "kezek db backup/restore handle an SQLite file or a PostgreSQL database "
            "(KEZEK_DATABASE_URL)"
        )
    return Path(url.database)


def _postgres(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "postgresql"


def backup(database_url: str, target: Path) -> int:
    """Copy the live database to ``target`` with SQLite's online backup (writers may go on),
    or ``pg_dump``'s snapshot on PostgreSQL.

    Returns the number of tickets in the copy."""
    if _postgres(database_url):
        return backup_pg.backup(make_url(database_url), target)
    source_path = sqlite_path(database_url)
    if not source_path.exists():
        raise BackupError(f"no database at {source_path} (KEZEK_DATABASE_URL)")
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return check(target)


def check(path: Path) -> int:
    """A backup is usable: intact, migrated, readable. Returns its ticket count."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is damaged")
            conn.execute("SELECT version_num FROM alembic_version").fetchone()
            return int(conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a Kezek database ({exc})") from None


def restore(database_url: str, source: Path) -> int:
    """Put a backup back in place of the live database (online: SQLite copies it page by page
    under a lock, so open connections see either the old or the restored database; on
    PostgreSQL in one transaction)."""
    if _postgres(database_url):
        return backup_pg.restore(make_url(database_url), source)
    check(source)
    target_path = sqlite_path(database_url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    with (
        sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_conn,
        sqlite3.connect(target_path, timeout=30) as live,
    ):
        backup_conn.backup(live)
    return check(target_path)
