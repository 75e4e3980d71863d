"""Issue 20, point 3: 1,000 displays reconnecting at once (as after a restart) while other
requests go on; their p99 beside the same requests without the storm, in the same run.

    python -m bench.storm_bench [--displays 1000] [--seconds 8]

One uvicorn worker, SQLite. The other requests: 4 raw keep-alive clients issuing tickets
(``POST /api/tickets``, ``bench/light_client.py``). The storm: ``--displays`` raw sockets
open ``GET /display/events`` in the same instant and each waits for its first board (every
wait bounded). Target (issue 20): the other requests' p99 under 500 ms. Only 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from urllib.parse import urlsplit

from bench import light_client
from bench.common import percentile, print_table, row, server, temp_dir
from bench.display_bench import connect
from bench.foundation import cli, kezek_env

CLIENTS = 4
FIRST_BOARD_S = 30.0  # a display without its board by then counts as failed


async def _issue(conn: light_client.Connection, _: int) -> bool:
    status, _body = await conn.request(
        "POST", "/api/tickets", json_body={"service": "registration"}
    )
    return status == 201


async def _storm(base: str, displays: int) -> tuple[list[float], int]:
    """Open every stream at once; seconds to each first board, and how many never got one."""
    parts = urlsplit(base)
    assert parts.hostname == "127.0.0.1", "loopback only"
    began = time.perf_counter()
    opened = await asyncio.gather(
        *(
            connect(parts.hostname, int(parts.port or 0), "/display/events")
            for _ in range(displays)
        ),
        return_exceptions=True,
    )
    streams = [d for d in opened if not isinstance(d, BaseException)]
    readers = [asyncio.create_task(d.read()) for d in streams]
    times: list[float] = []

    async def first(d: object) -> None:
        await d.got_board.wait()  # type: ignore[attr-defined]
        times.append(time.perf_counter() - began)

    try:
        async with asyncio.timeout(FIRST_BOARD_S):
            await asyncio.gather(*(first(d) for d in streams))
    except TimeoutError:
        pass
    for task in readers:
        task.cancel()
    for d in streams:
        d.writer.close()
    return times, displays - len(times)


async def _with_storm(
    base: str, displays: int, seconds: float
) -> tuple[light_client.Load, list[float], int]:
    other = asyncio.create_task(light_client.load(base, _issue, clients=CLIENTS, seconds=seconds))
    await asyncio.sleep(seconds / 4)
    times, failed = await _storm(base, displays)
    return await other, times, failed


def run(displays: int = 1000, seconds: float = 8.0) -> list[dict[str, object]]:
    directory = temp_dir()
    env = kezek_env(directory, points=2)
    cli(env, "db", "upgrade")
    with server("kezek.app:create_app", env=env) as base:
        quiet = asyncio.run(light_client.load(base, _issue, clients=CLIENTS, seconds=seconds))
        loud, boards, failed = asyncio.run(_with_storm(base, displays, seconds))
    extra = {"displays": displays, "failed_displays": failed, "errors": loud.errors}
    return [
        row(
            f"storm: other requests' p99, {displays} displays reconnecting",
            loud.pct(99) * 1000,
            "ms",
            "the same without the storm, p99 ms",
            quiet.pct(99) * 1000,
            "< 500 ms",
            higher_is_better=False,
            **extra,
        ),
        row(
            f"storm: the {displays} displays' first board, p99",
            percentile(boards, 99) * 1000,
            "ms",
            "other requests' p50 ms",
            quiet.pct(50) * 1000,
            "",
            higher_is_better=False,
            **extra,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.storm_bench")
    parser.add_argument("--displays", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    rows = run(args.displays, args.seconds)
    print(
        f"displays without a first board: {rows[0]['failed_displays']}, errors: {rows[0]['errors']}"
    )
    print_table(rows)


if __name__ == "__main__":
    main()
