"""``kezek db backup|restore`` on PostgreSQL: ``pg_dump -Fc`` and ``pg_restore`` (Debian's
``postgresql-client``), told where to connect through the libpq environment, so the password
never shows in the process list or in an error.

A backup is a custom-format archive, checked after it is written: it lists the migrations'
table and the tickets, and its tickets are counted from the archive itself. A restore drops
the office's tables and puts the archive's back in one transaction (``--single-transaction``):
a failed restore leaves the database as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL


class BackupError(ValueError):
    """A backup or a restore that cannot be done (``kezek.backup`` re-exports it)."""


TIMEOUT = 3600  # seconds: a year of tickets dumps in seconds; a slow disk must not hang us


def libpq_env(url: URL) -> dict[str, str]:
    """The connection as libpq's environment (PGHOST, PGPASSWORD …), from the SQLAlchemy URL."""
    given = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password if isinstance(url.password, str) else None,
        "PGDATABASE": url.database,
    }
    return {**os.environ, **{k: v for k, v in given.items() if v}}


def _run(program: str, args: list[str], url: URL) -> str:
    found = shutil.which(program)
    if found is None:
        raise BackupError(f"{program} not found: apt-get install postgresql-client")
    try:
        done = subprocess.run(
            [found, *args],
            env=libpq_env(url),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"{program} took more than {TIMEOUT} s") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise BackupError(f"{program} failed: {lines[-1] if lines else done.returncode}")
    return done.stdout


def check(path: Path, url: URL) -> int:
    """A backup is usable: a pg_dump archive with the migrations and the tickets. Returns the
    number of tickets in it."""
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    try:
        listing = _run("pg_restore", ["--list", str(path)], url)
    except BackupError:
        raise BackupError(f"{path} is not a Kezek database (not a pg_dump -Fc archive)") from None
    if "TABLE DATA public alembic_version" not in listing or "TABLE DATA public tickets" not in (
        listing
    ):
        raise BackupError(f"{path} is not a Kezek database (no tickets or migrations in it)")
    data = _run("pg_restore", ["--data-only", "--table=tickets", "--file=-", str(path)], url)
    rows, inside = 0, False
    for line in data.splitlines():
        if line.startswith("COPY public.tickets "):
            inside = True
        elif inside and line == "\\.":
            inside = False
        elif inside:
            rows += 1
    return rows


def backup(url: URL, target: Path) -> int:
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    _run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={target}"], url)
    return check(target, url)


def restore(url: URL, source: Path) -> int:
    count = check(source, url)
    _run(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={url.database}",
            str(source),
        ],
        url,
    )
    return count
