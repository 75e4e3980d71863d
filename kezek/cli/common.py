"""What the sub-commands share: the engine, the offices made current, a progress bar, and
the one line a database mistake ends in (``KEZEK_DATABASE_URL`` named, exit status 2)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TypeAlias

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kezek import db, installation, migrate, profile_sync
from kezek.settings import Profile, Settings, hide_password, load_profile

# What an add_*_command(sub) registers its commands on (a string: not subscriptable at run time).
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class DatabaseUnusable(ValueError):
    """The database ``KEZEK_DATABASE_URL`` names cannot be opened or reached."""


def database_error(url: str, exc: BaseException) -> DatabaseUnusable:
    """One line: the variable, the URL without its password, the first line of the reason."""
    reason = getattr(exc, "orig", None) or exc
    if isinstance(exc, OSError) and exc.filename:
        reason = f"cannot create {exc.filename}: {exc.strerror}"
    text = str(reason).strip().splitlines()[0] if str(reason).strip() else type(reason).__name__
    return DatabaseUnusable(
        f"KEZEK_DATABASE_URL={hide_password(url)!r}: the database cannot be used: {text}"
    )


def engine(settings: Settings) -> Engine:
    """The engine, connected once so a wrong URL, path or server is one clear line."""
    try:
        eng = db.make_engine(settings.database_url, settings.busy_timeout_ms)
        with eng.connect():
            pass
    except (OSError, ImportError, sa.exc.SQLAlchemyError) as exc:
        raise database_error(settings.database_url, exc) from None
    return eng


def profiles(settings: Settings) -> list[Profile]:
    """Every office KEZEK_PROFILE names (``kyzylzhar,demo``), the first one first."""
    return [load_profile(name) for name in settings.profiles]


def pick(settings: Settings, office: str | None) -> Profile:
    """The office ``--office SLUG`` names, or the first of KEZEK_PROFILE."""
    offices = profiles(settings)
    if office is None:
        return offices[0]
    for profile in offices:
        if profile.slug == office:
            return profile
    slugs = ", ".join(p.slug for p in offices)
    raise ValueError(f"--office {office!r}: KEZEK_PROFILE serves only {slugs}")


def ensure_offices(settings: Settings) -> dict[str, int]:
    """The schema current and every profile's office in the database: slug -> office id."""
    problem = installation.missing_migrations()
    if problem:
        raise ValueError(problem)
    eng = engine(settings)
    migrate.upgrade(eng)
    ids: dict[str, int] = {}
    for profile in profiles(settings):
        with db.transaction(eng) as session:
            row = profile_sync.sync_profile(session, profile)
            assert row.id is not None
            ids[profile.slug] = row.id
    eng.dispose()
    return ids


def ensure_office(settings: Settings, office: str | None = None) -> int:
    """``ensure_offices``, then the id of the office ``--office`` names (default: the first)."""
    return ensure_offices(settings)[pick(settings, office).slug]


def add_office_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--office",
        metavar="SLUG",
        help="the office to act on, when KEZEK_PROFILE names several (default: the first)",
    )


def bounded(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected a whole number from {low} to {high}")
        return value

    return parse


def progress_bar(label: str) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        width = 40
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show
