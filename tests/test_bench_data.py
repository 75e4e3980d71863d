"""The benchmarks' generated data fits today's schema: ``make bench`` stopped in the
indicators and the summary benches once a NOT NULL column (``tickets.queued_at``, issue 17)
was added and their bulk inserts did not fill it. No timing here; only that the data is
written and counted."""

from __future__ import annotations

from pathlib import Path

from bench import indicators_bench, summary_bench
from kezek import db
from kezek.indicators import table
from kezek.public import info
from kezek.settings import load_profile


def test_the_indicators_bench_fills_a_database_the_table_counts(tmp_path: Path) -> None:
    path = tmp_path / "bench.sqlite3"
    office_id, first, last = indicators_bench.fill(path, 3_000)
    engine = db.make_engine(f"sqlite:///{path}")
    published = info.coverage(load_profile("kyzylzhar"))
    with db.reading(engine) as session:
        count = session.connection().exec_driver_sql("SELECT COUNT(*) FROM tickets").scalar()
        rows = table.compute(session, office_id, first, last, published=published, as_of=last)
    engine.dispose()
    assert count is not None and count >= 3_000
    assert len(rows) == 12  # the appendix's twelve indicators


def test_the_summary_bench_fills_a_database(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'summary.sqlite3'}")
    found = summary_bench.fill(engine, offices=1, years=1, per_day=3)
    with db.reading(engine) as session:
        count = session.connection().exec_driver_sql("SELECT COUNT(*) FROM tickets").scalar()
    engine.dispose()
    assert len(found) == 1 and count is not None and count >= 3 * 150  # ~200 days a year
