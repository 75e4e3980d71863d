"""Engines and transactions.

SQLite: WAL, a busy timeout, foreign keys, and ``BEGIN IMMEDIATE`` for every write
transaction, so two writers queue on the lock instead of failing half-way (a deferred
transaction that reads first cannot take the write lock later under WAL).
"""

from __future__ import annotations

import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import make_url
from sqlmodel import Session

from kezek.queue import events

BUSY_TIMEOUT_MS = 10_000


def make_engine(url: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS, **kwargs: Any) -> Engine:
    """An engine; on SQLite a writer waits up to ``busy_timeout_ms`` for another process."""
    parsed = make_url(url)
    # SQL parameters never reach a log or an error message: a card's IIN and names are
    # parameters (README, "no personal data in the log").
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() != "sqlite":
        if "poolclass" not in kwargs:
            kwargs.setdefault("pool_size", 10)
            kwargs.setdefault("max_overflow", 30)
        kwargs.setdefault("pool_pre_ping", True)
        return sa.create_engine(url, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        pool_size=20,
        max_overflow=20,
        **kwargs,
    )

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        options = conn.get_execution_options()
        busy = options.get("sqlite_busy_ms")  # what is left of the writer's whole wait
        if busy is not None and conn.info.get("busy_ms") != busy:
            # The pragma stays with the connection: set only when it changes.
            conn.exec_driver_sql(f"PRAGMA busy_timeout={int(busy)}")
            conn.info["busy_ms"] = busy
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("sqlite_immediate") else "BEGIN")

    _busy_ms[engine] = busy_timeout_ms
    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


# SQLite has one writer at a time. Within a process, writers queue on a lock that hands over
# at once; left to SQLite's busy handler they poll with sleeps of up to 100 ms, which cost
# most of the throughput and a p99 of over a second with 16 clients (bench/foundation.py).
# Other processes (more workers) still wait through the busy timeout.
_write_locks: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
# KEZEK_BUSY_TIMEOUT_MS bounds a writer's whole wait: the in-process lock, then SQLite's.
_busy_ms: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()
_locks_guard = threading.Lock()


def _write_lock(engine: Engine) -> threading.Lock:
    with _locks_guard:
        return _write_locks.setdefault(engine, threading.Lock())


@contextmanager
def _sqlite_writer(engine: Engine) -> Iterator[Engine]:
    """The process's write lock within the busy timeout; SQLite waits for the rest of it."""
    budget = _busy_ms.get(engine, BUSY_TIMEOUT_MS) / 1000
    deadline = time.monotonic() + budget
    lock = _write_lock(engine)
    if not lock.acquire(timeout=budget):
        busy = sqlite3.OperationalError("database is locked (waiting in this process)")
        raise sa.exc.OperationalError("BEGIN IMMEDIATE", None, busy)
    try:
        left = max(1, int((deadline - time.monotonic()) * 1000))
        step = max(1, min(WAIT_STEP_MS, int(budget * 1000) // 20))
        yield _writer_bind(engine, max(1, left // step * step))
    finally:
        lock.release()


WAIT_STEP_MS = 100  # what is left of a writer's wait, rounded down to this (or 1/20 of it)


def _writer_bind(engine: Engine, busy_ms: int) -> Engine:
    """The engine writing with ``BEGIN IMMEDIATE`` and SQLite's wait of ``busy_ms``, made once
    per step of the wait (issue 20: making it on every write was 6 % of a ticket's issue).
    Kept on the engine (not in a cache of engines), so it goes with it."""
    binds: dict[int, Engine] | None = getattr(engine, "_kezek_writers", None)
    if binds is None:
        binds = engine._kezek_writers = {}  # type: ignore[attr-defined]
    bind = binds.get(busy_ms)
    if bind is None:
        bind = binds[busy_ms] = engine.execution_options(
            sqlite_immediate=True, sqlite_busy_ms=busy_ms
        )
    return bind


@contextmanager
def transaction(engine: Engine, broker: events.Broker | None = None) -> Iterator[Session]:
    """A write transaction: commits on success, rolls back on error, then publishes events."""
    sqlite = is_sqlite(engine)
    with (
        _sqlite_writer(engine) if sqlite else nullcontext(engine) as bind,
        Session(bind, expire_on_commit=False) as session,
    ):
        try:
            yield session
            published = events.take(session)
            if broker is not None and broker.transactional and published:
                broker.send_in_transaction(session, published)  # type: ignore[attr-defined]
            session.commit()
        except BaseException:
            session.rollback()
            events.take(session)  # a rolled-back change announces nothing
            raise
    if broker is not None and published:
        # Also with NOTIFY: this process's own streams hear the change at once, even while
        # the listener is reconnecting; the NOTIFY copy is dropped by its id.
        broker.publish(published)


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A read-only session (a deferred transaction: readers never wait for writers in WAL)."""
    with Session(engine, expire_on_commit=False) as session:
        yield session
