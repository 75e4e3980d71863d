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
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
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
    # The id of its row in the append-only history (ticket_events): increasing, so a
    # stream resumes after the last one it saw (SSE Last-Event-ID) and a hub catches up.
    id: int | None = None

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

    def __init__(self, maxsize: int = 100, remember: int = 4096) -> None:
        self._maxsize = maxsize
        # Ids already fanned out: an event that comes twice (published here after the commit
        # and heard again through NOTIFY, or found again by a catch-up) goes out once.
        self._seen: set[int] = set()
        self._seen_order: deque[int] = deque()
        self._remember = remember
        self.last_id = 0
        self._subscribers: dict[
            int, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Event]]]
        ] = {}
        self._lock = threading.Lock()

    def _first_time(self, event: Event) -> bool:
        if event.id is None:
            return True
        if event.id in self._seen:
            return False
        self._seen.add(event.id)
        self._seen_order.append(event.id)
        if len(self._seen_order) > self._remember:
            self._seen.discard(self._seen_order.popleft())
        self.last_id = max(self.last_id, event.id)
        return True

    def publish(self, events: list[Event]) -> None:
        for event in events:
            with self._lock:
                if not self._first_time(event):
                    continue
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

    def subscriber_count(self, office_id: int | None = None) -> int:
        """Open subscriptions: of one office, or of all."""
        with self._lock:
            if office_id is not None:
                return len(self._subscribers.get(office_id, ()))
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
    PAUSE = 0.25  # seconds between reconnection attempts: back within a second

    def __init__(self, engine: Engine | None = None, maxsize: int = 100) -> None:
        super().__init__(maxsize)
        self.engine = engine

    def send_in_transaction(self, session: Session, events: list[Event]) -> None:
        for event in events:
            session.execute(
                sa.text("SELECT pg_notify(:channel, :payload)"),
                {"channel": self.CHANNEL, "payload": json.dumps(event.as_dict())},
            )

    async def listen(self, url: str, ready: asyncio.Event | None = None) -> None:
        """Listen until cancelled; reconnect with a growing pause when the connection drops."""
        import psycopg

        lost = False
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    url, autocommit=True, connect_timeout=2
                ) as conn:
                    await conn.execute(f"LISTEN {self.CHANNEL}")
                    if self.last_id == 0 and self.engine is not None:  # where the history is
                        self.last_id = await asyncio.to_thread(newest_id, self.engine)
                    if ready is not None:
                        ready.set()
                    if lost:  # what other workers committed while this one was deaf
                        await asyncio.to_thread(self.catch_up)
                        lost = False
                    async for note in conn.notifies():
                        self._deliver(note.payload)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database restarted or the network dropped
                if not lost:
                    log.warning("event listener lost its connection (%s)", type(exc).__name__)
                lost = True
                await asyncio.sleep(self.PAUSE)

    def catch_up(self, slack: int = 200) -> None:
        """Publish from the history what this process has not fanned out (after a gap).

        ``slack``: ids below the last seen one are looked at again, for transactions that took
        their id earlier but committed later; the ones already seen are skipped."""
        if self.engine is None:
            return
        self.publish(read_history(self.engine, None, max(0, self.last_id - slack)))

    def _deliver(self, payload: str) -> None:
        try:
            event = Event(**json.loads(payload))
        except (TypeError, ValueError):
            log.warning("ignored a malformed event")
            return
        self.publish([event])


LIVE_KINDS = (
    "issued",
    "called",
    "recalled",
    "started",
    "finished",
    "no_show",
    "transferred",
    "cancelled",
    "closed",
)


def history(session: Session, office_id: int | None, after: int, limit: int = 1000) -> list[Event]:
    """The live events after id ``after`` (all offices when ``office_id`` is None), rebuilt
    from the append-only history, oldest first."""
    from kezek.queue.models import Service, ServicePoint, Ticket, TicketEvent, table_of

    ev, t = table_of(TicketEvent), table_of(Ticket)
    sv, sp = table_of(Service), table_of(ServicePoint)
    query = (
        sa.select(
            ev.c.id,
            ev.c.kind,
            ev.c.office_id,
            ev.c.ticket_id,
            t.c.code,
            sv.c.code,
            sp.c.code,
            t.c.status,
        )
        .join(t, t.c.id == ev.c.ticket_id)
        .join(sv, sv.c.id == t.c.service_id)
        .outerjoin(sp, sp.c.id == ev.c.service_point_id)
        .where(ev.c.id > after, ev.c.kind.in_(LIVE_KINDS))
        .order_by(ev.c.id)
        .limit(limit)
    )
    if office_id is not None:
        query = query.where(ev.c.office_id == office_id)
    return [
        Event(kind=k, office_id=o, ticket_id=tid, code=c, service=s, point=p, status=st, id=i)
        for i, k, o, tid, c, s, p, st in session.execute(query)
    ]


def read_history(engine: Engine, office_id: int | None, after: int) -> list[Event]:
    with Session(engine) as session:
        return history(session, office_id, after)


def last_event_id(header: str | None) -> int | None:
    """The ``Last-Event-ID`` a reconnecting EventSource sends, if it is one of ours."""
    return int(header) if header and header.isdigit() and len(header) < 19 else None


def newest_id(engine: Engine) -> int:
    """The id of the newest history row (0 for none): a catch-up starts after it."""
    from kezek.queue.models import TicketEvent, table_of

    with Session(engine) as session:
        return int(
            session.execute(sa.select(sa.func.max(table_of(TicketEvent).c.id))).scalar() or 0
        )
