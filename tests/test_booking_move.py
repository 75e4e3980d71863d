"""Moving a booking (issue 18): one domain function takes the new seat and releases the old
one in one transaction, under the same rules; a refused move leaves the booking intact."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from starlette.testclient import TestClient

from kezek import db
from kezek.bookings import book, move, slots
from kezek.bookings.models import Booking, BookingStatus
from kezek.bookings.rules import Full, Limit, NotAllowed
from kezek.queue.clock import ManualClock
from kezek.web import State
from tests.booking_helpers import at, iin_number, make_booking, service

TUESDAY = date(2026, 11, 24)  # the clock stands at 10:00 on it
WEDNESDAY = TUESDAY + timedelta(days=1)


@pytest.fixture
def st(client: TestClient) -> State:
    found: State = client.app.state.kezek  # type: ignore[attr-defined]
    return found


def _free(st: State, day: date) -> dict[str, int]:
    with db.reading(st.engine) as session:
        found = slots.day_slots(
            session, st.clock, st.booking_rules, service(st, "registration"), day, st.clock.now()
        )
    return {f"{st.clock.local(s.start):%H:%M}": s.free for s in found}


def _move(st: State, code: str, token: str, day: date, hh_mm: str) -> Booking:
    with db.transaction(st.engine) as session:
        row = book.owned(session, st.office_id, code, token)
        return move.move(
            session,
            st.clock,
            st.booking_rules,
            row,
            service(st, "registration"),
            day,
            at(st, day, hh_mm),
        )


def _row(st: State, code: str) -> Booking:
    with db.reading(st.engine) as session:
        found = book.by_code(session, st.office_id, code)
        assert found is not None
        return found


def test_a_move_takes_the_new_slot_and_releases_the_old_after_the_delay(
    st: State, now: ManualClock
) -> None:
    made = make_booking(st, "registration", WEDNESDAY, "09:00", iin_number(1))
    moved = _move(st, made.booking.code, made.token, WEDNESDAY + timedelta(days=1), "10:00")
    assert moved.code == made.booking.code and moved.status == BookingStatus.booked
    assert st.clock.local(_row(st, moved.code).start).strftime("%H:%M") == "10:00"
    assert _free(st, WEDNESDAY + timedelta(days=1))["10:00"] == 0
    assert _free(st, WEDNESDAY)["09:00"] == 0  # held for the release delay: not traded
    now.advance(minutes=10)
    assert _free(st, WEDNESDAY)["09:00"] == 1
    make_booking(st, "registration", WEDNESDAY, "09:00", iin_number(2))  # taken over


def test_a_move_to_a_full_slot_is_refused_and_the_booking_stays(st: State) -> None:
    made = make_booking(st, "registration", WEDNESDAY, "09:00", iin_number(3))
    make_booking(st, "registration", WEDNESDAY, "09:15", iin_number(4))
    with pytest.raises(Full):
        _move(st, made.booking.code, made.token, WEDNESDAY, "09:15")
    row = _row(st, made.booking.code)
    assert st.clock.local(row.start).strftime("%H:%M") == "09:00"
    assert row.status == BookingStatus.booked
    assert _free(st, WEDNESDAY)["09:00"] == 0  # its seat is still its own
    with pytest.raises(Full):  # and nobody else can take it
        make_booking(st, "registration", WEDNESDAY, "09:00", iin_number(5))


def test_a_move_obeys_the_days_and_slots_and_only_an_open_booking(st: State) -> None:
    made = make_booking(st, "registration", WEDNESDAY, "09:30", iin_number(6))
    code, token = made.booking.code, made.token
    with pytest.raises(NotAllowed):  # Monday: closed
        _move(st, code, token, TUESDAY - timedelta(days=1), "09:00")
    with pytest.raises(NotAllowed):  # past
        _move(st, code, token, TUESDAY, "09:00")
    with pytest.raises(NotAllowed):  # lunch: no slot
        _move(st, code, token, WEDNESDAY, "13:15")
    with pytest.raises(NotAllowed):  # the same time
        _move(st, code, token, WEDNESDAY, "09:30")
    with db.transaction(st.engine) as session:
        book.cancel(
            session, st.clock, st.booking_rules, book.owned(session, st.office_id, code, token)
        )
    with pytest.raises(Limit):
        _move(st, code, token, WEDNESDAY, "10:00")


def test_moving_again_and_again_never_holds_the_slots_it_left(st: State, now: ManualClock) -> None:
    """One manage link moving every few minutes must not keep every slot it has touched."""
    made = make_booking(st, "registration", WEDNESDAY, "09:00", iin_number(6))
    code, token = made.booking.code, made.token
    _move(st, code, token, WEDNESDAY, "10:00")
    for hh_mm in ("10:30", "11:00", "11:30"):
        now.advance(minutes=4)
        _move(st, code, token, WEDNESDAY, hh_mm)
    # 09:00 was left 12 minutes ago, 10:00 8 minutes ago: the delay counts from leaving them.
    free = _free(st, WEDNESDAY)
    assert (free["09:00"], free["10:00"], free["11:30"]) == (1, 0, 0)
    now.advance(minutes=2)
    free = _free(st, WEDNESDAY)
    assert (free["09:00"], free["10:00"], free["10:30"]) == (1, 1, 0)
    make_booking(st, "registration", WEDNESDAY, "10:00", iin_number(7))


def test_a_booking_may_move_back_to_the_slot_it_just_left(st: State) -> None:
    made = make_booking(st, "registration", WEDNESDAY, "09:00", iin_number(8))
    _move(st, made.booking.code, made.token, WEDNESDAY, "10:00")
    _move(st, made.booking.code, made.token, WEDNESDAY, "09:00")  # its own released seat
    assert st.clock.local(_row(st, made.booking.code).start).strftime("%H:%M") == "09:00"
    assert _free(st, WEDNESDAY)["10:00"] == 0  # the delay holds there now
