"""From call-next to the code on 500 waiting-room displays (SSE, one uvicorn worker, SQLite),
beside a bare SSE broadcast endpoint measured in the same run.

    python -m bench.display_bench [--clients 500] [--rounds 15]

Each round: a ticket is issued, then ``POST /api/service-points/p01/call-next`` is sent and the
clock runs until each display has received (a) the ``announce`` event and (b) a ``board``
event showing the code. The baseline is a tiny Starlette app whose ``POST /fire`` puts one
message of the same size into every stream's queue (no database, no rendering). The target:
p99 ≤ 100 ms to the board. All clients are raw asyncio sockets in this one process; every
wait is bounded; only 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from bench.common import percentile, print_table, row, scratch_postgres, server, temp_dir
from bench.foundation import cli, kezek_env

ROUND_TIMEOUT = 10.0  # seconds for every display to see one call

# --- the baseline: a bare SSE broadcast ---------------------------------------------------------

_streams: set[asyncio.Queue[bytes]] = set()


async def _bare_events(request: Request) -> Response:
    queue: asyncio.Queue[bytes] = asyncio.Queue()

    async def body() -> AsyncIterator[bytes]:
        _streams.add(queue)
        try:
            yield b"retry: 2000\n\nevent: board\ndata: ready\n\n"
            while True:
                yield await queue.get()
        finally:
            _streams.discard(queue)

    return StreamingResponse(body(), media_type="text/event-stream")


async def _bare_fire(request: Request) -> Response:
    """One announce and one board message of ``size`` bytes, to every stream."""
    asked = json.loads(await request.body())
    code, size = str(asked["code"]), int(asked["size"])
    announce = json.dumps({"code": code, "point": "p01"}, ensure_ascii=False)
    board = f'<li data-call="{code}@1">{code}</li>'.ljust(size, "x")
    message = f"event: announce\ndata: {announce}\n\nevent: board\ndata: {board}\n\n".encode()
    for queue in list(_streams):
        queue.put_nowait(message)
    return JSONResponse({"streams": len(_streams)})


def create_bare_app() -> Starlette:
    async def home(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route("/", home),
            Route("/events", _bare_events),
            Route("/fire", _bare_fire, methods=["POST"]),
        ]
    )


# --- the displays ----------------------------------------------------------------------------


@dataclass
class Display:
    """One connected display: a raw socket reading the stream and watching for two markers."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    announce_mark: bytes = b""
    board_mark: bytes = b""
    announced: float | None = None
    boarded: float | None = None
    tail: bytes = b""
    got_board: asyncio.Event = field(default_factory=asyncio.Event)

    def expect(self, code: str) -> None:
        self.announce_mark = f'"code": "{code}"'.encode()
        self.board_mark = f'data-call="{code}@'.encode()
        self.announced = self.boarded = None

    async def read(self) -> None:
        while chunk := await self.reader.read(65536):
            seen = self.tail + chunk
            now = time.perf_counter()
            if self.announce_mark and self.announced is None and self.announce_mark in seen:
                self.announced = now
            if self.board_mark and self.boarded is None and self.board_mark in seen:
                self.boarded = now
            if not self.got_board.is_set() and b"event: board" in seen:
                self.got_board.set()
            self.tail = seen[-200:]  # a marker split between two reads is still found


async def connect(host: str, port: int, path: str) -> Display:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    return Display(reader, writer)


@dataclass
class Result:
    board: list[float]  # ms from call-next sent to the code on a display
    answered: list[float]  # ms from call-next sent to its HTTP answer
    missed: int  # a display that did not get both the announcement and the board in time


# Sends the call for ``code``; returns (sent, answered) perf_counter times.
Call = Callable[[httpx.AsyncClient, str], Awaitable[tuple[float, float]]]


async def measure(base: str, path: str, clients: int, rounds: int, call: Call) -> Result:
    """Connect ``clients`` displays, then run ``rounds`` calls; latencies in milliseconds."""
    host, port = base.removeprefix("http://").split(":")
    displays: list[Display] = []
    for start in range(0, clients, 50):  # connect in steps: no burst of SYNs
        displays += await asyncio.gather(
            *(connect(host, int(port), path) for _ in range(start, min(clients, start + 50)))
        )
    readers = [asyncio.create_task(d.read()) for d in displays]
    await asyncio.wait_for(asyncio.gather(*(d.got_board.wait() for d in displays)), 30)
    board: list[float] = []
    answered: list[float] = []
    missed = 0
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            for n in range(1, rounds + 1):
                code = f"А-{n:03d}"
                for d in displays:
                    d.expect(code)
                began, answer = await call(client, code)
                answered.append((answer - began) * 1000)
                deadline = time.perf_counter() + ROUND_TIMEOUT
                while any(d.boarded is None or d.announced is None for d in displays):
                    if time.perf_counter() > deadline:
                        break
                    await asyncio.sleep(0.005)
                for d in displays:
                    if d.boarded is None or d.announced is None:
                        missed += 1
                        continue
                    board.append((d.boarded - began) * 1000)
                await asyncio.sleep(0.2)  # let the finish/issue events of the round settle
    finally:
        for task in readers:
            task.cancel()
        for d in displays:
            d.writer.close()
        await asyncio.gather(*readers, return_exceptions=True)
    return Result(board, answered, missed)


