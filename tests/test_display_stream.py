"""The display stream over real HTTP (uvicorn on 127.0.0.1): what a display receives, and
that thousands of connects, a stop and a SIGTERM leave nothing behind."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine

from kezek.display import routes as display_routes
from kezek.display.stream import Live
from kezek.queue.clock import ManualClock
from kezek.web import State
from tests.conftest import LiveServer, free_port, make_token, make_user, spawn_server


def kezek(server: LiveServer) -> State:
    return server.server.config.app.state.kezek  # type: ignore[union-attr,no-any-return]


def live(server: LiveServer) -> Live:
    found: Live = kezek(server).extras[display_routes.LIVE]
    return found


@pytest.fixture
def clerk(live_server: LiveServer, engine: Engine) -> dict[str, str]:
    make_user(engine, kezek(live_server).office_id, "clerk1", "clerk")
    return {"authorization": f"Bearer {make_token(engine, 'clerk1')}"}


def issue(server: LiveServer, service: str = "registration") -> None:
    assert httpx.post(server.url + "/api/tickets", json={"service": service}).status_code == 201


def call_next(server: LiveServer, headers: dict[str, str], point: str = "cab1") -> None:
    url = f"{server.url}/api/service-points/{point}/call-next"
    assert httpx.post(url, headers=headers, timeout=10).status_code == 200


def run_async(make: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """asyncio.run in a thread of its own: Playwright's sync API (the browser tests) keeps an
    event loop running in the main thread."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(make())).result(timeout=120)


def messages(lines: Iterator[str]) -> Iterator[dict[str, Any]]:
    """Server-sent events as dicts: event, data (lines joined), comments, retry."""
    current: dict[str, Any] = {"event": None, "data": [], "comments": [], "retry": None}
    for line in lines:
        if line == "":
            yield {**current, "data": "\n".join(current["data"])}
            current = {"event": None, "data": [], "comments": [], "retry": None}
        elif line.startswith(":"):
            current["comments"].append(line[1:].strip())
        else:
            name, _, value = line.partition(": ")
            if name == "data":
                current["data"].append(value)
            else:
                current[name] = value


def until(stream: Iterator[dict[str, Any]], event: str, limit: int = 50) -> dict[str, Any]:
    for _ in range(limit):
        message = next(stream)
        if message["event"] == event:
            return message
    raise AssertionError(f"no {event!r} event in {limit} messages")


def test_a_display_gets_the_board_then_each_call(
    live_server: LiveServer, clerk: dict[str, str]
) -> None:
    with httpx.stream("GET", live_server.url + "/display/events", timeout=5) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        assert "no-transform" in response.headers["cache-control"]
        stream = messages(response.iter_lines())
        assert next(stream)["retry"] == "2000"
        first = next(stream)
        assert first["event"] == "board"
        assert BeautifulSoup(first["data"], "html.parser").select_one(".idle") is not None
        issue(live_server)
        call_next(live_server, clerk)
        announce = json.loads(until(stream, "announce")["data"])
        assert announce["code"] == "А-001" and announce["point"] == "cab1"
        assert announce["kind"] == "called"
        assert [clip["name"] for clip in announce["clips"]] == ["chime", "kk", "ru"]
        board = BeautifulSoup(until(stream, "board")["data"], "html.parser")
        assert [el.get_text() for el in board.select(".calls .code")] == ["А-001"]
    for clip in announce["clips"]:  # what the display will fetch
        sound = httpx.get(live_server.url + clip["url"])
        assert sound.status_code == 200 and sound.content[:4] == b"RIFF"


def test_the_screen_over_a_door_hears_only_its_cabinet(
    live_server: LiveServer, clerk: dict[str, str]
) -> None:
    issue(live_server)
    issue(live_server)
    with httpx.stream("GET", live_server.url + "/display/point/cab4/events", timeout=5) as response:
        stream = messages(response.iter_lines())
        until(stream, "board")
        call_next(live_server, clerk, "cab1")
        call_next(live_server, clerk, "cab4")
        announce = json.loads(until(stream, "announce")["data"])
        assert (announce["code"], announce["point"]) == ("А-002", "cab4")
        assert [clip["name"] for clip in announce["clips"]] == ["chime"]
    assert httpx.get(live_server.url + "/display/point/nope/events").status_code == 404


