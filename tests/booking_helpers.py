"""What the booking tests share: valid IINs, the app's office state, a booking made through
the domain function the pages and the API call."""

from __future__ import annotations

from datetime import date, datetime, time

from altcha import v1
from sqlmodel import select
from starlette.testclient import TestClient

from kezek import db
from kezek.bookings import book
from kezek.intake import iin as iins
from kezek.queue.models import Service
from kezek.web import State


def iin_number(serial: int, born: str = "900315") -> str:
    """A valid IIN (its check digit computed the official way), one per ``serial``."""
    while True:
        stem = f"{born}3{serial:04d}"
        digit = iins.check_digit(stem)
        if digit is not None:
            return stem + str(digit)
        serial += 5000


def at(st: State, day: date, hh_mm: str) -> datetime:
    hour, minute = (int(part) for part in hh_mm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=st.clock.schedule.zone)


def service(st: State, code: str) -> Service:
    with db.reading(st.engine) as session:
        return session.exec(
            select(Service).where(Service.office_id == st.office_id, Service.code == code)
        ).one()


def make_booking(
    st: State, code: str, day: date, hh_mm: str, iin: str, lang: str = "kk"
) -> book.Booked:
    with db.transaction(st.engine) as session:
        return book.book(
            session,
            st.clock,
            st.booking_rules,
            st.booking_key,
            service(st, code),
            day,
            at(st, day, hh_mm),
            iin,
            lang=lang,
        )


def solved_challenge(client: TestClient) -> str:
    """Fetch a challenge and solve it as the phone page's script does (the ``altcha``
    library's own solver here)."""
    given = client.get("/api/bookings/challenge").json()
    solution = v1.solve_challenge(
        given["challenge"], given["salt"], given["algorithm"], given["maxNumber"]
    )
    assert solution is not None
    return v1.Payload(
        given["algorithm"], given["challenge"], solution.number, given["salt"], given["signature"]
    ).to_base64()
