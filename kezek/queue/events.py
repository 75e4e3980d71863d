"""Live events: what displays, consoles and phone pages hear about.

Domain functions *record* events on the session; the transaction helper hands them to
the broker only after the commit, so a rolled-back change announces nothing.
Events carry codes and cabinets, never personal data.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

log = logging.getLogger("kezek.events")

SESSION_KEY = "kezek.events"


@dataclass(frozen=True)
class Event:
    kind: (
        str  # issued, called, recalled, started, finished, no_show, transferred, cancelled, closed
    )
    office_id: int
    ticket_id: int
    code: str
    service: str
    point: str | None = None
    status: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def record(session: Session, event: Event) -> None:
    session.info.setdefault(SESSION_KEY, []).append(event)


def take(session: Session) -> list[Event]:
    return list(session.info.pop(SESSION_KEY, []))


class Broker:
    """In-process fan-out to asyncio subscribers; publish is safe from any thread.

    A subscriber that falls behind by more than ``maxsize`` events loses the oldest
    (a display then refreshes from the database), so a stuck client never grows memory.
    """

    # A transactional broker sends events inside the transaction (PostgreSQL NOTIFY);
    # the in-process one publishes them after the commit.
    transactional = False

    def __init__(self, maxsize: int = 100) -> None:
        self._maxsize = maxsize
        self._subscribers: dict[
            int, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Event]]]
        ] = {}
        self._lock = threading.Lock()

    def publish(self, events: list[Event]) -> None:
        for event in events:
            with self._lock:
                targets = list(self._subscribers.get(event.office_id, ()))
            for loop, queue in targets:
                with contextlib.suppress(RuntimeError):  # that subscriber's loop has closed
                    loop.call_soon_threadsafe(self._put, queue, event)

    @staticmethod
    def _put(queue: asyncio.Queue[Event], event: Event) -> None:
        if queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                queue.get_nowait()
        queue.put_nowait(event)

    def subscriber_count(self) -> int:
        with self._lock:
            return sum(len(s) for s in self._subscribers.values())

    @contextlib.asynccontextmanager
    async def subscribe(self, office_id: int) -> AsyncIterator[asyncio.Queue[Event]]:
        entry = (asyncio.get_running_loop(), asyncio.Queue[Event](self._maxsize))
        with self._lock:
            self._subscribers.setdefault(office_id, set()).add(entry)
        try:
            yield entry[1]
        finally:
            with self._lock:
                subs = self._subscribers.get(office_id, set())
                subs.discard(entry)
                if not subs:
                    self._subscribers.pop(office_id, None)


class PostgresBroker(Broker):
    """Events across worker processes and servers through PostgreSQL LISTEN/NOTIFY.

    ``NOTIFY`` is sent in the same transaction as the change, so PostgreSQL delivers it only
    if the change commits. Every process (this one included) hears it through one listening
    connection and fans it out to its own subscribers.
    """

    transactional = True
    CHANNEL = "kezek_events"

    def send_in_transaction(self, session: Session, events: list[Event]) -> None:
        for event in events:
            session.execute(
                sa.text("SELECT pg_notify(:channel, :payload)"),
                {"channel": self.CHANNEL, "payload": json.dumps(event.as_dict())},
            )

    async def listen(self, url: str, ready: asyncio.Event | None = None) -> None:
        """Listen until cancelled; reconnect with a growing pause when the connection drops."""
        import psycopg

        pause = 0.5
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {self.CHANNEL}")
                    pause = 0.5
                    if ready is not None:
                        ready.set()
                    async for note in conn.notifies():
                        self._deliver(note.payload)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database restarted or the network dropped
                log.warning("event listener lost its connection (%s); retrying", type(exc).__name__)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 10.0)

    def _deliver(self, payload: str) -> None:
        try:
            event = Event(**json.loads(payload))
        except (TypeError, ValueError):
            log.warning("ignored a malformed event")
            return
        self.publish([event])
