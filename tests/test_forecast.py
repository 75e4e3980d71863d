"""Issue 19: the arrival forecast finds a known pattern and beats "the same slot a week
earlier" in the backtest, on a scripted history and on the demo's simulated one."""

from __future__ import annotations

import random
from datetime import date, timedelta

from kezek import simulation
from kezek.forecast import arrivals
from tests.forecast_history import HEAVY, QUIET, calendar, scripted

END = date(2026, 6, 1)


def test_the_forecast_finds_a_heavy_tuesday_morning_and_a_quiet_friday_afternoon() -> None:
    history = scripted(END)
    tuesday = arrivals.forecast(history, calendar(), date(2026, 6, 9)).hourly()
    friday = arrivals.forecast(history, calendar(), date(2026, 6, 12)).hourly()
    assert 0.8 * 4 * HEAVY < tuesday[9] < 1.2 * 4 * HEAVY
    assert friday[15] < 4 * QUIET * 2
    assert tuesday[9] > 3 * friday[15]
    assert 13 not in tuesday  # lunch: closed, no forecast


def test_the_band_holds_the_mean_and_widens_with_it() -> None:
    found = arrivals.forecast(scripted(END), calendar(), date(2026, 6, 9))
    for slot in found.slots:
        assert slot.low <= slot.mean <= slot.high
    heavy = next(s for s in found.slots if s.label == "09:00")
    quiet = next(s for s in found.slots if s.label == "16:00")
    assert heavy.high - heavy.low > quiet.high - quiet.low


def test_the_forecast_beats_the_naive_one_on_the_scripted_history() -> None:
    result = arrivals.backtest(scripted(END), calendar(), weeks=8)
    assert len(result.days) >= 25  # about 8 weeks of Tuesday–Friday, holidays left out
    assert result.mae < 0.9 * result.naive_mae


def _demo_history(end: date, weeks: int) -> dict[date, list[int]]:
    """The demo's own generator (kezek.simulation, as `kezek demo` loads it), as counts."""
    rng = random.Random(2008)
    points = {"cab1": ["registration", "vacancies", "certificate"], "cab4": ["training"]}
    history: dict[date, list[int]] = {}
    day = end - timedelta(weeks=weeks)
    while day < end:
        if day.weekday() in simulation.WORKDAYS and arrivals.open_slots(calendar(), day):
            counts = [0] * arrivals.SLOTS
            for visit in simulation.simulate_day(rng, points, day.weekday()):
                counts[int(visit.arrival) // arrivals.SLOT_MINUTES] += 1
            history[day] = counts
        day += timedelta(days=1)
    return history


def test_the_forecast_beats_the_naive_one_on_the_demo_history() -> None:
    result = arrivals.backtest(_demo_history(END, 30), calendar(), weeks=8)
    assert result.days
    assert result.mae < 0.9 * result.naive_mae


def test_a_first_day_after_a_holiday_and_a_month_start_are_known() -> None:
    cal = calendar()
    assert arrivals.kinds(cal, date(2026, 6, 2)) == (True, False)  # June's first open day
    assert arrivals.kinds(cal, date(2026, 5, 8)) == (False, True)  # after Thursday 7 May
    assert not arrivals.kinds(cal, date(2026, 5, 12))[1]  # Monday 11 May: never open
    assert arrivals.kinds(cal, date(2026, 5, 20)) == (False, False)
