"""The phone page's live stream (``/t/{token}/events``): one broker subscription for every
phone of an office, and a wake-up only for the phones an event can concern.

The hub listens to ``st.broker`` once (while any phone is connected). An event names its
service and its ticket; the hub wakes the phones that follow a ticket of that service (a
call moves everyone behind it) or that very ticket (a transfer changes its service). A woken
phone reads its own ticket once — a burst of events is one wake-up, so one bounded read per
phone and burst, and none at all for the phones of the other services — and writes its
status fragment only when it changed. Events carry no personal data, neither does the page.

A heartbeat every 10 s keeps proxies from closing the idle stream, lets the page know the
stream is alive (it polls every 10 s only while the stream is down), and reads the ticket
once more: what the broker did not carry (a write by another process without it) shows as
soon as the old poll would have shown it. So each phone costs one read per 10 s at most,
plus one per burst of events in its service.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from kezek.queue.events import Broker, Event

log = logging.getLogger("kezek.phone")

HEARTBEAT = 10.0  # seconds between heartbeats, each with a fresh read (as the old poll)
RETRY_MS = 3000  # how soon EventSource reconnects after the stream ends
MAX_PHONES = 2000  # open phone streams per office; more are told to poll


@dataclass(frozen=True)
class Snapshot:
    """What a phone's stream read: the fragment, and what to listen for next."""

    html: str
    ticket_id: int
    service: str
    final: bool


Read = Callable[[], Awaitable[Snapshot | None]]


@dataclass(eq=False)
class Phone:
    """One open phone page: the ticket it follows, and a wake-up flag of size one."""

    ticket_id: int
    service: str
    wake: asyncio.Queue[bool] = field(default_factory=lambda: asyncio.Queue(1))

    def poke(self) -> None:
        with contextlib.suppress(asyncio.QueueFull):  # already woken: one read covers both
            self.wake.put_nowait(True)


class PhoneHub:
    """The one listener of an office's phone pages."""

    def __init__(self, broker: Broker, office_id: int) -> None:
        self.broker = broker
        self.office_id = office_id
        self.phones: set[Phone] = set()
        self.task: asyncio.Task[None] | None = None
        self.stopping = asyncio.Event()

    def join(self, phone: Phone) -> bool:
        if len(self.phones) >= MAX_PHONES or self.stopping.is_set():
            return False
        self.phones.add(phone)
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self._run())
        return True

    def leave(self, phone: Phone) -> None:
        self.phones.discard(phone)
        if not self.phones and self.task is not None:  # nobody listens: neither does the hub
            self.task.cancel()
            self.task = None

    def stop(self) -> None:
        """End every open stream (server shutdown)."""
        self.stopping.set()
        for phone in list(self.phones):
            phone.poke()
        if self.task is not None:
            self.task.cancel()

    def wake(self, batch: list[Event]) -> int:
        """Poke the phones these events concern; how many."""
        services = {e.service for e in batch}
        tickets = {e.ticket_id for e in batch}
        woken = 0
        for phone in list(self.phones):
            if phone.service in services or phone.ticket_id in tickets:
                phone.poke()
                woken += 1
        return woken

    async def _run(self) -> None:
        async with self.broker.subscribe(self.office_id) as events:
            while True:
                batch = [await events.get()]
                while not events.empty():
                    batch.append(events.get_nowait())
                self.wake(batch)


def message(event: str, data: str) -> bytes:
    lines = "".join(f"data: {line}\n" for line in (data.splitlines() or [""]))
    return f"event: {event}\n{lines}\n".encode()


async def _read(read: Read) -> Snapshot | None:
    try:
        return await read()
    except Exception:  # a busy database: the next event (or the page's poll) tries again
        log.warning("reading a phone's ticket failed", exc_info=True)
        return None


async def stream(
    hub: PhoneHub, first: Snapshot, read: Read, heartbeat: float = HEARTBEAT
) -> AsyncIterator[bytes]:
    """What one phone receives: its fragment whenever it changes, until the ticket is final,
    the page goes away or the server stops."""
    phone = Phone(first.ticket_id, first.service)
    if not hub.join(phone):
        yield message("end", "poll")  # too many streams: the page keeps polling
        return
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        shown = first
        yield message("live", first.html)
        while not shown.final and not hub.stopping.is_set():
            try:
                async with asyncio.timeout(heartbeat):
                    await phone.wake.get()
            except TimeoutError:
                # Alive; and a change the broker did not carry (another process's write, the
                # estimate drifting) is read as the 10 s poll would have read it.
                yield b": ping\nevent: tick\ndata: \n\n"
            if hub.stopping.is_set():
                break
            now = await _read(read)
            if now is None or now.html == shown.html:
                continue
            phone.ticket_id, phone.service, shown = now.ticket_id, now.service, now
            yield message("live", now.html)
        yield message("end", "final" if shown.final else "stop")
    finally:
        hub.leave(phone)
