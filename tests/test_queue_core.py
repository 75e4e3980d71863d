"""The queue core on a real SQLite file: numbering, order, transitions, waits, closing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import select

from kezek import db, profile_sync
from kezek.queue import estimate, tickets
from kezek.queue.clock import Clock, ManualClock
from kezek.queue.models import DayCounter, Service, ServicePoint, Status, Ticket, TicketEvent
from kezek.queue.standing import standing
from kezek.settings import load_profile


@pytest.fixture
def ids(engine: Engine) -> dict[str, int]:
    with db.transaction(engine) as session:
        row = profile_sync.sync_profile(session, load_profile("kyzylzhar"))
        assert row.id is not None
        return {"office": row.id}


def service(engine: Engine, code: str) -> Service:
    with db.reading(engine) as session:
        return session.exec(select(Service).where(Service.code == code)).one()


def point(engine: Engine, code: str) -> ServicePoint:
    with db.reading(engine) as session:
        return session.exec(select(ServicePoint).where(ServicePoint.code == code)).one()


def issue(engine: Engine, clock: Clock, code: str = "registration", **kw: object) -> Ticket:
    with db.transaction(engine) as session:
        return tickets.issue(session, clock, service(engine, code), **kw)  # type: ignore[arg-type]


def call(engine: Engine, clock: Clock, where: str = "cab1") -> Ticket | None:
    with db.transaction(engine) as session:
        return tickets.call_next(session, clock, point(engine, where), None)


def act(engine: Engine, clock: Clock, fn, ticket: Ticket, *args: object) -> Ticket:  # type: ignore[no-untyped-def]
    with db.transaction(engine) as session:
        return fn(session, clock, session.get(Ticket, ticket.id), *args)  # type: ignore[no-any-return]


def test_numbers_restart_each_day_and_history_stays(
    engine: Engine, clock: Clock, now: ManualClock, ids: dict[str, int]
) -> None:
    assert [issue(engine, clock).code for _ in range(3)] == ["А-001", "А-002", "А-003"]
    assert issue(engine, clock, "certificate").code == "Г-001"
    now.advance(days=1)  # Wednesday
    assert issue(engine, clock).code == "А-001"
    with db.reading(engine) as session:
        assert len(session.exec(select(Ticket)).all()) == 5
        assert sorted(c.last_number for c in session.exec(select(DayCounter))) == [1, 1, 3]


def test_priority_first_then_oldest(
    engine: Engine, clock: Clock, now: ManualClock, ids: dict[str, int]
) -> None:
    first = issue(engine, clock)
    now.advance(minutes=1)
    issue(engine, clock, "vacancies")
    now.advance(minutes=1)
    urgent = issue(engine, clock, priority=True)
    with db.reading(engine) as session:
        assert tickets.position(session, urgent) == 1
        assert tickets.position(session, session.get_one(Ticket, first.id)) == 2
    assert call(engine, clock).id == urgent.id  # type: ignore[union-attr]
    act(engine, clock, tickets.finish, urgent, None)
    assert call(engine, clock).id == first.id  # type: ignore[union-attr]


def test_a_point_calls_only_its_services(engine: Engine, clock: Clock, ids: dict[str, int]) -> None:
    issue(engine, clock, "certificate")  # served only in cabinet 1
    assert call(engine, clock, "cab4") is None
    assert call(engine, clock, "cab1") is not None


def test_wait_is_called_minus_issued_and_40_minutes_is_within(
    engine: Engine, clock: Clock, now: ManualClock, ids: dict[str, int]
) -> None:
    a = issue(engine, clock)
    b = issue(engine, clock)
    now.advance(minutes=40)
    called = call(engine, clock)
    assert called is not None and called.id == a.id
    assert (called.wait_seconds, called.within_target) == (2400, True)
    act(engine, clock, tickets.finish, called, None)
    now.advance(seconds=1)
    late = call(engine, clock)
    assert late is not None and late.id == b.id
    assert (late.wait_seconds, late.within_target) == (2401, False)


def test_illegal_transitions_raise_clear_errors(
    engine: Engine, clock: Clock, ids: dict[str, int]
) -> None:
    ticket = issue(engine, clock)
    for fn in (tickets.start, tickets.finish, tickets.no_show, tickets.recall):
        with pytest.raises(tickets.IllegalTransition, match="А-001"):
            act(engine, clock, fn, ticket, None)
    called = call(engine, clock)
    assert called is not None
    act(engine, clock, tickets.recall, called, None)
    assert act(engine, clock, tickets.recall, called, None).recall_count == 2
    act(engine, clock, tickets.no_show, called, None)
    with pytest.raises(tickets.IllegalTransition):
        act(engine, clock, tickets.cancel, called, None)
    issue(engine, clock)
    serving = act(engine, clock, tickets.start, call(engine, clock), None)  # type: ignore[arg-type]
    with pytest.raises(tickets.IllegalTransition, match="serving"):
        act(engine, clock, tickets.cancel, serving, None)  # a visit half served is not cancelled


def test_a_move_based_on_a_stale_read_is_refused(
    engine: Engine, clock: Clock, now: ManualClock, ids: dict[str, int]
) -> None:
    """Someone cancels what they saw waiting; a clerk called it first (PostgreSQL lets both
    read it). The cancel must not undo the call or move the wait the clerk started."""
    ticket = issue(engine, clock)
    now.advance(minutes=10)
    assert call(engine, clock) is not None
    now.advance(minutes=30)
    with db.transaction(engine) as session:
        seen = session.get_one(Ticket, ticket.id)
        set_committed_value(seen, "status", Status.waiting)  # as read before the call
        set_committed_value(seen, "wait_seconds", None)
        with pytest.raises(tickets.IllegalTransition, match="called"):
            tickets.cancel(session, clock, seen, None)
    with db.reading(engine) as session:
        row = session.get_one(Ticket, ticket.id)
        kinds = session.exec(select(TicketEvent.kind).where(TicketEvent.ticket_id == row.id))
        assert (row.status, row.wait_seconds, list(kinds)) == ("called", 600, ["issued", "called"])


def test_transfer_keeps_code_and_first_issue_time(
    engine: Engine, clock: Clock, now: ManualClock, ids: dict[str, int]
) -> None:
    ticket = issue(engine, clock)
    now.advance(minutes=10)
    issue(engine, clock, "certificate")  # someone already waiting for certificates
    called = call(engine, clock)
    assert called is not None and called.id == ticket.id
    now.advance(minutes=5)
    child = act(engine, clock, tickets.transfer, called, service(engine, "certificate"), None)
    assert (child.code, child.status, child.parent_id) == ("А-001", Status.waiting, ticket.id)
    assert child.issued_at == ticket.issued_at
    with db.reading(engine) as session:
        assert session.get_one(Ticket, ticket.id).status == Status.transferred
        assert tickets.position(session, child) == 1  # not sent to the back of the queue
        assert tickets.by_token(session, ticket.public_token).id == child.id  # type: ignore[union-attr]


def test_a_waiting_ticket_is_rerouted_in_place(
    engine: Engine, clock: Clock, ids: dict[str, int]
) -> None:
    issue(engine, clock, "certificate")
    ticket = issue(engine, clock)
    moved = act(engine, clock, tickets.transfer, ticket, service(engine, "certificate"), None)
    assert (moved.id, moved.code, moved.parent_id) == (ticket.id, "А-001", None)
    with db.reading(engine) as session:
        assert tickets.position(session, moved) == 2  # behind the one issued before it


def test_close_day_closes_waiting_tickets_with_their_wait(
    engine: Engine, clock: Clock, now: ManualClock, ids: dict[str, int]
) -> None:
    waiting = issue(engine, clock)
    in_hand = issue(engine, clock)
    first = call(engine, clock)
    assert first is not None and first.id == waiting.id
    now.advance(hours=8)  # 18:00, closing
    with db.transaction(engine) as session:
        assert tickets.close_day(session, clock, ids["office"], clock.business_day()) == 1
    with db.reading(engine) as session:
        closed = session.get_one(Ticket, in_hand.id)
        assert closed.status == Status.closed
        assert closed.wait_seconds == 8 * 3600 and closed.within_target is False
        assert session.get_one(Ticket, waiting.id).status == Status.called  # still in hand today
    now.advance(days=1)
    with db.transaction(engine) as session:
        assert tickets.stale_days(session, clock, ids["office"]) == [
            clock.business_day() - timedelta(days=1)
        ]
        tickets.close_day(session, clock, ids["office"], clock.business_day() - timedelta(days=1))
    with db.reading(engine) as session:
        assert session.get_one(Ticket, waiting.id).status == Status.closed


def test_office_closed_refuses_and_says_when(
    engine: Engine, clock: Clock, now: ManualClock, ids: dict[str, int]
) -> None:
    now.advance(hours=3, minutes=30)  # 13:30, lunch
    with pytest.raises(tickets.OfficeClosed) as raised:
        issue(engine, clock)
    assert raised.value.next_opening == now.at + timedelta(minutes=30)


def test_every_change_is_in_the_event_history(
    engine: Engine, clock: Clock, ids: dict[str, int]
) -> None:
    ticket = issue(engine, clock)
    called = call(engine, clock)
    assert called is not None
    act(engine, clock, tickets.start, called, None)
    act(engine, clock, tickets.finish, called, None)
    with db.reading(engine) as session:
        kinds = [
            e.kind
            for e in session.exec(
                select(TicketEvent)
                .where(TicketEvent.ticket_id == ticket.id)
                .order_by(TicketEvent.id)
            )
        ]
    assert kinds == ["issued", "called", "started", "finished"]


def test_estimate_uses_position_open_points_and_service_times(
    engine: Engine, clock: Clock, now: ManualClock, ids: dict[str, int]
) -> None:
    # History: two registrations served in 12 minutes each.
    for _ in range(2):
        issue(engine, clock)
        called = call(engine, clock)
        assert called is not None
        act(engine, clock, tickets.start, called, None)
        now.advance(minutes=12)
        act(engine, clock, tickets.finish, called, None)
    waiting = [issue(engine, clock) for _ in range(5)]
    with db.reading(engine) as session:
        last = standing(session, clock, waiting[-1])  # what the phone page and API show
    assert last is not None
    # 4 ahead × 12 min / 2 points (none opened yet: both cabinets serve registration)
    assert (last.position, last.service_minutes, last.points, last.minutes) == (5, 12.0, 2, 24)


def test_a_rolled_back_change_leaves_nothing(
    engine: Engine, clock: Clock, ids: dict[str, int]
) -> None:
    with pytest.raises(RuntimeError), db.transaction(engine) as session:
        tickets.issue(session, clock, service(engine, "registration"))
        raise RuntimeError("the request failed after issuing")
    assert issue(engine, clock).code == "А-001"  # the counter rolled back too


def test_a_point_left_taken_yesterday_is_not_counted_open(
    engine: Engine, clock: Clock, now: ManualClock, ids: dict[str, int]
) -> None:
    with db.transaction(engine) as session:
        cab1 = session.exec(select(ServicePoint).where(ServicePoint.code == "cab1")).one()
        cab1.clerk_id, cab1.opened_at = None, now.at - timedelta(days=1)
        registration = service(engine, "registration")
        assert tickets.open_points(session, registration.id, clock.day_start()) == (0, 2)  # type: ignore[arg-type]
        from kezek.auth import create_user

        cab1.clerk_id = create_user(session, ids["office"], "aru", "long password", "clerk").id
        assert tickets.open_points(session, registration.id, clock.day_start()) == (0, 2)  # type: ignore[arg-type]
        cab1.opened_at = now.at
        assert tickets.open_points(session, registration.id, clock.day_start()) == (1, 2)  # type: ignore[arg-type]


def test_rates_are_kept_for_thirty_seconds_of_office_time(
    engine: Engine, clock: Clock, now: ManualClock, ids: dict[str, int]
) -> None:
    rates = estimate.Rates(30)
    registration = service(engine, "registration")
    assert registration.id is not None
    with db.reading(engine) as session:
        assert rates.get(session, clock, registration.id) == (10.0, 2)  # no history yet
    issue(engine, clock)
    called = call(engine, clock)
    assert called is not None
    act(engine, clock, tickets.start, called, None)
    now.advance(seconds=20)
    act(engine, clock, tickets.finish, called, None)  # S is now 20 s, clipped to 2 minutes
    with db.reading(engine) as session:
        assert rates.get(session, clock, registration.id) == (10.0, 2)  # kept
        now.advance(seconds=11)
        assert rates.get(session, clock, registration.id) == (2.0, 2)  # asked again


def test_ticket_closed_unserved_is_not_within_target(
    engine: Engine, clock: Clock, now: ManualClock, ids: dict[str, int]
) -> None:
    # Issue 13 item 1: issued 17:30, never called, closed unserved at 18:00 → not within.
    now.advance(hours=7, minutes=30)
    late = issue(engine, clock)
    now.advance(minutes=30)
    with db.transaction(engine) as session:
        assert tickets.close_day(session, clock, ids["office"], clock.business_day()) == 1
    with db.reading(engine) as session:
        closed = session.get_one(Ticket, late.id)
        assert closed.status == Status.closed
        assert closed.wait_seconds == 30 * 60 and closed.within_target is False


def test_ticket_cancelled_before_target_is_left_out_of_1_2(
    engine: Engine, clock: Clock, now: ManualClock, ids: dict[str, int]
) -> None:
    # Issue 13 item 1: cancelled after 10 minutes, never called → neither within nor counted.
    from kezek.indicators import data

    left = issue(engine, clock)
    now.advance(minutes=10)
    act(engine, clock, tickets.cancel, left, None)
    day = clock.business_day()
    with db.reading(engine) as session:
        assert data.waits(session, ids["office"], day, day) == (0, 0)