def run(clients: int = 500, rounds: int = 15) -> list[dict[str, object]]:
    """One worker on SQLite; with KEZEK_BENCH_POSTGRES set, also 1 and 2 workers on PostgreSQL
    (events cross the workers through LISTEN/NOTIFY: a display on worker 2 sees a call made on
    worker 1)."""
    rows = run_one(clients, rounds)
    postgres = os.environ.get("KEZEK_BENCH_POSTGRES")
    if postgres:
        for workers in (1, 2):
            rows += run_one(clients, rounds, workers=workers, postgres=postgres)[:2]
    return rows


def run_one(
    clients: int = 500, rounds: int = 15, workers: int = 1, postgres: str | None = None
) -> list[dict[str, object]]:
    directory = temp_dir()
    env = kezek_env(directory, points=2)
    if postgres:
        env["KEZEK_DATABASE_URL"] = scratch_postgres(postgres, "kezek_display_bench")
    where = (
        f"{workers} worker{'s' if workers > 1 else ''}, {'PostgreSQL' if postgres else 'SQLite'}"
    )
    cli(env, "db", "upgrade")
    cli(env, "user", "add", "bench", "--role", "clerk", "--password", "bench-password")
    auth = {"authorization": f"Bearer {cli(env, 'token', 'create', 'bench')}"}
    state: dict[str, int] = {}

    async def kezek_call(client: httpx.AsyncClient, code: str) -> tuple[float, float]:
        if "ticket" in state:  # the cabinet finishes the previous visitor first
            done = await client.post(f"/api/tickets/{state['ticket']}/finish", headers=auth)
            assert done.status_code == 200, done.text
        issued = await client.post("/api/tickets", json={"service": "registration"})
        assert issued.status_code == 201 and issued.json()["code"] == code, issued.text
        await asyncio.sleep(0.3)  # the displays show the new waiting count first
        began = time.perf_counter()
        called = await client.post("/api/service-points/p01/call-next", headers=auth)
        answered = time.perf_counter()
        assert called.status_code == 200 and called.json()["code"] == code, called.text
        state["ticket"] = called.json()["id"]
        return began, answered

    with server("kezek.app:create_app", env=env, workers=workers) as base:
        board_bytes = len(httpx.get(base + "/display/", headers={"hx-request": "true"}).content)
        kezek = asyncio.run(measure(base, "/display/events", clients, rounds, kezek_call))

    async def bare_call(client: httpx.AsyncClient, code: str) -> tuple[float, float]:
        await asyncio.sleep(0.3)
        began = time.perf_counter()
        fired = await client.post("/fire", json={"code": code, "size": board_bytes})
        answered = time.perf_counter()
        assert fired.status_code == 200, fired.text
        return began, answered

    with server("bench.display_bench:create_bare_app") as base:
        bare = asyncio.run(measure(base, "/events", clients, rounds, bare_call))

    extra = {
        "clients": clients,
        "rounds": rounds,
        "board_bytes": board_bytes,
        "missed": kezek.missed,
        "bare_missed": bare.missed,
    }
    # The announcement and the board leave in one write per display, so they arrive together;
    # the board (the code on the screen) is what is timed.
    return [
        row(
            f"display: call-next → code on {clients} SSE, p50 ({where})",
            percentile(kezek.board, 50),
            "ms",
            "bare SSE p50",
            percentile(bare.board, 50),
            "",
            False,
            **extra,
        ),
        row(
            f"display: call-next → code on {clients} SSE, p99 ({where})",
            percentile(kezek.board, 99),
            "ms",
            "bare SSE p99",
            percentile(bare.board, 99),
            "p99 ≤ 100 ms",
            False,
            **extra,
        ),
        # Where the time goes: the call itself (auth, claim, commit, answer) vs a bare POST.
        row(
            "display: call-next HTTP answer, p50",
            percentile(kezek.answered, 50),
            "ms",
            "bare POST p50",
            percentile(bare.answered, 50),
            "",
            False,
            **extra,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.display_bench")
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    rows = run(args.clients, args.rounds)
    print_table(rows)
    print(
        f"missed (display saw no call within {ROUND_TIMEOUT:.0f} s): "
        f"kezek {rows[0]['missed']}, bare {rows[0]['bare_missed']}"
    )


if __name__ == "__main__":
    main()
