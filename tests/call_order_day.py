"""A scripted office day played through the queue's own functions under a call order
(issue 17): the same arrivals (``kezek.simulation.busy_day``, a fixed seed, or a day built by
hand), two cabinets that call, serve for the visitor's drawn time and call again, lunch
(§10), closing at 18:00 with the rest closed unserved; then appendix 1.2 as the report
counts it (``indicators.waits``).

    python -m tests.call_order_day [--seed 17] [--busy 1.2] [--postgres URL]

prints the figure the README quotes.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from kezek import db, migrate, profile_sync
from kezek.indicators import waits
from kezek.queue import tickets
from kezek.queue.clock import Clock, ManualClock
from kezek.queue.models import Service, ServicePoint, Ticket
from kezek.queue.order import CallOrder
from kezek.settings import load_profile
from kezek.simulation import BACK, CLOSE, LUNCH, OPEN, Arrival, busy_day

SEED, BUSY = 17, 1.2
PLAIN = "priority_then_oldest"
PROTECT = "protect_target"
DAYS = {PLAIN: date(2026, 11, 24), PROTECT: date(2026, 11, 25)}  # a Tuesday, a Wednesday


def built_day() -> list[Arrival]:
    """A morning built to show the difference: six registration visitors at 9:00 for the two
    cabinets (16 minutes each) and two priority visitors at 9:29. At 9:32 the fifth and
    sixth have waited 31 minutes: the plain order calls the priority visitors first and
    the two wait 47 minutes; the protected one calls the two in time, and the priority
    visitors at 9:48, 19 minutes after they came."""
    day = [Arrival(OPEN + i / 10, "registration", False, 16.0) for i in range(6)]
    day += [Arrival(OPEN + 29 + i / 10, "registration", True, 16.0) for i in range(2)]
    return day


@dataclass
class Desk:
    point: ServicePoint
    free_at: float = OPEN
    ticket: Ticket | None = None


def play(engine: Engine, rule: str, arrivals: list[Arrival], day: date) -> tuple[int, int]:
    """Play ``arrivals`` on ``day`` under ``rule``: (visits within 40 minutes, visits)."""
    profile = load_profile("kyzylzhar").model_copy(update={"call_order": rule})
    order: CallOrder = profile_sync.call_order(profile)
    midnight = datetime.combine(day, datetime.min.time(), profile.zone)
    manual = ManualClock(midnight + timedelta(minutes=OPEN))
    clock = Clock(profile_sync.schedule(profile), manual)
    with db.transaction(engine) as session:
        office = profile_sync.sync_profile(session, profile)
        services = {s.code: s for s in session.exec(select(Service))}
        desks = [Desk(p) for p in session.exec(select(ServicePoint).order_by(ServicePoint.code))]
    durations: dict[int | None, float] = {}

    def at(minute: float) -> None:
        manual.at = midnight + timedelta(seconds=round(minute * 60))

    pending = list(arrivals)
    while True:
        desk = min(desks, key=lambda d: d.free_at)
        if pending and pending[0].minute <= desk.free_at:
            visitor = pending.pop(0)
            at(visitor.minute)
            with db.transaction(engine) as session:
                ticket = tickets.issue(
                    session, clock, services[visitor.service], priority=visitor.priority
                )
            durations[ticket.id] = visitor.duration
            continue
        if desk.free_at >= CLOSE:
            break
        _turn(engine, clock, order, desk, durations, at, pending)
    at(CLOSE)
    with db.transaction(engine) as session:
        for desk in desks:
            if desk.ticket is not None:
                tickets.finish(session, clock, session.get_one(Ticket, desk.ticket.id), None)
        tickets.close_day(session, clock, office.id or 0, day)
        return waits.waits(session, office.id or 0, day, day)


def _turn(  # type: ignore[no-untyped-def]
    engine: Engine, clock: Clock, order: CallOrder, desk: Desk, durations, at, pending
) -> None:
    """A cabinet free at its moment: finish its visitor, then call the next (not at lunch)."""
    now = desk.free_at
    at(now)
    with db.transaction(engine) as session:
        if desk.ticket is not None:
            tickets.finish(session, clock, session.get_one(Ticket, desk.ticket.id), None)
            desk.ticket = None
        if LUNCH <= now < BACK:
            desk.free_at = BACK
            return
        desk.ticket = tickets.call_next(session, clock, desk.point, None, order)
    if desk.ticket is not None:
        desk.free_at = now + durations[desk.ticket.id]
    else:  # nobody for this cabinet: it waits for the next arrival
        desk.free_at = min(pending[0].minute if pending else CLOSE, CLOSE)
        desk.free_at = max(desk.free_at, now + 1 / 60)


def both(engine: Engine, arrivals: list[Arrival]) -> dict[str, tuple[int, int]]:
    return {rule: play(engine, rule, arrivals, DAYS[rule]) for rule in (PLAIN, PROTECT)}


def share(figure: tuple[int, int]) -> float:
    within, visits = figure
    return within / visits


def _main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--busy", type=float, default=BUSY)
    parser.add_argument("--postgres", help="a PostgreSQL URL (a scratch database is made)")
    args = parser.parse_args()
    days = {
        f"busy day (seed {args.seed}, ×{args.busy})": busy_day(random.Random(args.seed), args.busy),
        "built day": built_day(),
    }
    for name, arrivals in days.items():
        with tempfile.TemporaryDirectory() as folder:
            if args.postgres:
                from bench.common import scratch_postgres

                url = scratch_postgres(args.postgres, "kezek_call_order")
            else:
                url = f"sqlite:///{Path(folder) / 'day.sqlite3'}"
            engine = db.make_engine(url)
            migrate.upgrade(engine)
            found = both(engine, arrivals)
            engine.dispose()
        plain, protect = share(found[PLAIN]), share(found[PROTECT])
        print(
            f"{name}: priority_then_oldest {found[PLAIN][0]}/{found[PLAIN][1]} = {plain:.1%};"
            f" protect_target {found[PROTECT][0]}/{found[PROTECT][1]} = {protect:.1%};"
            f" ratio {protect / plain:.2f}"
        )


if __name__ == "__main__":
    _main()
