"""Issue and call-next over HTTP (uvicorn, one worker, SQLite) beside a bare insert endpoint.

    python -m bench.foundation [--seconds 5]

16 concurrent clients each; the baseline is a bare Starlette endpoint inserting one row
into SQLite, measured in the same run. The target: issue ≥ 0.5× the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import httpx

from bench.common import ROOT, load, print_table, row, server, temp_dir

CLERKS = 16


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


def cli(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "kezek", *args],
        env={**os.environ, **env},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def run(seconds: float = 5.0) -> list[dict[str, object]]:
    directory = temp_dir()
    env = kezek_env(directory)
    cli(env, "db", "upgrade")
    # One clerk per cabinet: a clerk sits at one service point (kezek/queue/ownership.py).
    auths = []
    for n in range(1, CLERKS + 1):
        cli(env, "user", "add", f"bench{n:02d}", "--role", "clerk", "--password", "bench-password")
        auths.append({"authorization": f"Bearer {cli(env, 'token', 'create', f'bench{n:02d}')}"})

    async def bare_insert(client: httpx.AsyncClient, _: int) -> bool:
        return (await client.post(base + "/insert")).status_code == 201

    async def issue(client: httpx.AsyncClient, _: int) -> bool:
        response = await client.post(base + "/api/tickets", json={"service": "registration"})
        return response.status_code == 201

    async def call_and_finish(client: httpx.AsyncClient, worker: int) -> bool:
        auth = auths[worker]
        called = await client.post(
            f"{base}/api/service-points/p{worker + 1:02d}/call-next", headers=auth
        )
        if called.status_code != 200:
            return called.status_code == 204
        done = await client.post(f"{base}/api/tickets/{called.json()['id']}/finish", headers=auth)
        return done.status_code == 200

    with server(
        "bench.bare_app:create_app", env={"BARE_DB": str(directory / "bare.sqlite3")}
    ) as base:
        bare = asyncio.run(load(bare_insert, clients=CLERKS, seconds=seconds))
    with server("kezek.app:create_app", env=env) as base:
        issued = asyncio.run(load(issue, clients=CLERKS, seconds=seconds))
        calls = asyncio.run(load(call_and_finish, clients=CLERKS, seconds=seconds))
    db = sqlite3.connect(directory / "kezek.sqlite3")
    called = Counter(
        t for (t,) in db.execute("SELECT ticket_id FROM ticket_events WHERE kind='called'")
    )
    numbers = db.execute(
        "SELECT COUNT(*) - COUNT(DISTINCT code) FROM tickets WHERE parent_id IS NULL"
    ).fetchone()[0]
    db.close()
    doubles = sum(1 for n in called.values() if n > 1)
    return [
        row(
            "ticket issue, HTTP, 16 clients",
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
            "call-next + finish, 16 clerks",
            calls.rate,
            "req/s",
            "bare insert",
            bare.rate,
            p50_ms=calls.pct(50) * 1000,
            p99_ms=calls.pct(99) * 1000,
            double_calls=doubles,
            calls=len(called),
            errors=calls.errors,
        ),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    results = run(parser.parse_args().seconds)
    print_table(results)
    for r in results:
        print({k: round(v, 2) if isinstance(v, float) else v for k, v in r.items()})
