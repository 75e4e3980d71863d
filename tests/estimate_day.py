"""Scripted days for the accuracy report (issue 19): ``kezek.simulation.busy_day`` arrivals
(seeded, lognormal service times of known means) played through the queue's own functions
with a ManualClock — two cabinets calling, serving and calling again, lunch, closing — and
each ticket quoted at its issue by ``estimate_inputs.record_issued``, as the kiosk does.

    python -m tests.estimate_day     prints the report the README quotes
"""

from __future__ import annotations

import random
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from kezek import db, migrate, profile_sync
from kezek.forecast import estimate_accuracy
from kezek.queue import estimate_inputs, tickets
from kezek.queue.clock import Clock, ManualClock
from kezek.queue.models import Service, ServicePoint, Ticket
from kezek.settings import load_profile
from kezek.simulation import CLOSE, OPEN, busy_day
from tests.call_order_day import Desk, _turn

SEED = 19
DAYS = (date(2026, 11, 17), date(2026, 11, 18))  # a Tuesday, a Wednesday


def play_day(engine: Engine, day: date, seed: int) -> None:
    profile = load_profile("kyzylzhar")
    order = profile_sync.call_order(profile)
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

    pending = busy_day(random.Random(seed), 1.1, 0.05)
    while True:
        desk = min(desks, key=lambda d: d.free_at)
        if pending and pending[0].minute <= desk.free_at:
            visitor = pending.pop(0)
            at(visitor.minute)
            with db.transaction(engine) as session:
                service = services[visitor.service]
                ticket = tickets.issue(session, clock, service, priority=visitor.priority)
                estimate_inputs.record_issued(session, clock, ticket)
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


def play(engine: Engine) -> estimate_accuracy.Report:
    """Two days; the report counts the second (the first builds the service-time history)."""
    for index, day in enumerate(DAYS):
        play_day(engine, day, SEED + index)
    with db.reading(engine) as session:
        office_id = session.exec(select(Service.office_id)).first() or 0
        return estimate_accuracy.report(session, office_id, DAYS[1], DAYS[-1])


def _main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = db.make_engine(f"sqlite:///{Path(folder) / 'day.db'}")
        migrate.upgrade(engine)
        found = play(engine)
        for code, figures in [*found.services, ("overall", found.overall)]:
            print(code, figures)


if __name__ == "__main__":
    _main()
