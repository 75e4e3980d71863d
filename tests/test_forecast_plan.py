"""Issue 19: cabinets per hour. On the scripted history (a heavy Tuesday morning, a quiet
Friday afternoon) the simulation asks for more cabinets in the heavy hour than in the quiet
one, its plan reaches the target and one cabinet fewer does not; on the demo's history (as
`kezek demo` writes it) the plan, the what-if and the model's backtest run from the rows."""

from __future__ import annotations

import random
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from kezek import db, demo, profile_sync
from kezek.forecast import plan, staffing
from kezek.settings import load_profile
from tests.forecast_history import calendar, scripted

END = date(2026, 6, 1)
TUESDAY, FRIDAY = date(2026, 6, 9), date(2026, 6, 12)


def _inputs() -> plan.Inputs:
    rng = random.Random(5)
    minutes = {
        "registration": [rng.lognormvariate(2.3, 0.45) for _ in range(300)],
        "vacancies": [rng.lognormvariate(1.8, 0.45) for _ in range(300)],
    }
    mix = {("registration", False): 0.66, ("registration", True): 0.04, ("vacancies", False): 0.3}
    return plan.Inputs(scripted(END), mix, minutes)


def test_the_heavy_hour_gets_more_cabinets_and_one_fewer_misses_the_target() -> None:
    inputs = _inputs()
    tuesday = plan.day_plan(inputs, calendar(), TUESDAY, 90, 40, runs=8)
    friday = plan.day_plan(inputs, calendar(), FRIDAY, 90, 40, runs=8)
    heavy = next(h for h in tuesday.hours if h.hour == 9)
    quiet = next(h for h in friday.hours if h.hour == 15)
    assert heavy.cabinets > quiet.cabinets
    assert heavy.erlang > quiet.erlang
    assert tuesday.outcome.breaks(0.9) is None and tuesday.outcome.day_share >= 0.9
    chosen = {h.hour: h.cabinets for h in tuesday.hours}
    for hour, count in chosen.items():
        if count > 1:
            fewer, _hours = plan.what_if(
                inputs, calendar(), TUESDAY, {**chosen, hour: count - 1}, 40, runs=8
            )
            assert fewer.breaks(0.9) is not None, hour


def test_a_higher_target_asks_for_at_least_as_many_cabinets() -> None:
    inputs = _inputs()
    low = plan.day_plan(inputs, calendar(), TUESDAY, 60, 40, runs=6)
    high = plan.day_plan(inputs, calendar(), TUESDAY, 99, 40, runs=6)
    assert sum(h.cabinets for h in high.hours) > sum(h.cabinets for h in low.hours)


def test_erlang_c_and_the_simulation_say_why_they_differ() -> None:
    day = plan.day_plan(_inputs(), calendar(), TUESDAY, 90, 40, runs=8)
    for hour in day.hours:
        assert (hour.note is None) == (hour.erlang == hour.cabinets)
    assert day.cv < 1  # lognormal 0.45: less spread than exponential times


def test_erlang_c_share_rises_with_cabinets() -> None:
    shares = [staffing.erlang_share(12, 10, c, 40) for c in range(1, 6)]
    assert shares[0] == 0.0 and shares[1] == 0.0  # 2 Erlangs on 2 cabinets: no steady state
    assert shares == sorted(shares) and shares[-1] > 0.99


@pytest.fixture
def demo_office(engine: Engine) -> int:
    with db.transaction(engine) as session:
        row = profile_sync.sync_profile(session, load_profile("kyzylzhar"))
        assert row.id is not None
    demo.load(engine, row.id, ZoneInfo("Asia/Almaty"), days=60, today=date(2026, 11, 24))
    return row.id


@pytest.mark.slow
def test_the_plan_and_the_model_backtest_run_from_the_demo_history(
    engine: Engine, demo_office: int
) -> None:
    clock = calendar()
    with db.reading(engine) as session:
        inputs = plan.load_inputs(session, clock, demo_office, date(2026, 11, 24))
        past = plan.model_backtest(
            session, clock, demo_office, date(2026, 11, 10), date(2026, 11, 23), 40, runs=3
        )
    assert set(inputs.service_minutes) >= {"registration", "vacancies"}
    assert abs(sum(inputs.mix.values()) - 1) < 1e-9
    day = plan.day_plan(inputs, clock, date(2026, 11, 24), 90, 40, runs=4)
    assert [h.hour for h in day.hours] == [9, 10, 11, 12, 14, 15, 16, 17]
    assert 40 < day.forecast.total < 100  # the demo's Tuesdays: about 58 × 1.25 visits
    assert len(past) >= 6
    for found in past:
        assert 0 <= found.predicted <= 1 and 0 <= found.actual <= 1
        assert found.cabinets and max(found.cabinets.values()) <= 2
    error = sum(abs(p.predicted - p.actual) for p in past) / len(past)
    assert error < 0.25


def test_a_plan_past_its_time_limit_stops() -> None:
    """The web server's limit: the work stops at the first step past it (503 there)."""
    with pytest.raises(plan.TimeUp):
        plan.day_plan(_inputs(), calendar(), TUESDAY, 90, 40, runs=2, progress=plan.deadline(0))
