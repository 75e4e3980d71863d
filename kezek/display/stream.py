"""Server-sent events for the displays: one stream per open display, fed by the broker.

Each stream subscribes to ``st.broker`` for its office. On every wake-up it drains what has
queued (a burst becomes one board update) and writes once: an ``announce`` event per call or
recall, then a ``board`` event with the board fragment. Everything that is the same for all
displays is made once per event and shared, already encoded: the rendering (one database
read for 500 displays, ``Shared``) and the announcement. Measured with 500 displays
(bench/display_bench.py), per-display work was what cost: ``url_for`` for the voice links,
formatting the fragment, and a second socket write per event.

Streams end by themselves when the server stops (``Live.stop``): uvicorn waits for open
responses before it runs the lifespan shutdown, so without this a restart would hang on
the displays. A heartbeat every 15 s keeps proxies from closing an idle stream, tells the
page the stream is alive, and lets the server notice a display that went away.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from kezek.queue.events import Broker, Event

log = logging.getLogger("kezek.display")

HEARTBEAT = 15.0  # seconds between heartbeats
RETRY_MS = 2000  # how soon EventSource reconnects after the stream ends
REFRESH_EVERY = 20  # heartbeats: a fresh board every 5 minutes even without events (midnight)
CALLS = frozenset({"called", "recalled"})

# Put into every stream's queue to end it; never published to the broker.
STOP = Event(kind="stop", office_id=0, ticket_id=0, code="", service="")

Render = Callable[[str | None], Awaitable[str]]
Entry = tuple[Event | None, str | None, float, "asyncio.Task[bytes]"]


class Shared:
    """What every stream of the process sends alike, made once and kept briefly.

    Renderings: at most one per (event, point). A rendering reflects an event when it
    started after the event was published, so streams woken by the same event share its
    rendering, and a new stream shares any rendering that started after it subscribed.
    Announcements: one per (event, variant). Events are told apart by identity (the broker
    hands the same object to every subscriber); the newest ``keep`` of each are kept.
    """

    def __init__(self, keep: int = 16) -> None:
        self._renders: deque[Entry] = deque(maxlen=keep)
        self._said: deque[tuple[Event, str, bytes | None]] = deque(maxlen=keep * 4)

    def _start(self, event: Event | None, point: str | None, render: Render) -> asyncio.Task[bytes]:
        async def board() -> bytes:
            return message("board", await render(point))

        task = asyncio.ensure_future(board())
        # A rendering whose streams all left is awaited by nobody: read its error here.
        task.add_done_callback(lambda t: t.cancelled() or t.exception())
        self._renders.append((event, point, asyncio.get_running_loop().time(), task))
        return task

    @staticmethod
    def _usable(task: asyncio.Task[bytes]) -> bool:
        return not task.done() or (not task.cancelled() and task.exception() is None)

    @staticmethod
    async def _wait(task: asyncio.Task[bytes]) -> bytes:
        # Shielded: a display that leaves while waiting must not cancel the others' board.
        return task.result() if task.done() else await asyncio.shield(task)

    async def board_after(self, event: Event, point: str | None, render: Render) -> bytes:
        for seen, at_point, _, task in self._renders:
            if seen is event and at_point == point and self._usable(task):
                return await self._wait(task)
        return await self._wait(self._start(event, point, render))

    async def board_since(self, moment: float, point: str | None, render: Render) -> bytes:
        for _, at_point, started, task in reversed(self._renders):
            if at_point == point and started >= moment and self._usable(task):
                return await self._wait(task)
        return await self._wait(self._start(None, point, render))

    def announcement(
        self, event: Event, variant: str, make: Callable[[Event], str | None]
    ) -> bytes | None:
        for seen, kind, said in self._said:
            if seen is event and kind == variant:
                return said
        text = make(event)
        said = message("announce", text) if text is not None else None
        self._said.append((event, variant, said))
        return said


@dataclass
class Live:
    """The display streams of one app: kept in ``st.extras`` from startup to shutdown."""

    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.get_running_loop)
    heartbeat: float = HEARTBEAT
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    queues: set[asyncio.Queue[Event]] = field(default_factory=set)
    shared: Shared = field(default_factory=Shared)

    def stop(self) -> None:
        """End every open stream now (server shutdown). In the event loop's thread."""
        self.stopping.set()
        for queue in list(self.queues):
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(STOP)

    def stop_threadsafe(self) -> None:
        self.loop.call_soon_threadsafe(self.stop)


def message(event: str, data: str) -> bytes:
    """One SSE message; every line of ``data`` gets its own ``data:`` field."""
    lines = "".join(f"data: {line}\n" for line in (data.splitlines() or [""]))
    return f"event: {event}\n{lines}\n".encode()


def heartbeat(epoch_ms: int) -> bytes:
    # The comment keeps proxies open; the tick lets the page see the stream is alive and
    # keep its clock right.
    return f": ping\nevent: tick\ndata: {epoch_ms}\n\n".encode()


def _drain(queue: asyncio.Queue[Event], first: Event) -> list[Event]:
    batch = [first]
    while True:
        try:
            batch.append(queue.get_nowait())
        except asyncio.QueueEmpty:
            return batch


async def stream(
    broker: Broker,
    office_id: int,
    live: Live,
    point: str | None,
    render: Render,
    announce: Callable[[Event], str | None],
    variant: str,
    now_ms: Callable[[], int],
    heartbeat_every: float = HEARTBEAT,
) -> AsyncIterator[bytes]:
    """The messages of one display's stream, until it goes away or the server stops.

    ``variant`` names what ``announce`` says for this kind of display (the hall display and
    the screen over a door say different things), so it is shared between streams alike.
    """
    loop = asyncio.get_running_loop()
    shared = live.shared
    async with broker.subscribe(office_id) as queue:
        live.queues.add(queue)
        try:
            last_wake = loop.time()
            yield f"retry: {RETRY_MS}\n\n".encode()
            board = await _board(shared.board_since(last_wake, point, render))
            if board:
                yield board
            beats = 0
            while not live.stopping.is_set():
                try:
                    async with asyncio.timeout(heartbeat_every):
                        first = await queue.get()
                except TimeoutError:
                    beats += 1
                    refresh = beats % REFRESH_EVERY == 0
                    board = (
                        await _board(shared.board_since(last_wake, point, render))
                        if refresh
                        else b""
                    )
                    yield heartbeat(now_ms()) + board
                    continue
                last_wake = loop.time()
                batch = _drain(queue, first)
                if live.stopping.is_set() or any(e is STOP for e in batch):
                    break
                said = [shared.announcement(e, variant, announce) for e in batch]
                board = await _board(shared.board_after(batch[-1], point, render))
                chunk = b"".join(s for s in said if s) + board
                if chunk:  # one write per wake-up
                    yield chunk
        finally:
            live.queues.discard(queue)


async def _board(pending: Awaitable[bytes]) -> bytes:
    """A rendering, or nothing when it failed (a busy database): the next event tries again."""
    try:
        return await pending
    except Exception:
        log.warning("display board rendering failed", exc_info=True)
        return b""
