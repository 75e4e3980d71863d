"""Issue 20, point 4: the appendix table and the report page's data over ten years of an
office, in a database of 50 offices, read through the daily summary, on SQLite and
PostgreSQL; beside the same figures counted live from the tickets in the same run.

    python -m bench.summary_bench [--offices 50] [--years 10] [--per-day 12]

Tickets are bulk-inserted (Tuesday–Friday days, 3 % transferred after a call, 4 % no-show),
then ``summary.rebuild`` summarizes every office (timed: seconds per year-office). With
``KEZEK_BENCH_POSTGRES`` unset, PostgreSQL is ``postgresql+psycopg://kezek:kezek@127.0.0.1``
in a scratch database of its own (dropped at the end). The read cost depends on the summary's
rows (days × services × offices), not on the tickets a day; ``--per-day`` is kept small so
ten years of 50 offices generate in minutes on a shared 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bench.common import print_table, row, scratch_postgres
from kezek import db, migrate, profile_sync
from kezek.indicators import summary, table
from kezek.indicators import summed as summed_mod
from kezek.public import info
from kezek.queue.models import Ticket, table_of
from kezek.settings import load_profile

ZONE = ZoneInfo("Asia/Almaty")
PG = os.environ.get(
    "KEZEK_BENCH_POSTGRES", "postgresql+psycopg://kezek:kezek@127.0.0.1:5432/postgres"
)
FIRST = date(2016, 1, 5)


def _days(years: int) -> list[date]:
    end, day, days = FIRST.replace(year=FIRST.year + years), FIRST, []
    while day < end:
        if day.weekday() in (1, 2, 3, 4):
            days.append(day)
        day += timedelta(days=1)
    return days


def _offices(engine: Engine, count: int) -> list[tuple[int, list[int]]]:
    base = load_profile("kyzylzhar")
    found = []
    for i in range(count):
        with db.transaction(engine) as session:
            office = profile_sync.sync_profile(session, base.model_copy(update={"slug": f"o{i}"}))
            services = session.execute(
                sa.text("SELECT id FROM services WHERE office_id = :o"), {"o": office.id}
            ).scalars()
            found.append((int(office.id or 0), [int(s) for s in services]))
    return found


def _tickets(
    rng: random.Random, office: int, services: list[int], day: date, per_day: int, next_id: int
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    opening = datetime(day.year, day.month, day.day, 9, tzinfo=ZONE).astimezone(UTC)
    for number in range(1, per_day + 1):
        service = rng.choice(services)
        issued = opening + timedelta(seconds=rng.randrange(0, 8 * 3600))
        wait = int(rng.expovariate(1 / 900))
        called = issued + timedelta(seconds=wait)
        moved = rng.random() < 0.03
        status = "transferred" if moved else ("no_show" if rng.random() < 0.04 else "served")
        base = {
            "office_id": office,
            "service_id": service,
            "business_day": day,
            "number": number,
            "code": f"A-{number:03d}",
            "priority": 0,
            "lang": "kk",
            "issued_at": issued,
            "queued_at": issued,  # its place in the call order: its issue (issue 17)
            "target_wait_minutes": 40,
            "recall_count": 0,
            "print_status": "printed",
        }
        rows.append(
            base
            | {
                "id": next_id,
                "status": status,
                "called_at": called,
                "started_at": called,
                "finished_at": called + timedelta(minutes=8),
                "wait_seconds": wait,
                "within_target": wait <= 2400,
                "parent_id": None,
                "public_token": secrets.token_urlsafe(16),
            }
        )
        if moved:
            later = called + timedelta(minutes=15)
            rows.append(
                base
                | {
                    "id": next_id + 1,
                    "status": "served",
                    "called_at": later,
                    "started_at": later,
                    "finished_at": later + timedelta(minutes=5),
                    "wait_seconds": wait + 300,
                    "within_target": None,
                    "parent_id": next_id,
                    "public_token": secrets.token_urlsafe(16),
                }
            )
        next_id += 2
    return rows


def fill(engine: Engine, offices: int, years: int, per_day: int) -> list[tuple[int, list[int]]]:
    migrate.upgrade(engine)
    found = _offices(engine, offices)
    rng, next_id, t = random.Random(20), 1, table_of(Ticket)
    days = _days(years)
    with engine.begin() as conn:
        for office, services in found:
            for i in range(0, len(days), 50):
                batch: list[dict[str, Any]] = []
                for day in days[i : i + 50]:
                    batch += _tickets(rng, office, services, day, per_day, next_id)
                    next_id += 2 * per_day
                conn.execute(sa.insert(t), batch)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return found


def _median(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def measure(
    engine: Engine, label: str, offices: int, years: int, per_day: int, rounds: int
) -> list[dict[str, object]]:
    began = time.perf_counter()
    found = fill(engine, offices, years, per_day)
    filled = time.perf_counter() - began
    first, last = FIRST, _days(years)[-1]
    today = last + timedelta(days=7)
    began = time.perf_counter()
    for office, _ in found:
        summary.rebuild(lambda: db.transaction(engine), office, first, last, today, chunk=366)
    rebuilt = time.perf_counter() - began
    office_id = found[len(found) // 2][0]
    published = info.coverage(load_profile("kyzylzhar"))
    # The report page allows three years a period (``Period``); the same code over ten:
    period = SimpleNamespace(start=first, end=last)
    table.Period = lambda start, end: None  # type: ignore[assignment,misc]
    with db.reading(engine) as session:
        tickets = session.execute(sa.text("SELECT COUNT(*) FROM tickets")).scalar_one()

        def compute() -> None:
            table.compute(session, office_id, first, last, published=published, as_of=today)

        def report() -> None:
            table.report(
                session,
                office_id,
                period,  # type: ignore[arg-type]
                published=published,
                as_of=today,
                zone=ZONE,
            )

        def live() -> None:  # the same, every day counted from the tickets
            real = summed_mod.live_runs
            summed_mod.live_runs = lambda s, o, a, b: [(a, b)]  # type: ignore[assignment]
            try:
                report()
            finally:
                summed_mod.live_runs = real

        compute()
        table_s = _median(compute, rounds)
        report_s = _median(report, rounds)
        live_s = _median(live, max(1, rounds // 2))
    extra = {
        "tickets": tickets,
        "fill_s": round(filled, 1),
        "rebuild_s_per_year_office": round(rebuilt / (offices * years), 3),
    }
    scale = f"{years} y × {offices} offices"
    return [
        row(
            f"summary: table, {scale}, {label}",
            table_s * 1000,
            "ms",
            "live report ms",
            live_s * 1000,
            "≤ 1000 ms",
            higher_is_better=False,
            **extra,
        ),
        row(
            f"summary: report data, {scale}, {label}",
            report_s * 1000,
            "ms",
            "live report ms",
            live_s * 1000,
            "≤ 1000 ms",
            higher_is_better=False,
            **extra,
        ),
    ]


def run(
    offices: int = 50, years: int = 10, per_day: int = 12, rounds: int = 5, postgres: bool = True
) -> list[dict[str, object]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        engine = db.make_engine(f"sqlite:///{Path(tmp) / 'summary.sqlite3'}")
        rows += measure(engine, "SQLite", offices, years, per_day, rounds)
        engine.dispose()
    if postgres:
        url = scratch_postgres(PG, "kezek_bench_summary")
        engine = db.make_engine(url)
        try:
            rows += measure(engine, "PostgreSQL", offices, years, per_day, rounds)
        finally:
            engine.dispose()
            admin = sa.create_engine(PG, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
            with admin.connect() as conn:
                name = sa.make_url(url).database
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            admin.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.summary_bench")
    parser.add_argument("--offices", type=int, default=50)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--per-day", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    rows = run(args.offices, args.years, args.per_day, args.rounds, not args.no_postgres)
    for r in rows[::2]:
        print(
            f"{r['benchmark']}: {r['tickets']:,} tickets, filled in {r['fill_s']} s, "
            f"summary rebuilt in {r['rebuild_s_per_year_office']} s per year-office"
        )
    print_table(rows)


if __name__ == "__main__":
    main()
