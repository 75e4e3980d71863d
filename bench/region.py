"""Issue 20, point 5: a simulated region on one server.

    python -m bench.region [--offices 50] [--speeds 1,3,10] [--seconds 60]
                           [--postgres postgresql+psycopg://…]

``--offices`` offices made from the demo profile (``r01`` … ``r50``, one app: ``KEZEK_PROFILE``
names them all, each served at ``/o/<slug>/``), four kiosks, two clerks (its two cabinets)
and ten hall displays each — 200 kiosks, 100 clerks and 500 displays for 50 offices. Every
office replays the busiest hour of the demo's arrival model (``kezek.simulation.busy_day``,
10:00–11:00, its peak) with its own seed, at each speed for ``--seconds`` of wall time
(or the whole hour, if that is shorter): kiosks issue at the arrivals' times, clerks call,
serve for the visit's drawn length, then take the next in one action (``next``), transfer
3 % of visits, finish at the end. On PostgreSQL with 2 workers when ``--postgres`` (or
``KEZEK_BENCH_POSTGRES``) is given, and on one SQLite office for comparison.

Reported for each action (issue, call-next, next, finish, transfer, display update): the
sustained rate, p50/p99 latency and errors; the event lag from a call's answer to its code
in every display of the office; the server's CPU seconds and peak memory; lost and
duplicated tickets (the answers against the database). The same-run baseline of every
latency is the bare insert endpoint's p50 under the light client. Only 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench import light_client
from bench.common import (
    ROOT,
    SERVER_PIDS,
    percentile,
    print_table,
    row,
    scratch_postgres,
    server,
    temp_dir,
)
from bench.foundation import PASSWORD, cli, measure_bare
from kezek.simulation import MEAN_MINUTES, busy_day

KIOSKS, DISPLAYS = 4, 10  # per office
POINTS = ("cab1", "cab4")  # the demo's cabinets: a clerk each
PEAK = (10 * 60, 11 * 60)  # the demo model's busiest hour (HOUR_WEIGHTS)
IDLE_POLL_S = 20.0  # a clerk with nobody waiting looks again after about this (office time)
TRANSFER_SHARE = 0.03
TARGET_MS = 200.0  # issue 20 at 3×: every action's p99, 0 errors
LAG_TARGET_MS = 500.0


def profiles(directory: Path, offices: int) -> list[Path]:
    """``offices`` copies of the demo profile, each its own slug."""
    text = (ROOT / "kezek" / "profiles" / "demo.toml").read_text(encoding="utf-8")
    paths = []
    for n in range(1, offices + 1):
        path = directory / f"r{n:02d}.toml"
        path.write_text(text.replace('slug = "demo"', f'slug = "r{n:02d}"'), encoding="utf-8")
        paths.append(path)
    return paths


MAKE_CLERKS = """
import json, sys
from kezek import auth, db
from kezek.cli.common import engine, ensure_offices
from kezek.settings import Settings
settings = Settings()
tokens = {}
with db.transaction(engine(settings)) as session:
    for slug, office in ensure_offices(settings).items():
        tokens[slug] = [
            auth.create_token(
                session, auth.create_user(session, office, f"{slug}c{i}", sys.argv[1], "clerk", "")
            )
            for i in range(int(sys.argv[2]))
        ]
