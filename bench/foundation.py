"""Issue and call-next over HTTP (uvicorn, one worker, SQLite) beside a bare insert endpoint.

    python -m bench.foundation [--seconds 5]

16 concurrent clients each; the baseline is a bare Starlette endpoint inserting one row
into SQLite, measured in the same run. The target: issue, call-next and finish each ≥ 0.5×
the baseline, counted per HTTP request (a call-next and its finish are two). The load comes
from bench/light_client.py (raw keep-alive sockets); the bare endpoint is also measured with
the httpx client, to show that the lighter client raises the baseline (httpx was the
bottleneck). Two floors are measured beside them: the same insert through Kezek's
``db.transaction`` (SQLAlchemy's session, the process's write lock: what any Kezek write
costs before its own statements) and Kezek's ``/healthz`` through all its middleware.
``--also DIR`` measures another checkout's Kezek (e.g. main) in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from bench import light_client
from bench.common import ROOT, Load, load, print_table, row, server, temp_dir
from bench.light_client import Connection

CLERKS = 16
PASSWORD = "bench-password"  # noqa: S105 (a scratch database)


def bench_profile(directory: Path, points: int = CLERKS) -> Path:
    """The demo office with ``points`` cabinets, all serving registration."""
    text = (ROOT / "kezek" / "profiles" / "demo.toml").read_text(encoding="utf-8")
    head = text.split("[[points]]", 1)[0].replace('slug = "demo"', 'slug = "bench"')
    codes = [f"p{i:02d}" for i in range(1, points + 1)]
    body = "".join(
        f'[[points]]\ncode = "{c}"\nnames = {{ kk = "{c}", ru = "{c}", en = "{c}" }}\n'
        for c in codes
    )
    services = (
        '[[services]]\ncode = "registration"\nletter = "А"\nregistration = true\n'
        f"points = {codes!r}\n".replace("'", '"')
        + 'names = { kk = "Тіркеу", ru = "Регистрация", en = "Registration" }\n'
        "[printers]\n"
    )
    path = directory / "bench.toml"
    path.write_text(head + body + services, encoding="utf-8")
    return path


def kezek_env(directory: Path, points: int = CLERKS) -> dict[str, str]:
    return {
        "KEZEK_PROFILE": str(bench_profile(directory, points)),
        "KEZEK_DATABASE_URL": f"sqlite:///{directory / 'kezek.sqlite3'}",
        "KEZEK_SPOOL_DIR": str(directory / "spool"),
    }


def cli(env: dict[str, str], *args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(
        [sys.executable, "-m", "kezek", *args],
        env={**os.environ, **env},
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


# One process makes every clerk and token (a `kezek` command per clerk took minutes on a busy
# machine); run from the checkout measured, with its own code.
MAKE_CLERKS = """
import sys
from kezek import auth, db
from kezek.cli.common import engine, ensure_office
from kezek.settings import Settings
settings = Settings()
office = ensure_office(settings)
with db.transaction(engine(settings)) as session:
    for name in sys.argv[2:]:
        user = auth.create_user(session, office, name, sys.argv[1], "clerk", "")
        print(auth.create_token(session, user))
