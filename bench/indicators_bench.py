"""The appendix table over a million tickets on SQLite, beside a bare COUNT(*) of the same table.

    python -m bench.indicators_bench [--tickets 1000000]      (or: make bench)

A temporary SQLite file is migrated, then filled with bulk inserts: ``--tickets`` tickets over
three years of Tuesday–Friday days (about 1,600 a day: a large office), 3 % of visits
transferred after a call (a second row), a fifth of the served visits with feedback, a
complaint per thousand visits and an application per ten. Then, in the same run and on the
same file, each timed several times (median):

* baseline: ``SELECT COUNT(*) FROM tickets`` — one pass over the table's smallest index;
* the table: ``kezek.indicators.table.compute`` for the whole three years (all 12 rows);
* the report page's data: the table and the three pictures' aggregates (``table.report``).

The target of issue 6: the table ≤ 1 s.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.common import print_table, row
from kezek import db, migrate, profile_sync
from kezek.indicators import period as period_mod
from kezek.indicators import table
from kezek.public import info
from kezek.settings import load_profile

ZONE = ZoneInfo("Asia/Almaty")
SERVICES = ("registration", "vacancies", "training", "certificate")


def _days(start: date, count: int) -> list[date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() in (1, 2, 3, 4):  # §10: Tuesday–Friday
            days.append(day)
        day += timedelta(days=1)
    return days


def fill(path: Path, tickets: int, seed: int = 6) -> tuple[int, date, date]:
    """Migrate ``path`` and write about ``tickets`` ticket rows. Returns (office, first, last)."""
    engine = db.make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with db.transaction(engine) as session:
        row_ = profile_sync.sync_profile(session, load_profile("kyzylzhar"))
        office_id = int(row_.id or 0)
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    services = dict(con.execute("SELECT code, id FROM services WHERE office_id=?", (office_id,)))
    letters = dict(con.execute("SELECT id, letter FROM services WHERE office_id=?", (office_id,)))
    points = [
        p for (p,) in con.execute("SELECT id FROM service_points WHERE office_id=?", (office_id,))
    ]
    card = con.execute(
        "INSERT INTO cards (office_id, iin, surname, name, patronymic, birth_date, sex, category,"
        " address, phone, education, profession, last_employment, created_at) VALUES"
        " (?, '900101300001', 'S', 'N', '', '1990-01-01', 'm', 'citizen', 'a', '', '', '', '',"
        " '2024-01-01 00:00:00')",
        (office_id,),
    ).lastrowid
    days = _days(date(2024, 1, 2), 624)  # three years of working days
    per_day = max(1, round(tickets / 1.03 / len(days)))
    rng = random.Random(seed)
    next_id = 1
    complaint_no: dict[int, int] = {}
    for day in days:
        rows, feedback, complaints, apps = [], [], [], []
        opening = datetime(day.year, day.month, day.day, 9, tzinfo=ZONE).astimezone(UTC)
        numbers = dict.fromkeys(services.values(), 0)
        for _ in range(per_day):
            service = services[rng.choice(SERVICES)]
            numbers[service] += 1
            code = f"{letters[service]}-{numbers[service]:03d}"
            issued = opening + timedelta(seconds=rng.randrange(0, 8 * 3600))
            wait = int(rng.expovariate(1 / 900))
            called = issued + timedelta(seconds=wait)
            finished = called + timedelta(minutes=rng.uniform(3, 20))
            transfer = rng.random() < 0.03
            status = "transferred" if transfer else ("no_show" if rng.random() < 0.04 else "served")
            fmt = "%Y-%m-%d %H:%M:%S.%f"
            base = (
                office_id,
                service,
                day.isoformat(),
                numbers[service],
                code,
                0,
                "kk",
                issued.strftime(fmt),
                40,
                rng.choice(points),
                0,
                "printed",
            )
            rows.append(
                (
                    next_id,
                    *base,
                    status,
                    called.strftime(fmt),
                    called.strftime(fmt),
                    finished.strftime(fmt),
                    wait,
                    wait <= 2400,
                    None,
                    secrets.token_urlsafe(24),
                )
            )
            parent, next_id = next_id, next_id + 1
            if transfer:
                later = finished + timedelta(minutes=5)
                rows.append(
                    (
                        next_id,
                        *base,
                        "served",
                        later.strftime(fmt),
                        later.strftime(fmt),
                        (later + timedelta(minutes=5)).strftime(fmt),
                        int((later - issued).total_seconds()),
                        False,
                        parent,
                        secrets.token_urlsafe(24),
                    )
                )
                next_id += 1
            if status == "served" and rng.random() < 0.2:
                feedback.append(
                    (
                        office_id,
                        day.isoformat(),
                        "kk",
                        rng.random() < 0.95,
                        rng.random() < 0.9,
                        None,
                        None,
                        rng.random() < 0.98,
                    )
                )
            if rng.random() < 0.001:
                complaint_no[day.year] = complaint_no.get(day.year, 0) + 1
                complaints.append(
                    (
                        office_id,
                        day.year,
                        complaint_no[day.year],
                        day.isoformat(),
                        (day + timedelta(days=5)).isoformat(),
                        "x",
                        "",
                        "about",
                        issued.strftime(fmt),
                        rng.random() < 0.5,
                        (day + timedelta(days=rng.randrange(1, 8))).isoformat(),
                    )
                )
            if rng.random() < 0.1:
                at = issued.strftime(fmt)
                apps.append(
                    (
                        office_id,
                        card,
                        "accepted",
                        "citizen",
                        at,
                        at,
                        (day + timedelta(days=10)).isoformat(),
                        rng.random() < 0.98,
                        rng.random() < 0.96,
                    )
                )
        con.executemany(
            "INSERT INTO tickets (id, office_id, service_id, business_day, number, code, priority,"
            " lang, issued_at, target_wait_minutes, service_point_id, recall_count, print_status,"
            " status, called_at, started_at, finished_at, wait_seconds, within_target, parent_id,"
            " public_token, queued_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(*r, r[8]) for r in rows],  # queued at its issue (issue 17's column)
        )
        con.executemany(
            "INSERT INTO feedback (office_id, business_day, lang, process_ok, info_ok,"
            " complaint_procedure_ok, complaint_timing_ok, polite_ok) VALUES (?,?,?,?,?,?,?,?)",
            feedback,
        )
        con.executemany(
            "INSERT INTO complaints (office_id, year, number, received_on, answer_due,"
            " complainant, contact, about, registered_at, justified, answered_on)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            complaints,
        )
        con.executemany(
            "INSERT INTO applications (office_id, card_id, status, category, opened_at,"
            " accepted_at, deadline, decided_in_term, complete_on_first_visit, decision_comment,"
            " correction_reason, print_status) VALUES (?,?,?,?,?,?,?,?,?,'','','none')",
            apps,
        )
    con.commit()
    con.execute("ANALYZE")
    con.close()
    return office_id, days[0], days[-1]


def _median(fn, rounds: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def run(tickets: int = 1_000_000, rounds: int = 5) -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        began = time.perf_counter()
        office_id, first, last = fill(path, tickets)
        filled = time.perf_counter() - began
        engine = db.make_engine(f"sqlite:///{path}")
        published = info.coverage(load_profile("kyzylzhar"))
        with db.reading(engine) as session:
            count = session.connection().exec_driver_sql("SELECT COUNT(*) FROM tickets").scalar()

            def bare() -> None:
                session.connection().exec_driver_sql("SELECT COUNT(*) FROM tickets").scalar()

            def compute() -> None:
                table.compute(session, office_id, first, last, published=published, as_of=last)

            def report() -> None:
                table.report(
                    session,
                    office_id,
                    period_mod.Period(first, last),
                    published=published,
                    as_of=last,
                    zone=ZONE,
                )

            compute()  # warm the page cache, as a second request would find it
            baseline = _median(bare, rounds)
            table_s = _median(compute, rounds)
            report_s = _median(report, max(1, rounds // 2))
        engine.dispose()
    extra = {"tickets": count, "fill_s": round(filled, 1)}
    return [
        row(
            "indicators: table, 3 years",
            table_s * 1000,
            "ms",
            "COUNT(*) ms",
            baseline * 1000,
            "≤ 1000 ms",
            higher_is_better=False,
            **extra,
        ),
        row(
            "indicators: table + 3 charts",
            report_s * 1000,
            "ms",
            "COUNT(*) ms",
            baseline * 1000,
            "",
            higher_is_better=False,
            **extra,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.indicators_bench")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rows = run(args.tickets, args.rounds)
    print(f"{rows[0]['tickets']:,} ticket rows, filled in {rows[0]['fill_s']} s")
    print_table(rows)


if __name__ == "__main__":
    main()
