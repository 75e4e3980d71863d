"""Cabinets needed per hour for indicator 1.2 (pure; issue 19). Two models side by side:

* **Erlang C** (``pyworkforce``): each hour alone, in a steady state, with exponential
  service times of the observed mean: P(wait ≤ 40 min) = 1 − C(c, a)·e^(−(c − a)·40/S).
* **Simulation** (``ciw``, a discrete-event simulation of the real day): the forecast
  arrivals per 15-minute slot, one class per service and priority (§11: priority first),
  service times drawn from what the office's finished tickets took (empirical, per
  service), no cabinet open at lunch (the queue waits through it, §10), nobody called after
  closing (not within). ``runs`` replications with fixed seeds; the share is pooled.

The two disagree where Erlang C's assumptions do not hold: it ignores the queue carried
over from the hour before or from lunch (a steady state each hour), and it takes service
times to be exponential, longer-tailed than an office's usually are.

The recommendation is the fewest cabinets per hour for which every hour's arrivals reach
the target share; the simulation's is grown from one cabinet where the first hour falls
short, then pruned, so one cabinet fewer in any hour misses the target.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Plan = dict[int, int]  # local hour -> cabinets open
Arrival = tuple[float, str, bool]  # minutes after local midnight, service, priority
_SIM_LOCK = threading.Lock()  # ciw draws from the global random generator: one run at a time
AFTER_CLOSE = 24 * 60


@dataclass(frozen=True)
class Demand:
    """What a day brings: ``slots`` (15-minute slot -> expected visits) for a forecast, or
    ``arrivals`` (the times that happened) for a past day; the mix of services and priority;
    the observed service times per service (minutes, call to finish)."""

    hours: Sequence[int]  # the hours the office receives visitors (lunch left out)
    mix: Mapping[tuple[str, bool], float]
    service_minutes: Mapping[str, Sequence[float]]
    slots: Mapping[int, float] | None = None
    arrivals: Sequence[Arrival] | None = None

    @property
    def opening(self) -> int:
        return min(self.hours) * 60

    @property
    def closing(self) -> int:
        return (max(self.hours) + 1) * 60

    def per_hour(self) -> dict[int, float]:
        found = dict.fromkeys(self.hours, 0.0)
        for slot, mean in (self.slots or {}).items():
            found[slot // 4] = found.get(slot // 4, 0.0) + mean
        for minute, _s, _p in self.arrivals or ():
            found[int(minute // 60)] = found.get(int(minute // 60), 0.0) + 1
        return found

    def mean_service(self) -> float:
        """The mean service time of the mix (Erlang C's S)."""
        total = weight = 0.0
        for (service, _p), share in self.mix.items():
            samples = self.service_minutes.get(service) or [10.0]
            total += share * sum(samples) / len(samples)
            weight += share
        return total / weight if weight else 10.0

    def service_cv(self) -> float:
        """The coefficient of variation of all service times (1 for exponential ones)."""
        pooled = [x for samples in self.service_minutes.values() for x in samples]
        if len(pooled) < 2:
            return 1.0
        mean = sum(pooled) / len(pooled)
        var = sum((x - mean) ** 2 for x in pooled) / (len(pooled) - 1)
        return math.sqrt(var) / mean if mean else 1.0


# --- Erlang C ------------------------------------------------------------------------------


def erlang_share(arrivals: float, service: float, cabinets: int, target_minutes: int) -> float:
    """The share of an hour's visits called within the target, by Erlang C."""
    if arrivals <= 0:
        return 1.0
    # Imported here: pyworkforce brings pandas and OR-Tools (seconds), which no other
    # command or page needs.
    from pyworkforce.queuing import ErlangC

    model = ErlangC(transactions=arrivals, aht=service, asa=target_minutes, interval=60)
    if cabinets <= model.intensity:  # the queue grows without end: the formula has no answer
        return 0.0
    return float(model.service_level(positions=cabinets))


def erlang_plan(demand: Demand, target: float, target_minutes: int, most: int) -> Plan:
    service = demand.mean_service()
    plan: Plan = {}
    for hour, arrivals in demand.per_hour().items():
        c = 1
        while c < most and erlang_share(arrivals, service, c, target_minutes) < target:
            c += 1
        plan[hour] = c
    return plan


# --- the simulation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """The pooled result of the replications: per hour of arrival, visits and within."""

    visits: dict[int, float]
    within: dict[int, float]
    longest: float  # the mean over the runs of the day's longest wait (minutes)

    def share(self, hour: int) -> float:
        return self.within.get(hour, 0.0) / self.visits[hour] if self.visits.get(hour) else 1.0

    @property
    def day_share(self) -> float:
        total = sum(self.visits.values())
        return sum(self.within.values()) / total if total else 1.0

    def breaks(self, target: float) -> int | None:
        """The first hour whose visits fall short of the target."""
        return next((h for h in sorted(self.visits) if self.share(h) < target), None)


def _arrival_dists(demand: Demand) -> dict[str, list[Any]]:
    import ciw

    dists: dict[str, list[Any]] = {}
    start = demand.opening
    if demand.arrivals is not None:
        for (service, priority), _share in demand.mix.items():
            times = sorted(
                m - start for m, s, p in demand.arrivals if (s, p) == (service, priority)
            )
            gaps = [b - a for a, b in zip([0.0, *times], times, strict=False)]
            dists[_name(service, priority)] = [ciw.dists.Sequential([*gaps, 10.0 * AFTER_CLOSE])]
        return dists
    slots = demand.slots or {}
    ends = [15.0 * (i + 1) for i in range((demand.closing - start) // 15)]
    for (service, priority), share in demand.mix.items():
        rates = [slots.get(start // 15 + i, 0.0) * share / 15 for i in range(len(ends))]
        # ciw wants a positive rate somewhere; a class with none never arrives.
        rates = rates if any(rates) else [1e-9] * len(ends)
        dists[_name(service, priority)] = [ciw.dists.PoissonIntervals(rates, ends, ends[-1])]
    return dists


def _hour_of(hours: Sequence[int], minute: float) -> int:
    """The open hour a visit counts in: one who comes at lunch waits for the next one."""
    hour = int(minute // 60)
    return next((h for h in sorted(hours) if h >= hour), max(hours))


def _name(service: str, priority: bool) -> str:
    return f"{service}{'!' if priority else ''}"


def _network(demand: Demand, plan: Plan) -> Any:
    import ciw  # a second of imports (numpy, networkx): only where a day is simulated

    any_priority = any(p for _s, p in demand.mix)
    start = demand.opening
    counts, ends = [], []
    for hour in range(start // 60, demand.closing // 60):
        counts.append(plan.get(hour, 0) if hour in demand.hours else 0)  # lunch: nobody
        ends.append(float((hour + 1) * 60 - start))
    counts.append(0)
    ends.append(float(100 * AFTER_CLOSE))  # after closing nobody is called
    service = {
        _name(s, p): [ciw.dists.Empirical(list(demand.service_minutes.get(s) or [10.0]))]
        for s, p in demand.mix
    }
    return ciw.create_network(
        arrival_distributions=_arrival_dists(demand),
        service_distributions=service,
        number_of_servers=[ciw.Schedule(numbers_of_servers=counts, shift_end_dates=ends)],
        # ciw numbers priorities 0, 1, … with none missing: 0 is §11's priority, if any.
        priority_classes={_name(s, p): 0 if p or not any_priority else 1 for s, p in demand.mix},
    )


def simulate(
    demand: Demand, plan: Plan, target_minutes: int, runs: int = 12, seed: int = 19
) -> Outcome:
    """Run the day ``runs`` times with ``plan``; who waits past closing is not within."""
    import ciw

    start = demand.opening
    horizon = float(AFTER_CLOSE)
    visits: dict[int, float] = dict.fromkeys(demand.hours, 0.0)
    within: dict[int, float] = dict.fromkeys(demand.hours, 0.0)
    longest = 0.0
    for run in range(runs):
        with _SIM_LOCK:
            ciw.seed(seed + run)
            # PoissonIntervals draws its arrival times when made: a network per run.
            sim = ciw.Simulation(_network(demand, plan))
            sim.simulate_until_max_time(horizon)
            waits = [(r.arrival_date, r.waiting_time) for r in sim.get_all_records()]
            left = [(i.arrival_date, None) for i in sim.nodes[1].all_individuals]
        worst = 0.0
        for arrived, wait in [*waits, *left]:
            hour = _hour_of(demand.hours, start + arrived)
            visits[hour] = visits.get(hour, 0.0) + 1 / runs
            waited = wait if wait is not None else demand.closing - start - arrived
            if wait is not None and wait <= target_minutes:
                within[hour] = within.get(hour, 0.0) + 1 / runs
            worst = max(worst, waited)
        longest += worst / runs
    return Outcome(visits, within, longest)


Check = Callable[[Plan], Outcome]


def recommend(
    demand: Demand,
    target: float,
    target_minutes: int,
    most: int,
    runs: int = 12,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Plan, Outcome]:
    """The fewest cabinets per hour (at most ``most``) that the simulation says reach the
    target in every hour: grow where the first hour breaks, then drop any cabinet that can go."""
    hours = list(demand.hours)
    # From one below Erlang C's answer (it rarely asks for less): fewer runs to grow.
    erlang = erlang_plan(demand, target, target_minutes, most)
    plan: Plan = {h: max(1, erlang[h] - 1) for h in hours}
    steps, budget = 0, len(hours) * (most + 1)

    def run(p: Plan) -> Outcome:
        nonlocal steps
        steps += 1
        if progress:
            progress(min(steps, budget), budget)
        return simulate(demand, p, target_minutes, runs)

    outcome = run(plan)
    while (broken := outcome.breaks(target)) is not None:
        # The hour that breaks first; when it is full, the queue it meets came from before.
        grow = [h for h in hours if h <= broken and plan[h] < most]
        if not grow:
            break
        plan[max(grow)] += 1
        outcome = run(plan)
    if outcome.breaks(target) is None:
        for hour in sorted(hours, key=lambda h: -plan[h]):
            while plan[hour] > 1:
                fewer = {**plan, hour: plan[hour] - 1}
                tried = run(fewer)
                if tried.breaks(target) is not None:
                    break
                plan, outcome = fewer, tried
    if progress:
        progress(budget, budget)
    return plan, outcome
