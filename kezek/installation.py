"""What an installed Kezek needs beside its code: the front-end assets, the migrations, the
catalogs. ``kezek serve`` refuses to start without them, in one line saying how to get them
(a wheel built with ``make dist`` carries all three)."""

from __future__ import annotations

from kezek import i18n, migrate, templating

ASSETS = ("htmx", "htmx-sse", "htmx-head-support")  # the names the templates ask ``vendor`` for
REINSTALL = "install a wheel built with `make dist`"


def missing() -> str | None:
    """The first thing missing and how to get it, or None when the installation is whole."""
    vendor = templating.vendor_files()
    absent = [name for name in ASSETS if name not in vendor]
    if absent:
        return (
            f"the front-end assets ({', '.join(absent)}) are missing from "
            f"{templating.STATIC / 'vendor'}: {REINSTALL}, or in a source checkout run "
            "`npm ci && python scripts/vendor.py` (or `make setup`)"
        )
    absent_migrations = missing_migrations()
    if absent_migrations:
        return absent_migrations
    empty = [lang for lang in i18n.LANGUAGES if not i18n.catalog_files(lang)]
    if empty:
        return (
            f"the translation catalogs ({', '.join(empty)}) are missing from "
            f"{i18n.LOCALES_DIR}: {REINSTALL}"
        )
    return None


def missing_migrations() -> str | None:
    """Every command that touches the database needs them (``db upgrade`` first)."""
    versions = migrate.MIGRATIONS / "versions"
    if not (migrate.MIGRATIONS / "env.py").is_file() or not any(versions.glob("*.py")):
        return f"the database migrations are missing from {migrate.MIGRATIONS}: {REINSTALL}"
    return None
