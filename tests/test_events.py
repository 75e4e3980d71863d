"""Live events: published only after a commit; across processes through PostgreSQL NOTIFY."""

from __future__ import annotations

import asyncio
import os

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from kezek import db, profile_sync
from kezek.app import _psycopg_url
from kezek.queue import tickets
from kezek.queue.clock import Clock
from kezek.queue.events import Broker, Event, PostgresBroker
from kezek.queue.models import Service
from kezek.settings import load_profile


def run(coroutine):  # type: ignore[no-untyped-def]
    """asyncio.run in a thread of its own: Playwright's sync API keeps a loop in this one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def registration(engine: Engine) -> Service:
    with db.transaction(engine) as session:
        profile_sync.sync_profile(session, load_profile("kyzylzhar"))
    with db.reading(engine) as session:
        return session.exec(select(Service).where(Service.code == "registration")).one()


async def collect(broker: Broker, office_id: int, action, wait: float = 1.0) -> list[Event]:  # type: ignore[no-untyped-def]
    received: list[Event] = []
    async with broker.subscribe(office_id) as queue:
        await asyncio.to_thread(action)
        try:
            while True:
                received.append(await asyncio.wait_for(queue.get(), timeout=wait))
        except TimeoutError:
            return received


def issue_and(engine: Engine, clock: Clock, broker: Broker, service: Service, fail: bool) -> None:
    try:
        with db.transaction(engine, broker) as session:
            tickets.issue(session, clock, service)
            if fail:
                raise RuntimeError("rolled back")
    except RuntimeError:
        pass


@pytest.mark.skipif(bool(os.environ.get("KEZEK_TEST_DATABASE_URL")), reason="SQLite broker")
def test_in_process_broker_publishes_after_commit_only(engine: Engine, clock: Clock) -> None:
    service = registration(engine)
    broker = Broker()
    got = run(
        collect(
            broker,
            service.office_id,
            lambda: issue_and(engine, clock, broker, service, fail=False),
            0.3,
        )
    )
    assert [(e.kind, e.code, e.service) for e in got] == [("issued", "А-001", "registration")]
    none = run(
        collect(
            broker,
            service.office_id,
            lambda: issue_and(engine, clock, broker, service, fail=True),
            0.3,
        )
    )
    assert none == []


def test_a_slow_subscriber_keeps_only_the_newest_events() -> None:
    broker = Broker(maxsize=10)

    async def flood() -> list[int]:
        async with broker.subscribe(1) as queue:
            broker.publish(
                [Event("called", 1, i, f"А-{i:03d}", "registration") for i in range(500)]
            )
            await asyncio.sleep(0.05)
            return [queue.get_nowait().ticket_id for _ in range(queue.qsize())]

    assert run(flood()) == list(range(490, 500))
    assert broker.subscriber_count() == 0  # a subscriber that leaves leaves nothing behind


@pytest.mark.skipif(not os.environ.get("KEZEK_TEST_DATABASE_URL"), reason="needs PostgreSQL")
def test_notify_crosses_processes_and_only_on_commit(engine: Engine, clock: Clock) -> None:
    service = registration(engine)

    async def scenario() -> tuple[list[Event], list[Event]]:
        listener = PostgresBroker()  # "worker 2": hears through its own LISTEN connection
        ready = asyncio.Event()
        task = asyncio.create_task(listener.listen(_psycopg_url(engine), ready))
        await asyncio.wait_for(ready.wait(), 10)
        sender = PostgresBroker()  # "worker 1": only sends, in its transactions
        try:
            committed = await collect(
                listener,
                service.office_id,
                lambda: issue_and(engine, clock, sender, service, False),
            )
            rolled_back = await collect(
                listener,
                service.office_id,
                lambda: issue_and(engine, clock, sender, service, True),
                0.5,
            )
        finally:
            task.cancel()
        return committed, rolled_back

    committed, rolled_back = run(scenario())
    assert [(e.kind, e.code) for e in committed] == [("issued", "А-001")]
    assert rolled_back == []
