"""The hourly plan of a coming day, the what-if of an edited one, and the backtest of the
staffing model on past days (issue 19). Reads through ``history``, computes through the
pure ``arrivals`` and ``staffing``; no HTTP, no settings (values come as arguments).

Long work reports progress through ``progress(done, total)``; a caller that must stop it
(the web server's worker thread, with its time limit) raises from that callback.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from kezek import db
from kezek.forecast import arrivals, history, staffing
from kezek.i18n import N_
from kezek.indicators.data import targets
from kezek.queue.clock import Clock
from kezek.queue.errors import InvalidInput, QueueError

HISTORY_WEEKS = 20  # what the forecast and the service times learn from
MOST_CABINETS = 12  # the search stops here (an office borrows clerks, not rooms, past it)
NOBODY = 0.05  # expected visits in an hour below which it is left unstaffed
Progress = Callable[[int, int], None]

# Why the two models part (shown beside the hour).
EXPONENTIAL = N_(
    "Erlang C asks for more: it takes service times to be exponential (here they vary "
    "less, CV %(cv)s) and each hour to start in a steady state."
)
CARRY_OVER = N_(
    "The simulation asks for more: it carries the queue over from the hour before, into "
    "lunch or up to closing; Erlang C treats each hour alone."
)


class TimeUp(QueueError):
    """The computation passed its time limit (the web server's worker stops it)."""

    status_code = 503
    kind = "busy"


def check_day(clock: Clock, day: date, today: date) -> None:
    """A day to plan: within a year of today, and one the office is open on (§10)."""
    if abs((day - today).days) > 366:
        raise InvalidInput(N_("Choose a day within a year of today."))
    if clock.hours_on(day) is None:
        raise InvalidInput(N_("The office is closed on %(day)s."), day=day.isoformat())


def check_target(percent: float) -> None:
    if not 1 <= percent <= 100:
        raise InvalidInput(N_("The target is a percentage from 1 to 100."))


def deadline(seconds: float, then: Progress | None = None) -> Progress:
    """A progress callback that stops the work ``seconds`` from now."""
    end = time.monotonic() + seconds

    def tick(done: int, total: int) -> None:
        if time.monotonic() > end:
            raise TimeUp(N_("The plan took longer than %(seconds)s seconds."), seconds=seconds)
        if then:
            then(done, total)

    return tick


@dataclass(frozen=True)
class Inputs:
    """What the office's past says about a day: visits per slot, mix, service times."""

    counts: dict[date, list[int]]
    mix: dict[tuple[str, bool], float]
    service_minutes: dict[str, list[float]]


@dataclass(frozen=True)
class HourPlan:
    hour: int
    arrivals: float
    low: int
    high: int
    cabinets: int  # the simulation's recommendation
    erlang: int  # Erlang C's
    within: float  # simulated share within the target with the recommendation
    erlang_within: float  # Erlang C's share with its own recommendation
    note: str | None  # why the two differ (a msgid with ``cv``)


@dataclass(frozen=True)
class DayPlan:
    day: date
    target: float  # a fraction
    target_minutes: int
    hours: list[HourPlan]
    outcome: staffing.Outcome
    forecast: arrivals.Forecast
    cv: float

    @property
    def cv_text(self) -> str:
        return f"{self.cv:.2f}"


def target_of(session: Session, office_id: int, year: int, default: float) -> float:
    """§20: the supervisor's target for 1.2 this year, else the profile's."""
    return targets(session, office_id, year).get("1.2", default)


def load_inputs(session: Session, clock: Clock, office_id: int, day: date) -> Inputs:
    """The ``HISTORY_WEEKS`` weeks before ``day``."""
    start, end = day - timedelta(weeks=HISTORY_WEEKS), day - timedelta(days=1)
    found = history.visits(session, office_id, clock.schedule.zone, start, end)
    open_days = [
        start + timedelta(days=i)
        for i in range((end - start).days + 1)
        if clock.hours_on(start + timedelta(days=i)) is not None
    ]
    first = min((d for d, _m, _s, _p in found), default=day)  # before it: no Kezek yet
    counts = history.slot_counts(found, [d for d in open_days if d >= first])
    return Inputs(
        counts, history.mix(found), history.service_minutes(session, office_id, start, end)
    )


def demand_of(inputs: Inputs, forecast: arrivals.Forecast) -> staffing.Demand:
    # Hours nobody is expected in need no cabinet (an office open round the clock).
    expected = forecast.hourly()
    hours = sorted(h for h, mean in expected.items() if mean >= NOBODY) or sorted(expected)
    return staffing.Demand(
        hours=hours,
        mix=inputs.mix or {("-", False): 1.0},
        service_minutes=inputs.service_minutes,
        slots={s.slot: s.mean for s in forecast.slots},
    )


def day_plan(
    inputs: Inputs,
    clock: Clock,
    day: date,
    target_percent: float,
    target_minutes: int,
    runs: int = 12,
    progress: Progress | None = None,
) -> DayPlan:
    """The recommended cabinets per hour of ``day`` by both models, side by side."""
    forecast = arrivals.forecast(inputs.counts, clock, day)
    demand = demand_of(inputs, forecast)
    target = target_percent / 100
    plan, outcome = staffing.recommend(
        demand, target, target_minutes, MOST_CABINETS, runs, progress
    )
    erlang = staffing.erlang_plan(demand, target, target_minutes, MOST_CABINETS)
    service = demand.mean_service()
    per_hour = forecast.hourly()
    hours = []
    for hour in demand.hours:
        band = arrivals.band(per_hour[hour], forecast.cv)
        note = None
        if erlang[hour] > plan[hour]:
            note = EXPONENTIAL
        elif erlang[hour] < plan[hour]:
            note = CARRY_OVER
        hours.append(
            HourPlan(
                hour=hour,
                arrivals=per_hour[hour],
                low=band[0],
                high=band[1],
                cabinets=plan[hour],
                erlang=erlang[hour],
                within=outcome.share(hour),
                erlang_within=staffing.erlang_share(
                    per_hour[hour], service, erlang[hour], target_minutes
                ),
                note=note,
            )
        )
    return DayPlan(day, target, target_minutes, hours, outcome, forecast, demand.service_cv())


def what_if(
    inputs: Inputs,
    clock: Clock,
    day: date,
    plan: staffing.Plan,
    target_minutes: int,
    runs: int = 12,
) -> tuple[staffing.Outcome, list[int]]:
    """The simulated day with the supervisor's ``plan``, and its open hours."""
    forecast = arrivals.forecast(inputs.counts, clock, day)
    demand = demand_of(inputs, forecast)
    return staffing.simulate(demand, plan, target_minutes, runs), list(demand.hours)


@dataclass(frozen=True)
class PastDay:
    day: date
    predicted: float
    actual: float
    visits: int
    cabinets: dict[int, int]


def model_backtest(
    session: Session,
    clock: Clock,
    office_id: int,
    start: date,
    end: date,
    target_minutes: int,
    runs: int = 6,
    progress: Progress | None = None,
) -> list[PastDay]:
    """Each past day simulated with its own arrivals and the cabinets that did call, beside
    the 1.2 the report counts for it."""
    zone = clock.schedule.zone
    found = history.visits(session, office_id, zone, start, end)
    samples = history.service_minutes(session, office_id, start - timedelta(weeks=8), end)
    actual = history.actual_share(session, office_id, start, end)
    days = sorted(d for d in actual if clock.hours_on(d) is not None)
    result = []
    for index, day in enumerate(days):
        came = history.day_arrivals(found, day)
        hours = sorted({s * arrivals.SLOT_MINUTES // 60 for s in arrivals.open_slots(clock, day)})
        if came and hours:
            demand = staffing.Demand(
                hours=hours,
                mix=dict.fromkeys({(s, p) for _m, s, p in came}, 1.0),
                service_minutes=samples,
                arrivals=came,
            )
            cabinets = history.staffing(session, office_id, zone, day)
            outcome = staffing.simulate(demand, cabinets, target_minutes, runs)
            within, count = actual[day]
            result.append(PastDay(day, outcome.day_share, within / count, count, cabinets))
        if progress:
            progress(index + 1, len(days))
    return result


def compute(
    engine: Engine,
    clock: Clock,
    office_id: int,
    day: date,
    target_percent: float | None,
    default_percent: float,
    target_minutes: int,
    seconds: float,
    runs: int = 12,
) -> DayPlan:
    """The plan of ``day`` for a page or the API: checked, from the database, stopped
    after ``seconds`` (``TimeUp``)."""
    check_day(clock, day, clock.business_day())
    if target_percent is not None:
        check_target(target_percent)
    with db.reading(engine) as session:
        percent = target_percent or target_of(session, office_id, day.year, default_percent)
        inputs = load_inputs(session, clock, office_id, day)
    return day_plan(inputs, clock, day, percent, target_minutes, runs, deadline(seconds))
