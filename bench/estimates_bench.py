"""Issue 19: the accuracy report of the quoted waits over a year of the demo's history,
beside a same-run baseline, on SQLite.

    python -m bench.estimates_bench [--days 208]      (or: make bench)

A temporary SQLite file is migrated and filled by ``kezek.demo.load`` (208 Tuesday–Friday
days, each ticket quoted as the kiosk quotes). Then, on the same file in the same run:

* the accuracy report over the year (``estimate_accuracy.report``) beside its baseline,
  the report's 1.2 per day over the same days (``waits.daily_share``, one SQL aggregate);
* the report's figures: the mean absolute error of the range's middle beside the old
  single number's (the baseline it must beat).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.common import print_table, row
from kezek import db, demo, migrate, profile_sync
from kezek.forecast import estimate_accuracy
from kezek.indicators.waits import daily_share
from kezek.settings import load_profile

TODAY = date(2026, 11, 24)  # a Tuesday


def run(days: int = 208) -> list[dict[str, object]]:
    profile = load_profile("kyzylzhar")
    with tempfile.TemporaryDirectory() as tmp:
        engine = db.make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        migrate.upgrade(engine)
        with db.transaction(engine) as session:
            office_id = int(profile_sync.sync_profile(session, profile).id or 0)
        demo.load(engine, office_id, profile.zone, days=days, today=TODAY)
        first = TODAY - timedelta(days=days * 7 // 4 + 7)
        with db.reading(engine) as session:
            began = time.perf_counter()
            daily_share(session, office_id, first, TODAY)
            share_s = time.perf_counter() - began
            began = time.perf_counter()
            found = estimate_accuracy.report(session, office_id, first, TODAY)
            report_s = time.perf_counter() - began
        engine.dispose()
    overall = found.overall
    return [
        row(
            f"estimates: accuracy report, {len(found.by_day)} days",
            report_s,
            "s",
            "1.2 per day (SQL)",
            share_s,
            "",
            higher_is_better=False,
        ),
        row(
            "estimates: MAE of the range's middle",
            round(overall.mae_new or 0, 2),
            "min",
            "the old single number",
            round(overall.mae_old or 0, 2),
            "below the old",
            higher_is_better=False,
            inside_share=round((overall.inside or 0) * 100, 1),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.estimates_bench")
    parser.add_argument("--days", type=int, default=208)
    rows = run(parser.parse_args().days)
    print_table(rows)
    for r in rows:
        if "inside_share" in r:
            print(f"{r['benchmark']}: {r['inside_share']} % of waits inside the range")


if __name__ == "__main__":
    main()
