"""Server-sent events for the displays: one hub per app listens, every display is written to.

The hub subscribes to ``st.broker`` once for the office (while any display is connected).
On every wake-up it drains what has queued (a burst becomes one update), renders the board
once per group of alike displays — the hall, or the screen over one cabinet's door — and puts
one message into each display's queue: an ``announce`` event per call or recall, then the
``board`` event. Each display's stream only writes what it is handed.

Measured with 500 displays (bench/display_bench.py): when every stream subscribed and
rendered for itself, per-display work was what cost — ``url_for`` for the voice links,
formatting the fragment, a second socket write per event, 500 wake-ups from the broker
before the rendering could even start.

A display that falls behind by ``BACKLOG`` messages loses the oldest: every board message
is whole, so the next one puts it right, and memory stays bounded.

Streams end by themselves when the server stops (``Live.stop``): uvicorn waits for open
responses before it runs the lifespan shutdown, so without this a restart would hang on
the displays. A heartbeat every 15 s keeps proxies from closing an idle stream, tells the
page the stream is alive, and lets the server notice a display that went away.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from kezek.queue.events import Broker, Event

log = logging.getLogger("kezek.display")

HEARTBEAT = 15.0  # seconds between heartbeats
RETRY_MS = 2000  # how soon EventSource reconnects after the stream ends
JOIN_BATCH = 0.05  # seconds displays joining together wait to share one first board
REFRESH = 300.0  # seconds without events before a fresh board anyway (a new day at midnight)
BACKLOG = 32  # messages a display may fall behind before the oldest are dropped
CALLS = frozenset({"called", "recalled"})

Render = Callable[[], Awaitable[str]]  # the board fragment of one group of displays
Announce = Callable[[Event], str | None]  # the JSON a display queues for sound, if any
Message = tuple[float, bytes]  # (when the board in it started rendering, the bytes)
STOPPED: Message = (math.inf, b"")  # put into every display's queue at shutdown


def message(event: str, data: str, event_id: int | None = None) -> bytes:
    """One SSE message; every line of ``data`` gets its own ``data:`` field. ``event_id``:
    the last history id it covers, which the browser sends back as ``Last-Event-ID``."""
    lines = "".join(f"data: {line}\n" for line in (data.splitlines() or [""]))
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\n{lines}\n".encode()


def _announcements(announce: Announce, batch: list[Event]) -> bytes:
    said = ((event, announce(event)) for event in batch)
    return b"".join(message("announce", s, e.id) for e, s in said if s is not None)


def _with_id(board: bytes, batch: list[Event]) -> bytes:
    ids = [e.id for e in batch if e.id is not None]
    return f"id: {max(ids)}\n".encode() + board if board and ids else board


def heartbeat(epoch_ms: int) -> bytes:
    # The comment keeps proxies open; the tick lets the page see the stream is alive and
    # keep its clock right.
    return f": ping\nevent: tick\ndata: {epoch_ms}\n\n".encode()


def _put(queue: asyncio.Queue[Message], item: Message) -> None:
    if queue.full():
        with contextlib.suppress(asyncio.QueueEmpty):
            queue.get_nowait()
    queue.put_nowait(item)


def _drain(queue: asyncio.Queue[Event], first: Event) -> list[Event]:
    batch = [first]
    while True:
        try:
            batch.append(queue.get_nowait())
        except asyncio.QueueEmpty:
            return batch


async def _wait(task: asyncio.Task[bytes]) -> bytes:
    # Shielded: a display that leaves while waiting must not cancel the others' board.
    return task.result() if task.done() else await asyncio.shield(task)


async def _board(pending: Awaitable[bytes]) -> bytes:
    """A rendering, or nothing when it failed (a busy database): the next event tries again."""
    try:
        return await pending
    except Exception:
        log.warning("display board rendering failed", exc_info=True)
        return b""


@dataclass
class Group:
    """Displays that show the same thing: the hall (point None) or one cabinet's screen."""

    render: Render
    announce: Announce
    clients: set[asyncio.Queue[Message]] = field(default_factory=set)


