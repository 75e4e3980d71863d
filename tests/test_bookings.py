"""§10 pre-registration (issue 18): slots from the schedule and the share held for bookings,
the limits, the release delay, the keyed hash of the IIN, check-in and no-shows."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from kezek import db
from kezek.bookings import book, checkin, slots
from kezek.bookings.models import Booking, BookingStatus
from kezek.bookings.rules import Full, Limit, NotAllowed, OutsideWindow
from kezek.queue import tickets
from kezek.queue.clock import ManualClock
from kezek.queue.errors import QueueError
from kezek.web import State
from tests.booking_helpers import at, iin_number, make_booking, service

TUESDAY = date(2026, 11, 24)  # the clock stands at 10:00 on it
WEDNESDAY = TUESDAY + timedelta(days=1)


@pytest.fixture
def st(client: TestClient) -> State:
    found: State = client.app.state.kezek  # type: ignore[attr-defined]
    return found


def _slots(st: State, code: str, day: date) -> list[tuple[str, str, int]]:
    with db.reading(st.engine) as session:
        found = slots.day_slots(
            session, st.clock, st.booking_rules, service(st, code), day, st.clock.now()
        )
    local = st.clock.local
    return [(f"{local(s.start):%H:%M}", f"{local(s.end):%H:%M}", s.free) for s in found]


def test_slots_follow_hours_lunch_and_the_share_of_each_cabinet(st: State) -> None:
    day = _slots(st, "registration", WEDNESDAY)
    starts = [start for start, _, _ in day]
    # 09:00–13:00 and 14:00–18:00, 15 minutes each; nothing in the lunch hour.
    assert starts[0] == "09:00" and starts[-1] == "17:45"
    assert "13:00" not in starts and "13:45" not in starts and "14:00" in starts
    # Half of each cabinet's hour: cab1 takes bookings in the first half, cab4 in the
    # second, so one cabinet is always the walk-ins' and every slot has one seat.
    assert {free for _, _, free in day} == {1}
    assert len(day) == 8 * 4
    # A service of cab1 only: the first half of each hour.
    cert = [start for start, _, _ in _slots(st, "certificate", WEDNESDAY)]
    assert cert[:3] == ["09:00", "09:15", "10:00"]


def test_no_slots_on_a_closed_or_past_day_or_today_before_now(st: State) -> None:
    assert _slots(st, "registration", TUESDAY - timedelta(days=1)) == []  # Monday: closed
    assert _slots(st, "registration", TUESDAY - timedelta(days=7)) == []  # past
    assert _slots(st, "registration", TUESDAY + timedelta(days=60)) == []  # too far ahead
    today = [start for start, _, _ in _slots(st, "registration", TUESDAY)]
    assert today[0] == "10:15"  # 10:00 has begun


def test_a_booking_takes_its_seat_and_a_full_slot_is_refused(st: State) -> None:
    made = make_booking(st, "registration", WEDNESDAY, "09:00", iin_number(1))
    assert made.booking.code[4] == "-" and len(made.booking.code) == 9
    assert ("09:00", "09:15", 0) in _slots(st, "registration", WEDNESDAY)
    with pytest.raises(Full):
        make_booking(st, "registration", WEDNESDAY, "09:00", iin_number(2))
    # The same cabinet's time is taken for another service of it, too.
    assert "09:00" not in [s for s, _, f in _slots(st, "certificate", WEDNESDAY) if f]


def test_the_iin_is_kept_as_a_keyed_hash_and_shown_masked(st: State, engine: Engine) -> None:
    number = iin_number(3)
    made = make_booking(st, "registration", WEDNESDAY, "09:15", number)
    with db.reading(engine) as session:
        row = session.get(Booking, made.booking.id)
        assert row is not None
        assert number not in str(row.model_dump())
        assert row.iin_hash != hashlib.sha256(number.encode()).hexdigest()  # keyed
        assert row.iin_last4 == number[-4:]


@pytest.mark.parametrize("raw", ["12345", "900315300011", "", "９００３１５３０００１"])
def test_a_bad_iin_is_refused_as_the_card_refuses_it(st: State, raw: str) -> None:
    with pytest.raises(NotAllowed):
        make_booking(st, "registration", WEDNESDAY, "09:00", raw)


def test_one_open_booking_per_iin_per_service_and_n_in_rolling_days(st: State) -> None:
    number = iin_number(4)
    make_booking(st, "registration", WEDNESDAY, "09:00", number)
    with pytest.raises(Limit):
        make_booking(st, "registration", WEDNESDAY, "10:00", number)
    make_booking(st, "vacancies", WEDNESDAY, "10:00", number)
    make_booking(st, "certificate", WEDNESDAY, "11:00", number)
    with pytest.raises(Limit) as refused:  # three in 30 days: the profile's limit
        make_booking(st, "training", WEDNESDAY, "11:30", number)
    assert "3" in str(refused.value)


def test_no_booking_for_a_closed_day_or_a_time_that_is_not_a_slot(st: State) -> None:
    with pytest.raises(NotAllowed):
        make_booking(st, "registration", TUESDAY - timedelta(days=1), "09:00", iin_number(5))
    with pytest.raises(NotAllowed):
        make_booking(st, "registration", WEDNESDAY, "13:15", iin_number(5))  # lunch
    with pytest.raises(NotAllowed):
        make_booking(st, "registration", TUESDAY, "09:00", iin_number(5))  # past


def test_a_cancelled_slot_is_released_after_the_delay(st: State, now: ManualClock) -> None:
    made = make_booking(st, "registration", WEDNESDAY, "09:30", iin_number(6))
    with db.transaction(st.engine) as session:
        row = book.owned(session, st.office_id, made.booking.code, made.token)
        book.cancel(session, st.clock, st.booking_rules, row)
    assert ("09:30", "09:45", 0) in _slots(st, "registration", WEDNESDAY)  # not yet
    now.advance(minutes=10)
    assert ("09:30", "09:45", 1) in _slots(st, "registration", WEDNESDAY)
    make_booking(st, "registration", WEDNESDAY, "09:30", iin_number(7))  # taken over


def test_a_wrong_manage_token_finds_nothing(st: State) -> None:
    made = make_booking(st, "registration", WEDNESDAY, "09:45", iin_number(8))
    with db.reading(st.engine) as session, pytest.raises(QueueError):
        book.owned(session, st.office_id, made.booking.code, "x" * 32)


def test_check_in_window_ticket_and_no_show(st: State, now: ManualClock) -> None:
    made = make_booking(st, "registration", TUESDAY, "11:00", iin_number(9))
    late = make_booking(st, "registration", TUESDAY, "11:30", iin_number(10))
    reg = service(st, "registration")
    with db.transaction(st.engine) as session, pytest.raises(OutsideWindow) as early:
        row = session.get(Booking, made.booking.id)
        assert row is not None
        checkin.check_in(session, st.clock, st.booking_rules, row, reg)
    assert early.value.params["time"] == "10:30"
    now.advance(minutes=40)  # 10:40
    with db.transaction(st.engine) as session:
        row = session.get(Booking, made.booking.id)
        assert row is not None
        ticket = checkin.check_in(session, st.clock, st.booking_rules, row, reg)
        assert ticket.booked_for == at(st, TUESDAY, "11:00")
        assert row.status == BookingStatus.checked_in and row.ticket_id == ticket.id
    now.advance(minutes=70)  # 11:50: 11:30's grace ended at 11:45
    with db.transaction(st.engine) as session, pytest.raises(OutsideWindow):
        row = session.get(Booking, late.booking.id)
        assert row is not None
        checkin.check_in(session, st.clock, st.booking_rules, row, reg)
    with db.transaction(st.engine) as session:
        checkin.settle_no_shows(session, st.booking_rules, st.office_id, st.clock.now())
    with db.reading(st.engine) as session:
        row = session.get(Booking, late.booking.id)
        assert row is not None and row.status == BookingStatus.no_show


def test_a_booking_due_is_called_before_earlier_walk_ins(st: State, now: ManualClock) -> None:
    made = make_booking(st, "certificate", TUESDAY, "11:00", iin_number(11))
    cert = service(st, "certificate")
    now.advance(minutes=45)  # 10:45
    with db.transaction(st.engine) as session:
        walk_in = tickets.issue(session, st.clock, cert)
        row = session.get(Booking, made.booking.id)
        assert row is not None
        booked = checkin.check_in(session, st.clock, st.booking_rules, row, cert)
    now.advance(minutes=20)  # 11:05: the slot has come
    with db.transaction(st.engine) as session:
        called = tickets.call_next(session, st.clock, st.points["cab1"], None)
        assert called is not None and called.id == booked.id
        # Appendix 1.2: from the slot (11:00), not the check-in (10:50).
        assert called.wait_seconds == 5 * 60
        tickets.finish(session, st.clock, called, None)
        assert tickets.call_next(session, st.clock, st.points["cab1"], None).id == walk_in.id  # type: ignore[union-attr]


def test_booked_before_its_slot_waits_in_arrival_order(st: State, now: ManualClock) -> None:
    made = make_booking(st, "certificate", TUESDAY, "11:00", iin_number(12))
    cert = service(st, "certificate")
    now.advance(minutes=35)  # 10:35: checked in early
    with db.transaction(st.engine) as session:
        row = session.get(Booking, made.booking.id)
        assert row is not None
        booked = checkin.check_in(session, st.clock, st.booking_rules, row, cert)
        walk_in = tickets.issue(session, st.clock, cert)
    with db.transaction(st.engine) as session:  # 10:35: a walk-in's turn, booked has no slot yet
        called = tickets.call_next(session, st.clock, st.points["cab1"], None)
        assert called is not None and called.id == booked.id  # it came first
        assert called.wait_seconds == 0
    del walk_in


def test_a_refused_booking_leaves_nothing(st: State, engine: Engine) -> None:
    make_booking(st, "registration", WEDNESDAY, "10:00", iin_number(13))
    with pytest.raises(Full):
        make_booking(st, "registration", WEDNESDAY, "10:00", iin_number(14))
    with db.reading(engine) as session:
        assert len(session.exec(select(Booking)).all()) == 1
