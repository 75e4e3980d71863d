"""Issue 17: the call order protects appendix 1.2 (40 minutes). Tickets are issued and moved
through the queue's own functions with the office clock moved by hand; each test calls
with the shipped rule (``protect_target``, from the profile) and, where it shows the
difference, with the plain one (priority first, then the oldest)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from kezek import db, profile_sync
from kezek.queue import tickets
from kezek.queue.clock import Clock, ManualClock
from kezek.queue.models import Service, ServicePoint, Ticket
from kezek.queue.order import CallOrder
from kezek.settings import load_profile

SHIPPED = profile_sync.call_order(load_profile("kyzylzhar"))
PLAIN = CallOrder(rule="priority_then_oldest")


@pytest.fixture(autouse=True)
def office(engine: Engine) -> None:
    with db.transaction(engine) as session:
        profile_sync.sync_profile(session, load_profile("kyzylzhar"))


def issue(engine: Engine, clock: Clock, code: str = "registration", **kw: bool) -> str:
    with db.transaction(engine) as session:
        service = session.exec(select(Service).where(Service.code == code)).one()
        return tickets.issue(session, clock, service, **kw).code


def call(engine: Engine, clock: Clock, order: CallOrder = SHIPPED) -> str:
    """Call at cabinet №1 (registration, vacancies, certificates) and finish at once."""
    with db.transaction(engine) as session:
        point = session.exec(select(ServicePoint).where(ServicePoint.code == "cab1")).one()
        ticket = tickets.call_next(session, clock, point, None, order)
        assert ticket is not None
        tickets.finish(session, clock, ticket, None)
        return ticket.code


def calls(engine: Engine, clock: Clock, count: int, order: CallOrder = SHIPPED) -> list[str]:
    return [call(engine, clock, order) for _ in range(count)]


def test_the_shipped_profiles_protect_the_target() -> None:
    for name in ("kyzylzhar", "demo"):
        order = profile_sync.call_order(load_profile(name))
        assert (order.rule, order.warn_minutes, order.overdue_minutes) == (
            "protect_target",
            30,
            20,
        )


def test_a_ticket_near_its_target_goes_before_a_fresh_priority_ticket(
    engine: Engine, clock: Clock, now: ManualClock
) -> None:
    old = issue(engine, clock)  # 10:00
    now.advance(minutes=31)  # it has waited 31 of its 40 minutes: at risk
    fresh = issue(engine, clock, priority=True)
    assert call(engine, clock) == old
    assert call(engine, clock) == fresh


def test_the_plain_order_would_call_the_priority_ticket_first(
    engine: Engine, clock: Clock, now: ManualClock
) -> None:
    old = issue(engine, clock)
    now.advance(minutes=31)
    fresh = issue(engine, clock, priority=True)
    assert calls(engine, clock, 2, PLAIN) == [fresh, old]


def test_with_nobody_near_the_target_priority_still_goes_first(
    engine: Engine, clock: Clock, now: ManualClock
) -> None:
    first = issue(engine, clock)
    now.advance(minutes=29)  # 29 minutes: under the early warning (30)
    second = issue(engine, clock)
    priority = issue(engine, clock, priority=True)
    assert calls(engine, clock, 3) == [priority, first, second]


def test_the_nearest_to_breaching_first_then_late_ones_before_fresh_ones(
    engine: Engine, clock: Clock, now: ManualClock
) -> None:
    late = issue(engine, clock)  # 10:00: 41 minutes at 10:41, past the target
    now.advance(minutes=4)
    nearest = issue(engine, clock)  # 10:04: 37 minutes, 3 left
    now.advance(minutes=4)
    at_risk = issue(engine, clock, priority=True)  # 10:08: 33 minutes, 7 left
    now.advance(minutes=32)
    fresh = issue(engine, clock, priority=True)  # 10:40
    now.advance(minutes=1)  # 10:41; each call takes no time
    assert calls(engine, clock, 4) == [nearest, at_risk, late, fresh]


def test_a_visitor_long_past_the_target_is_not_kept_waiting_for_ever(
    engine: Engine, clock: Clock, now: ManualClock
) -> None:
    """Past the target by ``overdue_call_minutes`` (20), a visitor goes first of all: the
    at-risk ones cannot hold them back longer."""
    overdue = issue(engine, clock)  # 10:00: 61 minutes at 11:01
    now.advance(minutes=30)
    at_risk = issue(engine, clock)  # 10:30: 31 minutes
    now.advance(minutes=31)
    assert calls(engine, clock, 2) == [overdue, at_risk]


def test_a_transferred_visit_counts_its_whole_wait(
    engine: Engine, clock: Clock, now: ManualClock
) -> None:
    """A visit waited 28 minutes for registration, was seen, and was sent on to vacancies
    at 10:40. At 10:46 it has waited 28 + 6 = 34 minutes (6 left): it goes before a ticket
    that has waited 32 (8 left), though its own row waited only 6 minutes and its first
    issue was 46 minutes ago."""
    visit = issue(engine, clock)  # 10:00
    now.advance(minutes=14)
    other = issue(engine, clock, "vacancies")  # 10:14
    now.advance(minutes=14)
    with db.transaction(engine) as session:
        point = session.exec(select(ServicePoint).where(ServicePoint.code == "cab4")).one()
        called = tickets.call_next(session, clock, point, None, SHIPPED)  # 10:28
        assert called is not None and called.code == visit
        now.advance(minutes=12)
        vacancies = session.exec(select(Service).where(Service.code == "vacancies")).one()
        tickets.transfer(session, clock, called, vacancies, None)  # 10:40
    now.advance(minutes=6)
    fresh = issue(engine, clock, "vacancies", priority=True)
    assert calls(engine, clock, 3) == [visit, other, fresh]
    with db.reading(engine) as session:
        root = col(Ticket.parent_id).is_(None)
        first = session.exec(select(Ticket).where(root, Ticket.code == visit)).one()
        assert timedelta(seconds=first.wait_seconds or 0) == timedelta(minutes=34)
        assert first.within_target is True