"""


def _clerks(env: dict[str, str], root: Path) -> list[dict[str, str]]:
    """One clerk per cabinet (a clerk sits at one service point, kezek/queue/ownership.py)."""
    names = [f"bench{n:02d}" for n in range(1, CLERKS + 1)]
    out = subprocess.run(
        [sys.executable, "-c", MAKE_CLERKS, PASSWORD, *names],
        env={**os.environ, **env},
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return [{"authorization": f"Bearer {token}"} for token in out]


async def _bare_insert(conn: Connection, _: int) -> bool:
    return (await conn.request("POST", "/insert"))[0] == 201


async def _bare_insert_sa(conn: Connection, _: int) -> bool:
    return (await conn.request("POST", "/insert-sa"))[0] == 201


async def _healthz(conn: Connection, _: int) -> bool:
    return (await conn.request("GET", "/healthz"))[0] == 200


async def _issue(conn: Connection, _: int) -> bool:
    status, _ = await conn.request("POST", "/api/tickets", json_body={"service": "registration"})
    return status == 201


def _call_and_finish(auths: list[dict[str, str]]) -> Any:
    async def one(conn: Connection, worker: int) -> bool:
        auth = auths[worker]
        path = f"/api/service-points/p{worker + 1:02d}/call-next"
        status, body = await conn.request("POST", path, headers=auth)
        if status != 200:
            return status == 204
        ticket = json.loads(body)["id"]
        done, _ = await conn.request("POST", f"/api/tickets/{ticket}/finish", headers=auth)
        return done == 200

    return one


def measure_kezek(seconds: float, root: Path = ROOT) -> tuple[Load, Load, Load, Path]:
    """On the Kezek of ``root`` (its own scratch database): ``/healthz`` (the framework and
    the middleware alone), issue, then call-next + finish."""
    directory = temp_dir()
    env = kezek_env(directory)
    cli(env, "db", "upgrade", cwd=root)
    auths = _clerks(env, root)
    with server("kezek.app:create_app", env=env, cwd=root) as base:
        health = asyncio.run(light_client.load(base, _healthz, clients=CLERKS, seconds=seconds))
        issued = asyncio.run(light_client.load(base, _issue, clients=CLERKS, seconds=seconds))
        calls = asyncio.run(
            light_client.load(base, _call_and_finish(auths), clients=CLERKS, seconds=seconds)
        )
    return health, issued, calls, directory


def measure_bare(seconds: float, floor: bool = False) -> tuple[Load, Load, Load | None]:
    """The bare insert endpoint driven by the light client, then by httpx; with ``floor``,
    then the same insert through Kezek's ``db.transaction``."""
    directory = temp_dir()

    async def httpx_insert(client: httpx.AsyncClient, _: int) -> bool:
        return (await client.post(base + "/insert")).status_code == 201

    with server(
        "bench.bare_app:create_app", env={"BARE_DB": str(directory / "bare.sqlite3")}
    ) as base:
        light = asyncio.run(light_client.load(base, _bare_insert, clients=CLERKS, seconds=seconds))
        heavy = asyncio.run(load(httpx_insert, clients=CLERKS, seconds=seconds))
        through = None
        if floor:
            insert = _bare_insert_sa
            through = asyncio.run(light_client.load(base, insert, clients=CLERKS, seconds=seconds))
    return light, heavy, through


def _floor(name: str, measured: Load, bare: Load, target: str) -> dict[str, object]:
    """A row beside the bare insert: what the targets are measured against."""
    return row(
        name,
        measured.rate,
        "req/s",
        "bare insert",
        bare.rate,
        target=target,
        p99_ms=measured.pct(99) * 1000,
    )


def _integrity(directory: Path) -> tuple[int, int, int]:
    """(tickets called twice, tickets called, duplicate codes) in a run's database."""
    db = sqlite3.connect(directory / "kezek.sqlite3")
    called = Counter(
        t for (t,) in db.execute("SELECT ticket_id FROM ticket_events WHERE kind='called'")
    )
    numbers = db.execute(
        "SELECT COUNT(*) - COUNT(DISTINCT code) FROM tickets WHERE parent_id IS NULL"
    ).fetchone()[0]
    db.close()
    return sum(1 for n in called.values() if n > 1), len(called), numbers


def run(seconds: float = 5.0, also: Path | None = None) -> list[dict[str, object]]:
    bare, bare_httpx, bare_sa = measure_bare(seconds, floor=True)
    assert bare_sa is not None
    rows = [
        row(
            "bare insert, light client, 16 conns",
            bare.rate,
            "req/s",
            "the same, httpx client",
            bare_httpx.rate,
            target="> 1× (client not the limit)",
            p99_ms=bare.pct(99) * 1000,
        ),
        _floor(
            "the same insert through db.transaction (SQLAlchemy)",
            bare_sa,
            bare,
            "— (the floor of a Kezek write)",
        ),
    ]
    checkouts = [("", ROOT)] + ([(f" [{also.name}]", also)] if also else [])
    for label, root in checkouts:
        health, issued, calls, directory = measure_kezek(seconds, root)
        doubles, called, numbers = _integrity(directory)
        rows += [
            _floor(
                f"Kezek /healthz, all middleware{label}", health, bare, "— (the framework's floor)"
            ),
            row(
                f"ticket issue, HTTP, 16 clients{label}",
                issued.rate,
                "req/s",
                "bare insert",
                bare.rate,
                target="≥ 0.5×",
                p50_ms=issued.pct(50) * 1000,
                p99_ms=issued.pct(99) * 1000,
                errors=issued.errors + numbers,
            ),
            row(
                f"call-next + finish, 16 clerks{label}",
                calls.rate,
                "req/s",
                "bare insert",
                bare.rate,
                target="≥ 0.5× (per request)",
                p50_ms=calls.pct(50) * 1000,
                p99_ms=calls.pct(99) * 1000,
                double_calls=doubles,
                calls=called,
                errors=calls.errors,
            ),
        ]
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--also", type=Path, help="another checkout's root, e.g. /work/main")
    options = parser.parse_args()
    results = run(options.seconds, options.also)
    print_table(results)
    for r in results:
        print({k: round(v, 2) if isinstance(v, float) else v for k, v in r.items()})
