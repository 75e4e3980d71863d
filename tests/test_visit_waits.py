"""Appendix 1.2 by the issue-13 rule, with data made by the queue functions the pages use:
a visit's wait is the sum of its waiting periods across transfers; closed unserved and
cancelled after the target are not within; cancelled before the target is left out."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from kezek import db, profile_sync
from kezek.indicators import data, table
from kezek.queue import tickets
from kezek.queue.clock import Clock, ManualClock
from kezek.queue.models import Service, ServicePoint, Ticket
from kezek.settings import load_profile


@pytest.fixture
def office(engine: Engine) -> int:
    with db.transaction(engine) as session:
        row = profile_sync.sync_profile(session, load_profile("kyzylzhar"))
        assert row.id is not None
        return row.id


def _service(engine: Engine, code: str) -> Service:
    with db.reading(engine) as session:
        return session.exec(select(Service).where(Service.code == code)).one()


def issue(engine: Engine, clock: Clock, code: str = "registration") -> Ticket:
    with db.transaction(engine) as session:
        return tickets.issue(session, clock, _service(engine, code))


def call(engine: Engine, clock: Clock, where: str = "cab1") -> Ticket:
    with db.transaction(engine) as session:
        point = session.exec(select(ServicePoint).where(ServicePoint.code == where)).one()
        called = tickets.call_next(session, clock, point, None)
        assert called is not None
        return called


def act(engine: Engine, clock: Clock, fn, ticket: Ticket, *args: object) -> Ticket:  # type: ignore[no-untyped-def]
    with db.transaction(engine) as session:
        return fn(session, clock, session.get(Ticket, ticket.id), *args, None)  # type: ignore[no-any-return]


def transfer(engine: Engine, clock: Clock, ticket: Ticket, code: str) -> Ticket:
    return act(engine, clock, tickets.transfer, ticket, _service(engine, code))


def figures(engine: Engine, office: int, day: date) -> tuple[int, int]:
    with db.reading(engine) as session:
        return data.waits(session, office, day, day)


def test_a_transfer_after_a_call_adds_the_second_wait(
    engine: Engine, clock: Clock, now: ManualClock, office: int
) -> None:
    """Called after 5 minutes, sent to certificates, called there 45 minutes later: 50."""
    first = issue(engine, clock)
    now.advance(minutes=5)
    call(engine, clock)
    now.advance(minutes=3)
    child = transfer(engine, clock, first, "certificate")
    now.advance(minutes=45)
    assert call(engine, clock).id == child.id
    with db.reading(engine) as session:
        root = session.get_one(Ticket, first.id)
        assert (root.wait_seconds, root.within_target) == (50 * 60, False)
    assert figures(engine, office, clock.business_day()) == (0, 1)


@pytest.mark.parametrize(("second", "within"), [(20 * 60, True), (20 * 60 + 1, False)])
def test_the_sum_of_the_waits_is_within_at_40_00_and_not_at_40_01(
    engine: Engine, clock: Clock, now: ManualClock, office: int, second: int, within: bool
) -> None:
    first = issue(engine, clock)
    now.advance(minutes=20)
    call(engine, clock)
    now.advance(minutes=10)  # the first service: not waiting
    child = transfer(engine, clock, first, "certificate")
    now.advance(seconds=second)
    with db.transaction(engine) as session:  # called out of order: the same rule
        point = session.exec(select(ServicePoint).where(ServicePoint.code == "cab1")).one()
        tickets.call_specific(session, clock, session.get_one(Ticket, child.id), point, None, "x")
    assert figures(engine, office, clock.business_day()) == (int(within), 1)


def test_a_transferred_visit_waiting_again_is_decided_by_its_end(
    engine: Engine, clock: Clock, now: ManualClock, office: int
) -> None:
    """Called in time, transferred, then cancelled: before the target in all it is left
    out; closed unserved at the end of the day it is not within."""
    first = issue(engine, clock)
    now.advance(minutes=5)
    call(engine, clock)
    left = transfer(engine, clock, first, "certificate")
    day = clock.business_day()
    assert figures(engine, office, day) == (0, 0)  # waiting again: not decided yet
    now.advance(minutes=10)
    act(engine, clock, tickets.cancel, left)
    assert figures(engine, office, day) == (0, 0)  # left before the target: out of 1.2
    second = issue(engine, clock)
    now.advance(minutes=1)
    call(engine, clock)
    transfer(engine, clock, second, "certificate")
    now.advance(hours=6)
    with db.transaction(engine) as session:
        tickets.close_day(session, clock, office, day)
    assert figures(engine, office, day) == (0, 1)  # closed unserved: not within


def test_the_lines_beside_1_2_sum_to_its_denominator(
    engine: Engine, clock: Clock, now: ManualClock, office: int
) -> None:
    day = clock.business_day()
    in_time = issue(engine, clock)
    late = issue(engine, clock)
    gone = issue(engine, clock)
    gone_late = issue(engine, clock)
    unserved = issue(engine, clock)
    now.advance(minutes=40)
    call(engine, clock)  # in time: 40:00
    act(engine, clock, tickets.no_show, in_time)  # a no-show after a call in time stays
    act(engine, clock, tickets.cancel, gone_late)  # cancelled at 40:00: left before
    now.advance(seconds=1)
    act(engine, clock, tickets.cancel, gone)  # 40:01: left after the target
    called_late = call(engine, clock)
    assert called_late.id == late.id
    act(engine, clock, tickets.recall, called_late)  # recalls change nothing
    now.advance(hours=7)
    with db.transaction(engine) as session:
        tickets.close_day(session, clock, office, day)
        assert session.get_one(Ticket, unserved.id).within_target is False
    with db.reading(engine) as session:
        lines = data.wait_lines(session, office, day, day)
        rows = {row.code: row for row in table.compute(session, office, day, day)}
    assert lines == {
        "in_time": 1,
        "late": 1,
        "closed_unserved": 1,
        "left_after": 1,
        "left_before": 1,
    }
    assert (rows["1.2"].numerator, rows["1.2"].denominator) == (1, 4)


def test_the_demo_history_follows_the_same_rule(engine: Engine, office: int) -> None:
    """`kezek demo` writes rows directly: never called is never within, and a transferred
    visit's root holds the sum of its waits (the second one from the transfer on)."""
    from zoneinfo import ZoneInfo

    from kezek import demo

    demo.load(engine, office, ZoneInfo("Asia/Almaty"), days=40, today=date(2026, 11, 24))
    with db.reading(engine) as session:
        rows = {t.id: t for t in session.exec(select(Ticket)).all()}
    roots = [t for t in rows.values() if t.parent_id is None]
    assert not [t for t in rows.values() if t.called_at is None and t.within_target]
    children = [t for t in rows.values() if t.parent_id is not None]
    assert children
    for child in children:
        parent = rows[child.parent_id]  # type: ignore[index]
        assert child.called_at is not None or child.within_target is False
        if parent.parent_id is None:  # a root holds the visit's figure: its own is call − issue
            before = int((parent.called_at - parent.issued_at).total_seconds())  # type: ignore[operator]
        else:
            before = parent.wait_seconds or 0
        moved = parent.finished_at
        ended = child.called_at or child.finished_at
        assert child.wait_seconds == before + max(0, int((ended - moved).total_seconds()))  # type: ignore[operator]
    last = {}
    for child in sorted(children, key=lambda t: t.id or 0):
        root = child
        while root.parent_id is not None:
            root = rows[root.parent_id]
        last[root.id] = child
    for root_id, child in last.items():
        assert rows[root_id].wait_seconds == child.wait_seconds  # the visit's figure
        assert rows[root_id].within_target == child.within_target
    assert roots
