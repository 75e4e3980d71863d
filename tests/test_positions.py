"""The place a waiting ticket is shown is the place the next calls take (issue 17), and the
count that gives a fresh walk-in its place (issue 20: no rank of the whole queue for every
ticket issued) agrees with that rank. A queue with every kind of row — priority, running
late, a transfer, checked-in bookings before and after their slot, tickets fresh, at risk,
late and overdue — is built through the queue's own functions; at each moment every
waiting ticket's place is compared with its rank in the call order, under both rules, and
then the calls are made and must take the tickets in the places shown."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from kezek import db
from kezek.bookings import checkin
from kezek.bookings.models import Booking
from kezek.queue import late, reads, tickets
from kezek.queue.clock import ManualClock
from kezek.queue.models import Status, Ticket
from kezek.queue.order import CallOrder
from kezek.web import State
from tests.booking_helpers import iin_number, make_booking, service

TUESDAY = date(2026, 11, 24)  # the clock stands at 10:00 on it
PROTECT = CallOrder(rule="protect_target")
PLAIN = CallOrder(rule="priority_then_oldest")


@pytest.fixture
def st(client: TestClient) -> State:
    found: State = client.app.state.kezek  # type: ignore[attr-defined]
    return found


def _waiting(session: Session, code: str, st: State) -> list[Ticket]:
    query = select(Ticket).where(
        Ticket.status == Status.waiting, Ticket.service_id == service(st, code).id
    )
    return list(session.exec(query.order_by(col(Ticket.id))).all())


def _places_agree(st: State, code: str) -> dict[int, int]:
    """Every waiting ticket's place (as shown) equals its rank, under both rules; the
    places under the shipped rule, by ticket id."""
    shown = {}
    with db.reading(st.engine) as session:
        for order in (PLAIN, PROTECT):
            for ticket in _waiting(session, code, st):
                place = reads.position(session, ticket, order, st.clock.now())
                assert place == reads.rank(session, ticket, order, st.clock.now()), ticket.code
                if order is PROTECT:
                    shown[ticket.id] = place
    assert sorted(shown.values()) == list(range(1, len(shown) + 1))
    return shown


def _check_in(st: State, booking_id: int | None) -> Ticket:
    with db.transaction(st.engine) as session:
        row = session.get(Booking, booking_id)
        assert row is not None
        return checkin.check_in(
            session, st.clock, st.booking_rules, row, service(st, "certificate")
        )


def test_every_place_shown_is_the_rank_in_the_call_order(st: State, now: ManualClock) -> None:
    cert = service(st, "certificate")
    issued: list[Ticket] = []
    booked = [  # made at 10:00, checked in as they come
        make_booking(st, "certificate", TUESDAY, at, iin_number(n)).booking.id
        for n, at in ((21, "10:15"), (22, "11:15"))
    ]

    def issue(priority: bool = False) -> None:
        with db.transaction(st.engine) as session:
            issued.append(tickets.issue(session, st.clock, cert, priority=priority))

    for minute in range(8):  # 10:00–10:35: a ticket every 5 minutes, every third priority
        issue(priority=minute % 3 == 2)
        if minute == 1:  # the first visitor is running late: behind the second
            with db.transaction(st.engine) as session:
                ticket = session.get_one(Ticket, issued[0].id)
                late.run_late(session, st.clock, ticket, PROTECT, 1)
        now.advance(minutes=5)
        if minute == 1:
            _check_in(st, booked[0])  # at 10:10, its slot (10:15) soon due
    with db.transaction(st.engine) as session:  # a visit seen at another service comes on
        reg = tickets.issue(session, st.clock, service(st, "registration"))
        point = st.points["cab4"]
        called = tickets.call_next(session, st.clock, point, None, PROTECT)
        assert called is not None and called.id == reg.id
        tickets.transfer(session, st.clock, called, cert, None)
    for minute in range(4):  # 10:40–10:55: more walk-ins
        issue(priority=minute == 1)
        now.advance(minutes=5)
    _check_in(st, booked[1])  # at 11:00, a quarter of an hour before its slot
    issue(priority=True)  # fresh, while older ordinary tickets come near their target

    for _ in range(6):  # 11:00–12:05: the first ones at risk, then late, then overdue
        _places_agree(st, "certificate")
        now.advance(minutes=13)
    shown = _places_agree(st, "certificate")
    # The calls take them in the places shown (cab1 serves certificates with two other
    # services, whose queues are empty).
    called_ids = []
    with db.transaction(st.engine) as session:
        for _ in shown:
            ticket = tickets.call_next(session, st.clock, st.points["cab1"], None, PROTECT)
            assert ticket is not None
            called_ids.append(ticket.id)
            tickets.finish(session, st.clock, ticket, None)
    assert called_ids == sorted(shown, key=shown.__getitem__)


def test_the_kiosk_shows_and_keeps_the_place_the_calls_take(
    client: TestClient, st: State, now: ManualClock, office_id: int
) -> None:
    """A priority visitor at the kiosk behind a checked-in booking that is due: the talon's
    place is the one the next call takes (2, the booking first), as the phone page says,
    and the quote kept for the accuracy report is the one the kiosk showed."""
    from kezek.queue.quotes import EstimateQuote
    from tests.conftest import enrol_device
    from tests.test_kiosk_pages import soup, take, text

    booking = make_booking(st, "certificate", TUESDAY, "10:15", iin_number(31)).booking
    now.advance(minutes=15)
    _check_in(st, booking.id)
    enrol_device(st.engine, office_id, "kiosk", client)
    page = soup(take(client, "certificate", lang="en", priority="1"))
    shown = text(page, "dl")
    with db.reading(st.engine) as session:
        ticket = _waiting(session, "certificate", st)[-1]
        assert ticket.priority and ticket.booked_for is None
        kept = session.exec(select(EstimateQuote).where(EstimateQuote.ticket_id == ticket.id)).all()
        place = reads.position(session, ticket, PROTECT, st.clock.now())
    phone = client.get(f"/api/tickets/by-token/{ticket.public_token}").json()
    assert place == phone["position"] == 2
    assert "Your place in the queue 2" in shown, shown
    assert {row.method: row.high_min for row in kept}["v2"] == phone["estimate_high_min"]


def test_a_booking_due_before_a_walk_ins_turn_lengthens_its_quoted_range(
    st: State, now: ManualClock
) -> None:
    """A checked-in booking placed after a walk-in but due before its wait ends is called
    first (§10), so the walk-in's range grows (issue 19; counted in the same pass as the
    tickets ahead since issue 20)."""
    from kezek.queue import estimate_inputs

    cert = service(st, "certificate")
    with db.transaction(st.engine) as session:
        for _ in range(4):
            tickets.issue(session, st.clock, cert)
        walk_in = tickets.issue(session, st.clock, cert)

    def quoted() -> tuple[int, int]:
        with db.reading(st.engine) as session:
            ticket = session.get_one(Ticket, walk_in.id)
            found = estimate_inputs.for_ticket(session, st.clock, ticket, PROTECT)
        assert found is not None
        return found.point_min, found.high_min

    alone = quoted()
    soon = make_booking(st, "certificate", TUESDAY, "10:15", iin_number(42)).booking
    now.advance(minutes=5)
    _check_in(st, soon.id)
    with_soon = quoted()
    assert with_soon[0] > alone[0] and with_soon[1] > alone[1]