print(json.dumps(tokens))
"""


def clerk_tokens(env: dict[str, str]) -> dict[str, list[str]]:
    out = subprocess.run(
        [sys.executable, "-c", MAKE_CLERKS, PASSWORD, str(len(POINTS))],
        env={**os.environ, **env},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)  # type: ignore[no-any-return]


@dataclass
class Tally:
    """What the load saw: latencies per action, errors, display lags, answers."""

    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lags: list[float] = field(default_factory=list)
    updates: int = 0  # board messages the displays received
    issued: set[tuple[str, str]] = field(default_factory=set)  # (office, code) answered 201
    called_at: dict[tuple[str, str], float] = field(default_factory=dict)
    missed: int = 0  # calls some display of the office never showed

    def note(self, action: str, began: float, ok: bool) -> None:
        self.latency[action].append(time.perf_counter() - began)
        if not ok:
            self.errors[action] += 1


class Link:
    """A keep-alive connection that reconnects when the server closed it while idle (as a
    browser does): uvicorn closes a connection idle for 5 s."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.conn: light_client.Connection | None = None

    async def request(
        self, method: str, path: str, body: object = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = await light_client.connect(self.base)
            try:
                return await self.conn.request(method, path, json_body=body, headers=headers)
            except (OSError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Display:
    """One hall display's stream: every announced code, when it arrived."""

    def __init__(self, slug: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.slug, self.reader, self.writer = slug, reader, writer
        self.seen: dict[str, float] = {}
        self.boards = 0

    async def read(self) -> None:
        buffer = b""
        while chunk := await self.reader.read(65536):
            now = time.perf_counter()
            buffer += chunk
            *messages, buffer = buffer.split(b"\n\n")
            for message in messages:
                if b"event: board" in message:
                    self.boards += 1
                elif b"event: announce" in message:
                    data = b"".join(
                        line[6:] for line in message.split(b"\n") if line.startswith(b"data: ")
                    )
                    self.seen.setdefault(json.loads(data)["code"], now)


async def open_display(base: str, slug: str) -> Display:
    parts = urlsplit(base)
    assert parts.hostname == "127.0.0.1", "loopback only"
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    path = f"/o/{slug}/display/events"
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
    await writer.drain()
    return Display(slug, reader, writer)


def arrivals(seed: int) -> list[tuple[float, str, bool, float]]:
    """(office-minutes after the hour began, service, priority, visit minutes) of the hour."""
    day = busy_day(random.Random(seed))
    return [
        (a.minute - PEAK[0], a.service, a.priority, a.duration)
        for a in day
        if PEAK[0] <= a.minute < PEAK[1]
    ]


async def kiosk(
    conn: Link,
    slug: str,
    plan: list[tuple[float, str]],
    start: float,
    tally: Tally,
) -> None:
    for n, (at, service) in enumerate(plan):
        await asyncio.sleep(max(0.0, start + at - time.perf_counter()))
        began = time.perf_counter()
        # A request id, as the kiosk page sends: a retried tap finds its ticket.
        payload = {"service": service, "request_id": f"{slug}-{id(plan)}-{n}"}
        try:
            status, body = await conn.request("POST", f"/o/{slug}/api/tickets", payload)
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            status, body = 0, b""
        tally.note("issue", began, status == 201)
        if status == 201:
            tally.issued.add((slug, json.loads(body)["code"]))


async def clerk(
    conn: Link,
    slug: str,
    point: str,
    token: str,
    speed: float,
    stop: float,
    tally: Tally,
    rng: random.Random,
) -> None:
    auth = {"authorization": f"Bearer {token}"}
    base = f"/o/{slug}/api"
    in_hand: dict[str, object] | None = None

    async def act(action: str, path: str, body: object = None) -> tuple[int, bytes]:
        began = time.perf_counter()
        try:
            status, answer = await conn.request("POST", path, body, auth)
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            status, answer = 0, b""
        tally.note(action, began, status in (200, 204))
        return status, answer

    def called(status: int, answer: bytes) -> dict[str, object] | None:
        if status != 200:
            return None
        ticket: dict[str, object] = json.loads(answer)
        tally.called_at.setdefault((slug, str(ticket["code"])), time.perf_counter())
        return ticket

    def pause(seconds: float) -> Awaitable[None]:
        return asyncio.sleep(min(seconds, max(0.0, stop - time.perf_counter())))

    # Clerks open their cabinets at moments of their own and look again at their own pace:
    # not a hundred call-next requests in the same millisecond every IDLE_POLL_S.
    await pause(rng.uniform(0, IDLE_POLL_S / speed))
    while time.perf_counter() < stop:
        if in_hand is None:
            in_hand = called(*await act("call-next", f"{base}/service-points/{point}/call-next"))
            if in_hand is None:
                await pause(rng.uniform(0.5, 1.5) * IDLE_POLL_S / speed)
            continue
        service = str(in_hand["service"])
        visit = rng.lognormvariate(math.log(MEAN_MINUTES.get(service, 8.0)), 0.45)
        await pause(visit * 60 / speed)
        if time.perf_counter() >= stop:
            break
        if rng.random() < TRANSFER_SHARE:
            other = rng.choice([s for s in MEAN_MINUTES if s != service])
            await act("transfer", f"{base}/tickets/{in_hand['id']}/transfer", {"service": other})
            in_hand = None
            continue
        in_hand = called(*await act("next", f"{base}/service-points/{point}/next"))
    if in_hand is not None:  # the hour is over: each finishes the visit in hand in turn
        await asyncio.sleep(rng.uniform(0, IDLE_POLL_S / speed))
        await act("finish", f"{base}/tickets/{in_hand['id']}/finish")


async def replay(
    base: str, slugs: list[str], tokens: dict[str, list[str]], speed: float, seconds: float
) -> tuple[Tally, float]:
    """Every office's hour at ``speed`` for ``seconds`` (at most the hour); the window."""
    window = min(seconds, 3600.0 / speed)
    tally = Tally()
    displays = [await open_display(base, slug) for slug in slugs for _ in range(DISPLAYS)]
    readers = [asyncio.create_task(d.read()) for d in displays]
    await asyncio.sleep(2.0)  # every display has its first board
    kiosks = {slug: [Link(base) for _ in range(KIOSKS)] for slug in slugs}
    clerks = {slug: [Link(base) for _ in POINTS] for slug in slugs}
    start = time.perf_counter()
    stop = start + window
    work = []
    for n, slug in enumerate(slugs):
        plan = [(minute * 60 / speed, service) for minute, service, _, _ in arrivals(n)]
        plan = [(at, service) for at, service in plan if at < window]
        for k, conn in enumerate(kiosks[slug]):
            work.append(kiosk(conn, slug, plan[k::KIOSKS], start, tally))
        for point, token, conn in zip(POINTS, tokens[slug], clerks[slug], strict=True):
            rng = random.Random(f"{slug}{point}")
            work.append(clerk(conn, slug, point, token, speed, stop, tally, rng))
    await asyncio.gather(*work)
    await asyncio.sleep(2.0)  # the last calls reach the displays
    for task in readers:
        task.cancel()
    for d in displays:
        d.writer.close()
    for conn in (c for conns in (*kiosks.values(), *clerks.values()) for c in conns):
        conn.close()
    by_office: dict[str, list[Display]] = defaultdict(list)
    for d in displays:
        by_office[d.slug].append(d)
        tally.updates += d.boards
    for (slug, code), at in tally.called_at.items():
        for d in by_office[slug]:
            if code in d.seen:
                tally.lags.append(max(0.0, d.seen[code] - at))
            else:
                tally.missed += 1
    return tally, window


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children[int(fields[1])].append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo += children.get(found[-1], [])
    return found


def usage(pid: int) -> tuple[float, float]:
    """(CPU seconds, peak resident MiB) of a server process and its workers."""
    cpu = rss = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for p in _descendants(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        cpu += (int(fields[11]) + int(fields[12])) / tick
        peak = [line for line in status.splitlines() if line.startswith("VmHWM:")]
        rss += int(peak[0].split()[1]) / 1024 if peak else 0.0
    return cpu, rss


def machine_busy() -> tuple[float, float]:
    """(busy, all) CPU ticks of the whole machine so far (``/proc/stat``): what the server,
    PostgreSQL and this load client took together."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return sum(ticks) - idle, sum(ticks)


def integrity(url: str, tally: Tally) -> tuple[int, int]:
    """(tickets answered but not in the database, codes given twice) of the run."""
    query = (
        "SELECT o.slug, t.code FROM tickets t JOIN offices o ON o.id = t.office_id "
        "WHERE t.parent_id IS NULL"
    )
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.split("///", 1)[1])
        rows = conn.execute(query).fetchall()
        conn.close()
    else:
        import sqlalchemy as sa

        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with engine.connect() as c:
            rows = [tuple(r) for r in c.exec_driver_sql(query)]
        engine.dispose()
    stored = {(str(s), str(c)) for s, c in rows}
    return len(tally.issued - stored), len(rows) - len(stored)


def _rows(
    where: str,
    speed: float,
    tally: Tally,
    window: float,
    used: tuple[float, float, float],
    base: float,
) -> list[dict[str, object]]:
    cpu, rss, busy = used
    extra: dict[str, object] = {"speed": speed, "window_s": round(window, 1)}
    out = []
    for action in ("issue", "call-next", "next", "transfer", "finish"):
        seen = tally.latency.get(action, [])
        if not seen:
            continue
        out.append(
            row(
                f"region {where} {speed:g}×: {action} p99 (p50 {percentile(seen, 50) * 1000:.0f}"
                f" ms, {len(seen) / window:.2f}/s, {tally.errors.get(action, 0)} errors)",
                percentile(seen, 99) * 1000,
                "ms",
                "bare insert p50 ms",
                base,
                f"p99 ≤ {TARGET_MS:.0f} ms at 3×",
                higher_is_better=False,
                count=len(seen),
                **extra,
            )
        )
    out.append(
        row(
            f"region {where} {speed:g}×: display lag p99 ({tally.updates / window:.0f} updates/s,"
            f" {tally.missed} missed)",
            percentile(tally.lags, 99) * 1000 if tally.lags else 0.0,
            "ms",
            "bare insert p50 ms",
            base,
            f"p99 ≤ {LAG_TARGET_MS:.0f} ms at 3×",
            higher_is_better=False,
            lags=len(tally.lags),
            **extra,
        )
    )
    out.append(
        row(
            f"region {where} {speed:g}×: server CPU share ({rss:.0f} MiB peak;"
            f" the machine {100 * busy:.0f} % busy)",
            100 * cpu / window,
            "%",
            "one core",
            100.0,
            "",
            higher_is_better=False,
            **extra,
        )
    )
    return out


def run_one(
    where: str, url: str, offices: int, workers: int, speeds: list[float], seconds: float
) -> list[dict[str, object]]:
    directory = temp_dir()
    paths = profiles(directory, offices)
    env = {
        "KEZEK_PROFILE": ",".join(str(p) for p in paths),
        "KEZEK_DATABASE_URL": url,
        "KEZEK_SPOOL_DIR": str(directory / "spool"),
    }
    cli(env, "db", "upgrade")
    tokens = clerk_tokens(env)
    slugs = [p.stem for p in paths]
    bare = measure_bare(3.0)[0]
    base_ms = bare.pct(50) * 1000
    rows: list[dict[str, object]] = []
    for speed in speeds:
        with server("kezek.app:create_app", env=env, workers=workers) as base:
            pid = SERVER_PIDS[base]
            before = usage(pid)[0]
            ticks = machine_busy()
            tally, window = asyncio.run(replay(base, slugs, tokens, speed, seconds))
            cpu, rss = usage(pid)
            after = machine_busy()
            busy = (after[0] - ticks[0]) / max(1, after[1] - ticks[1])
        lost, doubled = integrity(url, tally)
        print(
            f"   {where} {speed:g}×: {len(tally.issued)} tickets, {lost} lost, {doubled} codes "
            f"twice, {sum(tally.errors.values())} errors",
            flush=True,
        )
        rows += _rows(where, speed, tally, window, (cpu - before, rss, busy), base_ms)
        rows[-1]["lost"], rows[-1]["duplicated"] = lost, doubled
    return rows


def run(
    offices: int = 50,
    speeds: tuple[float, ...] = (1.0, 3.0, 10.0),
    seconds: float = 60.0,
    postgres: str | None = None,
    sqlite_offices: int = 1,
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    postgres = postgres or os.environ.get("KEZEK_BENCH_POSTGRES")
    if postgres:
        url = scratch_postgres(postgres, "kezek_region")
        rows += run_one(f"PG {offices} offices, 2 workers", url, offices, 2, list(speeds), seconds)
    if sqlite_offices:
        sqlite = f"sqlite:///{temp_dir() / 'kezek.sqlite3'}"
        where = f"SQLite {sqlite_offices} office{'s' if sqlite_offices > 1 else ''}"
        rows += run_one(where, sqlite, sqlite_offices, 1, list(speeds), seconds)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.region")
    parser.add_argument("--offices", type=int, default=50)
    parser.add_argument("--speeds", default="1,3,10")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--postgres", default=None)
    parser.add_argument(
        "--sqlite-offices", type=int, default=1, help="the SQLite comparison's offices (0: none)"
    )
    args = parser.parse_args()
    speeds = tuple(float(s) for s in args.speeds.split(","))
    rows = run(args.offices, speeds, args.seconds, args.postgres, args.sqlite_offices)
    print_table(rows)


if __name__ == "__main__":
    main()