class Hub:
    """The one listener of an app's displays: events in, one message per group out."""

    def __init__(self, broker: Broker, office_id: int, keep: int = 16) -> None:
        self.broker = broker
        self.office_id = office_id
        self.groups: dict[str | None, Group] = {}
        self.task: asyncio.Task[None] | None = None
        # Recent renderings, so displays that connect together share one.
        self._renders: deque[tuple[str | None, float, asyncio.Task[bytes]]] = deque(maxlen=keep)

    def join(self, point: str | None, render: Render, announce: Announce) -> asyncio.Queue[Message]:
        group = self.groups.setdefault(point, Group(render, announce))
        queue: asyncio.Queue[Message] = asyncio.Queue(BACKLOG)
        group.clients.add(queue)
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self._run())
        return queue

    def leave(self, point: str | None, queue: asyncio.Queue[Message]) -> None:
        group = self.groups.get(point)
        if group is not None:
            group.clients.discard(queue)
            if not group.clients:
                del self.groups[point]
        if not self.groups and self.task is not None:  # nobody listens: neither does the hub
            self.task.cancel()
            self.task = None

    def stop(self) -> None:
        for group in self.groups.values():
            for queue in group.clients:
                _put(queue, STOPPED)
        if self.task is not None:
            self.task.cancel()

    def _render(self, point: str | None, delay: float = 0.0) -> tuple[float, asyncio.Task[bytes]]:
        """A rendering of ``point``'s board that reads the database ``delay`` seconds from
        now: displays that join before then share it (issue 20: a reconnect storm costs a
        rendering per JOIN_BATCH, not one per display)."""
        render = self.groups[point].render

        async def board() -> bytes:
            if delay:
                await asyncio.sleep(delay)
            return message("board", await render())

        started = asyncio.get_running_loop().time() + delay
        task = asyncio.ensure_future(board())
        # A rendering whose displays all left is awaited by nobody: read its error here.
        task.add_done_callback(lambda t: t.cancelled() or t.exception())
        self._renders.append((point, started, task))
        return started, task

    async def board(self, point: str | None, since: float) -> bytes:
        """A board of ``point``'s group whose rendering started at ``since`` or later."""
        for at_point, started, task in reversed(self._renders):
            usable = not task.done() or (not task.cancelled() and task.exception() is None)
            if at_point == point and started >= since and usable:
                return await _board(_wait(task))
        return await _board(_wait(self._render(point, JOIN_BATCH)[1]))

    async def _run(self) -> None:
        async with self.broker.subscribe(self.office_id) as events:
            while True:
                try:
                    async with asyncio.timeout(REFRESH):
                        first = await events.get()
                except TimeoutError:
                    await self._publish([])
                    continue
                await self._publish(_drain(events, first))

    async def _publish(self, batch: list[Event]) -> None:
        groups = list(self.groups.items())
        renders = [self._render(point) for point, _ in groups]  # all start now
        for (_, group), (started, task) in zip(groups, renders, strict=True):
            said = _announcements(group.announce, batch)
            chunk = said + _with_id(await _board(_wait(task)), batch)
            if chunk:  # one write per display and wake-up
                for queue in list(group.clients):
                    _put(queue, (started, chunk))


@dataclass
class Live:
    """The displays of one app: ``st.live`` from startup to shutdown."""

    hub: Hub
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.get_running_loop)
    heartbeat: float = HEARTBEAT
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    # Other streams of the app that end with the displays' (the phone pages').
    also_stop: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        """End every open stream now (server shutdown). In the event loop's thread."""
        self.stopping.set()
        self.hub.stop()
        for stop in self.also_stop:
            stop()

    def stop_threadsafe(self) -> None:
        self.loop.call_soon_threadsafe(self.stop)


Missed = Callable[[int], Awaitable[list[Event]]]  # the history after an id


async def stream(
    live: Live,
    point: str | None,
    render: Render,
    announce: Announce,
    now_ms: Callable[[], int],
    resume: tuple[int, Missed] | None = None,
) -> AsyncIterator[bytes]:
    """What one display receives, until it goes away or the server stops.

    ``resume``: the last event id the display saw (SSE ``Last-Event-ID``) and how to read
    the history after it: the calls it missed are announced before the board (its page
    skips any it has already said)."""
    if live.stopping.is_set():
        return
    queue = live.hub.join(point, render, announce)
    try:
        joined = asyncio.get_running_loop().time()
        yield f"retry: {RETRY_MS}\n\n".encode()
        missed: list[Event] = []
        if resume is not None:
            try:
                missed = await resume[1](resume[0])
            except Exception:  # a database that cannot answer now: the board says the rest
                log.warning("reading the missed events failed", exc_info=True)
            said = _announcements(announce, missed)
            if said:
                yield said
        board = _with_id(await live.hub.board(point, since=joined), missed)
        if board:
            yield board
        while True:
            try:
                async with asyncio.timeout(live.heartbeat):
                    item = await queue.get()
            except TimeoutError:
                yield heartbeat(now_ms())
                continue
            if item is STOPPED:
                break
            started, chunk = item
            if started < joined:
                continue  # older than the board this display got when it joined
            yield chunk
    finally:
        live.hub.leave(point, queue)
