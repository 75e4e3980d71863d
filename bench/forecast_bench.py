"""Issue 19: the plan for a day and the backtests over a year of the demo's history, each
beside a same-run baseline, on SQLite.

    python -m bench.forecast_bench [--days 208]      (or: make bench)

A temporary SQLite file is migrated and filled by ``kezek.demo.load`` (a year: 208
Tuesday–Friday days, as `kezek demo` writes it). Then, in the same run and on the same file:

* the plan for the next day (``plan.load_inputs`` + ``plan.day_plan``, 12 simulated runs a
  candidate) beside its baseline, reading the inputs alone (``plan.load_inputs``);
* the model's backtest over the year (each day simulated with its own staffing, 3 runs)
  beside its baseline, the report's 1.2 per day (``waits.daily_share``);
* the forecast's backtest (8 weeks) with its error beside the naive forecast's.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.common import print_table, row
from kezek import db, demo, migrate, profile_sync
from kezek.forecast import arrivals, plan
from kezek.indicators.waits import daily_share
from kezek.settings import load_profile

TODAY = date(2026, 11, 24)  # a Tuesday


def _timed(fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    result = fn()
    return time.perf_counter() - began, result


def run(days: int = 208) -> list[dict[str, object]]:
    profile = load_profile("kyzylzhar")
    clock = profile_sync.clock(profile)
    with tempfile.TemporaryDirectory() as tmp:
        engine = db.make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        migrate.upgrade(engine)
        with db.transaction(engine) as session:
            office_id = int(profile_sync.sync_profile(session, profile).id or 0)
        demo.load(engine, office_id, profile.zone, days=days, today=TODAY)
        first = TODAY - timedelta(days=days * 7 // 4 + 7)
        with db.reading(engine) as session:
            read_s, inputs = _timed(lambda: plan.load_inputs(session, clock, office_id, TODAY))
            plan_s, _ = _timed(
                lambda: plan.day_plan(
                    plan.load_inputs(session, clock, office_id, TODAY), clock, TODAY, 90, 40
                )
            )
            share_s, _ = _timed(lambda: daily_share(session, office_id, first, TODAY))
            model_s, past = _timed(
                lambda: plan.model_backtest(
                    session, clock, office_id, first, TODAY - timedelta(days=1), 40, runs=3
                )
            )
        engine.dispose()
    tested = arrivals.backtest(inputs.counts, clock)  # type: ignore[attr-defined]
    error = sum(abs(p.predicted - p.actual) for p in past) / len(past)  # type: ignore[attr-defined]
    return [
        row(
            "forecast: plan for a day",
            plan_s,
            "s",
            "reading its inputs",
            read_s,
            "≤ 30 s",
            higher_is_better=False,
        ),
        row(
            f"forecast: model backtest, {len(past)} days",
            model_s,
            "s",  # type: ignore[arg-type]
            "1.2 per day (SQL)",
            share_s,
            "",
            higher_is_better=False,
            mean_error_points=round(error * 100, 1),
        ),
        row(
            "forecast: MAE per 15-min slot",
            tested.mae,
            "visits",
            "same slot a week earlier",
            tested.naive_mae,
            "below the naive",
            higher_is_better=False,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.forecast_bench")
    parser.add_argument("--days", type=int, default=208)
    args = parser.parse_args()
    rows = run(args.days)
    print_table(rows)
    for r in rows:
        if "mean_error_points" in r:
            print(f"{r['benchmark']}: mean |predicted - actual| = {r['mean_error_points']} points")


if __name__ == "__main__":
    main()
