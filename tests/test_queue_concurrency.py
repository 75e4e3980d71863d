"""Real threads on a real SQLite file: no double calls, no duplicate numbers."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy.engine import Engine
from sqlmodel import select

from kezek import db, profile_sync
from kezek.queue import tickets
from kezek.queue.clock import Clock
from kezek.queue.models import Service, ServicePoint, Status, Ticket
from kezek.settings import load_profile

ISSUERS, CALLERS, PER_ISSUER = 8, 16, 25


def _run(threads: list[threading.Thread], first: int, first_done: threading.Event) -> None:
    """Start every thread; when the first ``first`` have ended, set ``first_done``."""
    for thread in threads:
        thread.start()
    for thread in threads[:first]:
        thread.join(timeout=60)
    first_done.set()
    for thread in threads[first:]:
        thread.join(timeout=60)


def test_16_callers_and_8_issuers(engine: Engine, clock: Clock) -> None:
    with db.transaction(engine) as session:
        profile_sync.sync_profile(session, load_profile("kyzylzhar"))
    with db.reading(engine) as session:
        registration = session.exec(select(Service).where(Service.code == "registration")).one()
        points = list(session.exec(select(ServicePoint)))
    calls: list[int] = []
    errors: list[BaseException] = []
    issuing_done = threading.Event()
    lock = threading.Lock()

    def issuer() -> None:
        try:
            for _ in range(PER_ISSUER):
                with db.transaction(engine) as session:
                    tickets.issue(session, clock, registration)
        except BaseException as exc:  # reported below
            errors.append(exc)

    def caller(index: int) -> None:
        # Each caller is a clerk at one of the two cabinets: call, then finish, repeatedly.
        point = points[index % len(points)]
        try:
            for _ in range(400):
                with db.transaction(engine) as session:
                    ticket = tickets.call_next(session, clock, point, None)
                    if ticket is not None:
                        tickets.finish(session, clock, ticket, None)
                        with lock:
                            calls.append(ticket.id)  # type: ignore[arg-type]
                if ticket is None and issuing_done.is_set():
                    return
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=issuer) for _ in range(ISSUERS)]
    threads += [threading.Thread(target=caller, args=(i,)) for i in range(CALLERS)]
    _run(threads, ISSUERS, issuing_done)
    assert errors == [] and not any(thread.is_alive() for thread in threads)
    assert calls  # the clerks called, not only the clean-up below
    with db.transaction(engine) as session:  # whatever the callers left, call now
        for point in points:
            while (ticket := tickets.call_next(session, clock, point, None)) is not None:
                tickets.finish(session, clock, ticket, None)
                calls.append(ticket.id)  # type: ignore[arg-type]
    with db.reading(engine) as session:
        rows = session.exec(select(Ticket)).all()
    assert len(rows) == ISSUERS * PER_ISSUER
    assert sorted(t.number for t in rows) == list(range(1, ISSUERS * PER_ISSUER + 1))
    assert [ticket_id for ticket_id, n in Counter(calls).items() if n > 1] == []  # no double call
    assert len(calls) == len(rows) and all(t.status == Status.served for t in rows)


def test_calls_at_once_for_one_point_leave_one_ticket_in_hand(engine: Engine, clock: Clock) -> None:
    """A double click or two open tabs: eight calls at once for cabinet 1, none finished."""
    with db.transaction(engine) as session:
        profile_sync.sync_profile(session, load_profile("kyzylzhar"))
        registration = session.exec(select(Service).where(Service.code == "registration")).one()
        for _ in range(8):
            tickets.issue(session, clock, registration)
    with db.reading(engine) as session:
        cab1 = session.exec(select(ServicePoint).where(ServicePoint.code == "cab1")).one()
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def click() -> None:
        start.wait(timeout=10)
        try:
            with db.transaction(engine) as session:
                called = tickets.call_next(session, clock, cab1, None)
                outcomes.append(called.code if called else "nobody")
        except tickets.IllegalTransition:
            outcomes.append("refused")

    threads = [threading.Thread(target=click) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused"] * 7 + ["А-001"]
    with db.reading(engine) as session:
        in_hand = session.exec(select(Ticket.code).where(Ticket.status == Status.called)).all()
    assert in_hand == ["А-001"]
