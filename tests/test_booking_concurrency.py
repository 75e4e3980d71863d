"""16 booking clients at once on real threads (issue 18): no slot is ever booked beyond its
capacity, and one IIN never gets a second open booking of a service. Run on SQLite and,
with KEZEK_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from kezek import db
from kezek.bookings.models import Booking, BookingSeat
from kezek.bookings.rules import Full, Limit
from kezek.web import State
from tests.booking_helpers import iin_number, make_booking

CLIENTS = 16
WEDNESDAY = date(2026, 11, 25)
STARTS = ["09:00", "09:15", "09:30", "09:45", "10:00", "10:15"]  # one seat each (the share)


@pytest.fixture
def st(client: TestClient) -> State:
    found: State = client.app.state.kezek  # type: ignore[attr-defined]
    return found


def _together(work: list[threading.Thread]) -> None:
    for thread in work:
        thread.start()
    for thread in work:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in work)


def test_16_clients_never_book_beyond_capacity(st: State) -> None:
    won: list[str] = []
    refused: Counter[str] = Counter()
    errors: list[BaseException] = []
    gate = threading.Barrier(CLIENTS)
    lock = threading.Lock()

    def client(index: int) -> None:
        gate.wait()
        for start in STARTS:  # each tries every slot until one is its own
            try:
                make_booking(st, "registration", WEDNESDAY, start, iin_number(100 + index))
            except Full:
                with lock:
                    refused[start] += 1
                continue
            except BaseException as exc:
                errors.append(exc)
                return
            with lock:
                won.append(start)
            return

    _together([threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)])
    assert errors == []
    assert sorted(won) == sorted(STARTS)  # each seat once; the other ten clients refused
    with db.reading(st.engine) as session:
        bookings = session.exec(select(Booking)).all()
        seats = session.exec(select(BookingSeat)).all()
    assert len(bookings) == len(STARTS)
    assert len({(s.point_id, s.at) for s in seats}) == len(seats) == len(STARTS) * 3


def test_16_clients_with_one_iin_get_one_open_booking(st: State) -> None:
    outcomes: list[str] = []
    gate = threading.Barrier(CLIENTS)

    def client(index: int) -> None:
        gate.wait()
        try:
            make_booking(st, "registration", WEDNESDAY, STARTS[index % len(STARTS)], iin_number(7))
            outcomes.append("booked")
        except (Full, Limit) as exc:
            outcomes.append(type(exc).__name__)
        except BaseException as exc:
            outcomes.append(repr(exc))

    _together([threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)])
    assert outcomes.count("booked") == 1, outcomes
    assert set(outcomes) <= {"booked", "Full", "Limit"}, outcomes
