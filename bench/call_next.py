"""call_next with 16 clerks at once, in process (the queue core without HTTP).

    python -m bench.call_next [--tickets 4000] [--postgres URL]

Each clerk has a cabinet of its own and calls, then finishes (two transactions, as over HTTP),
as fast as it can; every call is checked afterwards for doubles. The baseline, measured in the
same run: 16 threads doing, per call, two bare one-row ``UPDATE`` transactions on the same kind
of database.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import select

from bench.common import print_table, row, scratch_postgres, temp_dir
from bench.foundation import bench_profile
from kezek import db, migrate, profile_sync
from kezek.queue import tickets
from kezek.queue.models import Service, ServicePoint, Ticket, TicketEvent
from kezek.settings import load_profile

CLERKS = 16


def _engine(url: str | None, directory: Path) -> sa.Engine:
    if url is None:
        return db.make_engine(f"sqlite:///{directory / 'calls.sqlite3'}")
    return db.make_engine(scratch_postgres(url, "kezek_bench"))


def _threads(work: Any, count: int = CLERKS) -> float:
    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return time.perf_counter() - began


def run(tickets_count: int = 4000, postgres: str | None = None) -> list[dict[str, object]]:
    """SQLite, and PostgreSQL too when KEZEK_BENCH_POSTGRES names a server."""
    rows = run_one(tickets_count, postgres)
    if postgres is None and os.environ.get("KEZEK_BENCH_POSTGRES"):
        rows += run_one(tickets_count, os.environ["KEZEK_BENCH_POSTGRES"])
    return rows


def run_one(tickets_count: int = 4000, postgres: str | None = None) -> list[dict[str, object]]:
    directory = temp_dir()
    engine = _engine(postgres, directory)
    migrate.upgrade(engine)
    profile = load_profile(str(bench_profile(directory)))
    clock = profile_sync.clock(profile)
    order = profile_sync.call_order(profile)  # the shipped rule (protect_target)
    with db.transaction(engine) as session:
        profile_sync.sync_profile(session, profile)
    with db.reading(engine) as session:
        service = session.exec(select(Service)).one()
        points = list(session.exec(select(ServicePoint)))
    for _ in range(tickets_count // 100):
        with db.transaction(engine) as session:
            for _ in range(100):
                tickets.issue(session, clock, service)

    def clerk(index: int) -> None:
        # As the console and the API do: the call is one transaction, the finish another
        # (which loads the ticket again by its id).
        point = points[index]
        while True:
            with db.transaction(engine) as session:
                called = tickets.call_next(session, clock, point, None, order)
                if called is None:
                    return
            with db.transaction(engine) as session:
                tickets.finish(session, clock, session.get_one(Ticket, called.id), None)

    elapsed = _threads(clerk)
    with db.reading(engine) as session:
        called = Counter(
            session.exec(select(TicketEvent.ticket_id).where(TicketEvent.kind == "called"))
        )
    doubles = sum(1 for n in called.values() if n > 1)

    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE bare (id INTEGER PRIMARY KEY, n INTEGER)"))
        conn.execute(sa.text("INSERT INTO bare (id, n) VALUES (1, 0)"))
    per_thread = tickets_count // CLERKS

    def bare(_: int) -> None:
        for _ in range(per_thread):
            for _ in range(2):  # a call and its finish are two transactions
                with db.transaction(engine) as session:
                    session.execute(sa.text("UPDATE bare SET n = n + 1 WHERE id = 1"))

    bare_elapsed = _threads(bare)
    engine.dispose()
    kind = "PostgreSQL" if postgres else "SQLite"
    return [
        row(
            f"call-next + finish, 16 clerks, {kind}",
            len(called) / elapsed,
            "calls/s",
            "2 bare 1-row update tx",
            per_thread * CLERKS / bare_elapsed,
            target="≥ 500/s, 0 doubles" if not postgres else "0 doubles",
            double_calls=doubles,
            calls=len(called),
        )
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=4000)
    parser.add_argument("--postgres", help="a PostgreSQL URL (a scratch database is made)")
    args = parser.parse_args()
    results = run(args.tickets, args.postgres)
    print_table(results)
    print({k: v for k, v in results[0].items() if k in ("double_calls", "calls")})
