"""Is this installation able to serve? The checks behind ``/healthz``, ``/readyz`` and
``kezek doctor``.

``/healthz`` says only that the process answers (no database: a load balancer asks it every
few seconds). ``/readyz`` runs the checks: the database, its migrations, the catalogs, the
front-end assets, each printer's last known state and the voice engine. A *fail* makes it
503 (the office cannot serve); a *warn* (a printer out of paper, no voice) is shown but
keeps it 200: the kiosk still issues numbers and the display still chimes. Nothing in an
answer is secret: errors are named by their kind, never with a URL or its password.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kezek import i18n, migrate, templating
from kezek.display.voice import Voice
from kezek.installation import ASSETS
from kezek.settings import Profile
from kezek.state import State

OK, WARN, FAIL = "ok", "warn", "fail"
PAPER_WARN = ("near_end",)  # a printer condition worth a look, not yet a failure


@dataclass(frozen=True)
class Check:
    """One finding: ``status`` ok | warn | fail, what was seen, and what to do about it."""

    name: str
    status: str
    detail: str
    fix: str = ""


def database(engine: Engine) -> Check:
    path = engine.url.database
    if engine.dialect.name == "sqlite" and path and path != ":memory:" and not Path(path).exists():
        return Check(
            "database",
            FAIL,
            f"sqlite: no database file at {path}",
            "check KEZEK_DATABASE_URL; a new installation runs `kezek db upgrade`",
        )
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # any failure to answer is the finding; its kind, no URL
        return Check(
            "database",
            FAIL,
            f"{engine.dialect.name}: not reachable ({type(exc).__name__})",
            "check KEZEK_DATABASE_URL, that the database server runs and accepts this user",
        )
    return Check("database", OK, f"{engine.dialect.name}: reachable")


@functools.cache
def _heads() -> frozenset[str]:
    script = ScriptDirectory.from_config(migrate.config(sa.create_engine("sqlite://")))
    return frozenset(script.get_heads())


def migrations(engine: Engine) -> Check:
    fix = "back up, then run `kezek db upgrade` and restart"
    try:
        heads = _heads()
    except Exception as exc:
        return Check("migrations", FAIL, f"migrations missing ({type(exc).__name__})", "reinstall")
    try:
        with engine.connect() as conn:
            current = frozenset(MigrationContext.configure(conn).get_current_heads())
    except Exception as exc:
        return Check("migrations", FAIL, f"cannot be read ({type(exc).__name__})", fix)
    if current == heads:
        return Check("migrations", OK, f"current ({', '.join(sorted(current))})")
    found = ", ".join(sorted(current)) or "none"
    return Check("migrations", FAIL, f"at {found}, the code needs {', '.join(sorted(heads))}", fix)


def catalogs() -> Check:
    missing = [lang for lang in i18n.LANGUAGES if not i18n.catalog_files(lang)]
    if missing:
        return Check(
            "catalogs",
            FAIL,
            f"no message catalogs for {', '.join(missing)} in {i18n.LOCALES_DIR}",
            "reinstall Kezek (the catalogs ship in the package)",
        )
    return Check("catalogs", OK, ", ".join(i18n.LANGUAGES))


def assets() -> Check:
    found = templating.vendor_files()
    missing = [name for name in ASSETS if name not in found]
    if missing:
        return Check(
            "assets",
            FAIL,
            f"{', '.join(missing)} missing in {templating.STATIC / 'vendor'}",
            "from a source checkout run `npm ci && python scripts/vendor.py`; "
            "or install a built wheel",
        )
    return Check("assets", OK, ", ".join(found[name] for name in ASSETS))


def printer_names(profile: Profile) -> dict[str, str]:
    """Every printer of the profile: "kiosk/lobby" -> its URL as written in the profile."""
    tables = {"kiosk": profile.printers.kiosk, "desk": profile.printers.desk}
    return {f"{kind}/{name}": url for kind, table in tables.items() for name, url in table.items()}


def printer(name: str, condition: str) -> Check:
    """A printer's condition: ok/printed, near_end, out/paper_out, offline/failed, unknown."""
    check = f"printer {name}"
    if condition in ("ok", "printed"):
        return Check(check, OK, condition)
    if condition == "unknown":
        return Check(check, OK, "unknown (no status reported yet)")
    if condition in PAPER_WARN:
        return Check(check, WARN, "paper near its end", "put in a new roll soon")
    if condition in ("out", "paper_out"):
        return Check(check, WARN, "out of paper", "put in a new roll")
    return Check(
        check,
        WARN,
        f"{condition}: the last job did not print",
        "check its power, cable and paper, then `kezek printer test URL` (its URL in the profile)",
    )


def voice(engine: Voice | None) -> Check:
    if engine is not None and engine.available:
        return Check("voice", OK, str(engine.binary))
    return Check(
        "voice",
        WARN,
        "no voice engine: the displays chime without speaking",
        "apt-get install espeak-ng (or set KEZEK_VOICE_ENGINE)",
    )


def overall(checks: Iterable[Check]) -> str:
    return FAIL if any(c.status == FAIL for c in checks) else OK


def report(checks: list[Check]) -> dict[str, Any]:
    return {"status": overall(checks), "checks": [asdict(c) for c in checks]}


def basics(engine: Engine) -> list[Check]:
    """What every office of the installation shares."""
    reached = database(engine)
    schema = (
        migrations(engine)
        if reached.status == OK
        else Check("migrations", FAIL, "not checked: no database", "see the database line")
    )
    return [reached, schema, catalogs(), assets()]


def office_checks(st: State, condition: Callable[[State, str], str]) -> list[Check]:
    """An office's printers as last known (``condition(st, name)``) and its voice."""
    found = [printer(name, condition(st, name)) for name in printer_names(st.profile)]
    return [*found, voice(st.voice)]


def last_known(st: State, name: str) -> str:
    """The app's last known condition of a printer: the kiosk's status reading, or the
    outcome of its last job."""
    from kezek.kiosk.printer_state import kiosk_printer

    kiosk = name.removeprefix("kiosk/")
    if name.startswith("kiosk/") and kiosk in st.profile.printers.kiosk:  # a kiosk's own
        return kiosk_printer(st, kiosk)
    return st.printer_last.get(name, "unknown")


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": OK}, headers={"cache-control": "no-store"})


def readyz(request: Request) -> Response:
    from kezek.web import state

    st = state(request)
    checks = [*basics(st.engine), *office_checks(st, last_known)]
    answer = report(checks)
    code = 200 if answer["status"] == OK else 503
    return JSONResponse(answer, status_code=code, headers={"cache-control": "no-store"})
