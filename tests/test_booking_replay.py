"""A scripted day with bookings and walk-ins (issue 18), through ``kezek replay``: booked
visitors checked in on time are called at their slot before walk-ins who came earlier; a
no-show's time goes back to the walk-ins; the limits hold; 1.2's wait runs from the slot."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from kezek import db
from kezek.bookings.models import Booking, BookingStatus
from kezek.queue.models import Ticket
from kezek.replay import ReplayError
from tests.booking_helpers import iin_number
from tests.test_replay import office, run  # noqa: F401  (the fixture)

DAY = "2026-05-13"  # a Wednesday


def _at(hh_mm: str) -> str:
    return f"{DAY}T{hh_mm}"


def _book(label: str, start: str, serial: int, at: str = "2026-05-12T10:00") -> dict[str, Any]:
    return {
        "at": at,
        "do": "book",
        "as": label,
        "service": "certificate",
        "date": DAY,
        "start": start,
        "iin": iin_number(serial),
    }


def test_a_day_of_bookings_and_walk_ins(office: tuple[Engine, Any, int]) -> None:  # noqa: F811
    engine = office[0]
    run(
        office,
        [
            _book("b1", "10:00", 1),
            _book("b2", "11:00", 2),  # never comes: a no-show
            {"at": _at("09:40"), "do": "issue", "as": "w1", "service": "certificate"},
            {"at": _at("09:45"), "do": "issue", "as": "w2", "service": "certificate"},
            {"at": _at("09:50"), "do": "check_in", "booking": "b1", "as": "t1"},
            # 10:02: the booking's slot has come: it is called before the earlier walk-ins.
            {"at": _at("10:02"), "do": "call", "point": "cab1", "expect": "t1"},
            {"at": _at("10:10"), "do": "finish", "ticket": "t1"},
            {"at": _at("10:11"), "do": "call", "point": "cab1", "expect": "w1"},
            {"at": _at("10:30"), "do": "finish", "ticket": "w1"},
            # 11:00: b2 did not come; at 11:05 the walk-in is called, nobody is held back.
            {"at": _at("10:58"), "do": "issue", "as": "w3", "service": "certificate"},
            {"at": _at("11:05"), "do": "call", "point": "cab1", "expect": "w2"},
            {"at": _at("11:20"), "do": "finish", "ticket": "w2"},
            {"at": _at("11:21"), "do": "call", "point": "cab1", "expect": "w3"},
        ],
    )
    with db.reading(engine) as session:
        t1 = session.exec(select(Ticket).where(Ticket.booked_for.is_not(None))).one()  # type: ignore[union-attr]
        assert t1.wait_seconds == 2 * 60  # from the slot (10:00), not the check-in (09:50)
    # The no-show is counted once its grace period has ended (the closer or any check-in).
    from kezek.bookings import checkin
    from kezek.bookings.rules import rules_of

    with db.transaction(engine) as session:
        checkin.settle_no_shows(session, rules_of(office[1]), office[2], _utc(office, "11:30"))
    with db.reading(engine) as session:
        statuses = sorted(b.status for b in session.exec(select(Booking)))
    assert statuses == [BookingStatus.checked_in, BookingStatus.no_show]


def _utc(where: tuple[Engine, Any, int], hh_mm: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(_at(hh_mm)).replace(tzinfo=where[1].zone)


def test_the_limits_hold_in_a_replay(office: tuple[Engine, Any, int]) -> None:  # noqa: F811
    run(office, [_book("a", "10:00", 5)])
    with pytest.raises(ReplayError, match="open booking"):
        run(office, [_book("b", "11:00", 5, at="2026-05-12T10:01")])
    with pytest.raises(ReplayError, match="taken"):
        run(office, [_book("c", "10:00", 6, at="2026-05-12T10:02")])
    cancel_then_rebook = [
        _book("e", "10:15", 8, at="2026-05-12T10:03"),
        {"at": "2026-05-12T10:04", "do": "cancel_booking", "booking": "e"},
        _book("f", "10:15", 9, at="2026-05-12T10:05"),  # not released yet
    ]
    with pytest.raises(ReplayError, match="line 3: .*taken"):
        run(office, cancel_then_rebook)
    run(office, [_book("g", "10:15", 9, at="2026-05-12T10:14")])  # released at 10:14
