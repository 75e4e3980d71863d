"""Issue 20, point 3: 1,000 displays reconnecting at once (as after a restart) while other
requests go on; their p99 beside the same requests without the storm, in the same run.

    python -m bench.storm_bench [--displays 1000] [--seconds 8]

One uvicorn worker, SQLite. The other requests: 4 raw keep-alive clients issuing tickets
(``POST /api/tickets``, ``bench/light_client.py``). The storm: ``--displays`` raw sockets
open ``GET /display/events`` and each waits for its first board (every wait bounded), twice:
as the displays do after a restart (each after its first back-off, drawn by the formula and
the constants of ``static/js/display.js``), and, the worst case, all in the same instant.
Target (issue 20): the other requests' p99 under 500 ms. Only 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import time
from urllib.parse import urlsplit

from bench import light_client
from bench.common import ROOT, Load, percentile, print_table, row, server, temp_dir
from bench.display_bench import connect
from bench.foundation import cli, kezek_env

CLIENTS = 4
FIRST_BOARD_S = 30.0  # a display without its board by then counts as failed


async def _issue(conn: light_client.Connection, _: int) -> bool:
    status, _body = await conn.request(
        "POST", "/api/tickets", json_body={"service": "registration"}
    )
    return status == 201


def first_backoffs(displays: int, seed: int = 20) -> list[float]:
    """Seconds each display waits before its first reconnect after the stream dropped: the
    page's ``backoff(0)``, from the constants in its script (so the bench follows it)."""
    script = (ROOT / "kezek/static/js/display.js").read_text(encoding="utf-8")

    def constant(name: str) -> float:
        found = re.search(rf"var {name} = (\d+);", script)
        assert found is not None, name
        return float(found.group(1)) / 1000

    low = constant("RETRY_BASE_MS") / 2
    high = min(constant("RETRY_CAP_MS"), constant("RETRY_SPREAD_MS"))
    draw = random.Random(seed)
    return [low + draw.random() * (high - low) for _ in range(displays)]


async def _storm(base: str, delays: list[float]) -> tuple[list[float], int]:
    """Open a stream after each delay; seconds from its open to its first board, and how
    many never got one."""
    parts = urlsplit(base)
    assert parts.hostname == "127.0.0.1", "loopback only"
    times: list[float] = []

    async def one(delay: float) -> bool:
        await asyncio.sleep(delay)
        began = time.perf_counter()
        d = await connect(parts.hostname or "", int(parts.port or 0), "/display/events")
        reader = asyncio.create_task(d.read())
        try:
            async with asyncio.timeout(FIRST_BOARD_S):
                await d.got_board.wait()
            times.append(time.perf_counter() - began)
            return True
        finally:
            reader.cancel()
            d.writer.close()

    done = await asyncio.gather(*(one(delay) for delay in delays), return_exceptions=True)
    return times, sum(1 for ok in done if ok is not True)


async def _with_storm(
    base: str, delays: list[float], seconds: float
) -> tuple[Load, list[float], int]:
    other = asyncio.create_task(light_client.load(base, _issue, clients=CLIENTS, seconds=seconds))
    await asyncio.sleep(seconds / 4)
    times, failed = await _storm(base, delays)
    return await other, times, failed


def run(displays: int = 1000, seconds: float = 8.0) -> list[dict[str, object]]:
    directory = temp_dir()
    env = kezek_env(directory, points=2)
    cli(env, "db", "upgrade")
    storms = {
        "after a restart, each display after its back-off": first_backoffs(displays),
        "all in the same instant": [0.0] * displays,
    }
    rows = []
    with server("kezek.app:create_app", env=env) as base:
        quiet = asyncio.run(light_client.load(base, _issue, clients=CLIENTS, seconds=seconds))
        for name, delays in storms.items():
            loud, boards, failed = asyncio.run(_with_storm(base, delays, seconds))
            extra = {"displays": displays, "failed_displays": failed, "errors": loud.errors}
            rows += [
                row(
                    f"storm ({name}): other requests' p99, {displays} displays",
                    loud.pct(99) * 1000,
                    "ms",
                    "the same without the storm, p99 ms",
                    quiet.pct(99) * 1000,
                    "< 500 ms",
                    higher_is_better=False,
                    **extra,
                ),
                row(
                    f"storm ({name}): a display's first board, p99",
                    percentile(boards, 99) * 1000,
                    "ms",
                    "other requests' p50 ms",
                    quiet.pct(50) * 1000,
                    "",
                    higher_is_better=False,
                    **extra,
                ),
            ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.storm_bench")
    parser.add_argument("--displays", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    rows = run(args.displays, args.seconds)
    for storm in rows[::2]:
        print(
            f"{storm['benchmark']}: displays without a first board: {storm['failed_displays']},"
            f" errors: {storm['errors']}"
        )
    print_table(rows)


if __name__ == "__main__":
    main()
