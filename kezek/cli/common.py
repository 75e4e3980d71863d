"""What the sub-commands share: the engine, the office made current, a progress bar."""

from __future__ import annotations

import sys
from collections.abc import Callable

from sqlalchemy.engine import Engine

from kezek import db, migrate, profile_sync
from kezek.settings import Settings, load_profile


def engine(settings: Settings) -> Engine:
    return db.make_engine(settings.database_url)


def ensure_office(settings: Settings) -> int:
    """Make sure the schema is current and the profile's office exists; return its id."""
    eng = engine(settings)
    migrate.upgrade(eng)
    with db.transaction(eng) as session:
        row = profile_sync.sync_profile(session, load_profile(settings.profile))
        assert row.id is not None
        return row.id


def progress_bar(label: str) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        width = 40
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show