def test_heartbeats_keep_the_stream_and_the_clock_alive(
    live_server: LiveServer, now: ManualClock
) -> None:
    live(live_server).heartbeat = 0.2
    with httpx.stream("GET", live_server.url + "/display/events", timeout=5) as response:
        stream = messages(response.iter_lines())
        until(stream, "board")
        tick = until(stream, "tick", limit=3)
        assert tick["comments"] == ["ping"]  # a comment: what proxies need to see
        assert int(tick["data"]) == int(now().timestamp() * 1000)  # the office clock


def count_tasks(server: LiveServer) -> int:
    async def count() -> int:
        return len(asyncio.all_tasks())

    return asyncio.run_coroutine_threadsafe(count(), live(server).loop).result(timeout=5)


def test_connects_and_disconnects_leave_nothing_behind(live_server: LiveServer) -> None:
    st = kezek(live_server)
    tasks_before = count_tasks(live_server)
    url = live_server.url + "/display/events"

    async def visit(client: httpx.AsyncClient, gate: asyncio.Semaphore) -> None:
        async with gate, client.stream("GET", url) as response:
            async for line in response.aiter_lines():
                if line == "event: board":
                    return  # the display goes away after its first board

    async def many() -> None:
        gate = asyncio.Semaphore(20)
        async with httpx.AsyncClient(timeout=10) as client:
            await asyncio.gather(*(visit(client, gate) for _ in range(200)))

    run_async(many)
    deadline = time.monotonic() + 5
    while st.broker.subscriber_count() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert st.broker.subscriber_count() == 0
    assert live(live_server).hub.groups == {} and live(live_server).hub.task is None
    deadline = time.monotonic() + 5
    while count_tasks(live_server) > tasks_before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert count_tasks(live_server) <= tasks_before


def test_one_board_rendering_serves_every_display(
    live_server: LiveServer, engine: Engine, clerk: dict[str, str]
) -> None:
    issue(live_server)
    boards: list[int] = []

    def count_board_reads(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "avg(tickets.wait_seconds)" in statement:  # read only when the board is rendered
            boards.append(1)

    url = live_server.url + "/display/events"

    async def display(ready: asyncio.Queue[None]) -> None:
        async with httpx.AsyncClient(timeout=10) as client, client.stream("GET", url) as response:
            seen_board = 0
            event = None
            async for line in response.aiter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "board" and "А-001" in line:
                    return
                elif line == "" and event == "board":
                    seen_board += 1
                    if seen_board == 1:
                        await ready.put(None)

    async def many() -> None:
        ready: asyncio.Queue[None] = asyncio.Queue()
        tasks = [asyncio.create_task(display(ready)) for _ in range(20)]
        for _ in tasks:
            await asyncio.wait_for(ready.get(), 10)
        sa.event.listen(engine, "before_cursor_execute", count_board_reads)
        try:
            await asyncio.to_thread(call_next, live_server, clerk)
            await asyncio.wait_for(asyncio.gather(*tasks), 10)
        finally:
            sa.event.remove(engine, "before_cursor_execute", count_board_reads)

    run_async(many)
    assert len(boards) == 1  # twenty displays, one call, one database read


def test_stopping_ends_open_streams_at_once(live_server: LiveServer) -> None:
    with httpx.stream("GET", live_server.url + "/display/events", timeout=5) as response:
        stream = messages(response.iter_lines())
        until(stream, "board")
        began = time.monotonic()
        live(live_server).stop_threadsafe()
        assert list(stream) == []  # the response ends: EventSource reconnects by itself
        assert time.monotonic() - began < 1.0


def test_sigterm_restarts_quickly_with_displays_connected(
    database_url: str, tmp_path: Path
) -> None:
    """uvicorn waits for open responses on shutdown; the streams must end by themselves."""
    port = free_port()
    env = {
        "KEZEK_DATABASE_URL": database_url,
        "KEZEK_SECRET_KEY": "test",
        "KEZEK_SPOOL_DIR": str(tmp_path / "spool"),
        "KEZEK_PROFILE": "kyzylzhar",
    }
    server = spawn_server(env, port)
    try:
        url = f"http://127.0.0.1:{port}/display/events"
        deadline = time.monotonic() + 30
        while True:
            try:
                with httpx.stream("GET", url, timeout=5) as response:
                    stream = messages(response.iter_lines())
                    until(stream, "board")
                    began = time.monotonic()
                    server.send_signal(signal.SIGTERM)
                    assert list(stream) == []
                    server.wait(timeout=10)
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline and server.poll() is None, "did not start"
                time.sleep(0.2)
        assert time.monotonic() - began < 3.0
        assert server.returncode in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it caught
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
