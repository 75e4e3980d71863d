"""The booking API (issue 18): slots, a booking behind the proof of work and the limit per
address, cancelling with the manage token, check-in from an enrolled kiosk; refusals in the
request's language."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek.kiosk.limits import RateLimiter
from tests.booking_helpers import iin_number, solved_challenge
from tests.conftest import enrol_device

WEDNESDAY = "2026-11-25"
TUESDAY = "2026-11-24"  # the clock: 10:00


def _book(client: TestClient, **fields: Any) -> Any:
    body = {"service": "registration", "date": WEDNESDAY, "start": "09:00", "iin": iin_number(1)}
    body |= {"challenge": solved_challenge(client)} | fields
    return client.post("/api/bookings", json=body)


def test_slots_of_a_day_and_a_closed_day(client: TestClient) -> None:
    slots = client.get(f"/api/slots?service=registration&date={WEDNESDAY}").json()
    assert slots[0] == {"start": "09:00", "end": "09:15", "free": 1}
    assert client.get("/api/slots?service=registration&date=2026-11-23").json() == []  # Monday
    bad = client.get(
        "/api/slots?service=registration&date=25.11.2026", headers={"accept-language": "ru"}
    )
    assert bad.status_code == 422 and "ГГГГ" in bad.json()["message"]


def test_book_then_the_slot_is_full_and_cancel_needs_the_token(client: TestClient) -> None:
    made = _book(client)
    assert made.status_code == 201, made.text
    answer = made.json()
    assert answer["start"] == "09:00" and answer["date"] == WEDNESDAY
    assert iin_number(1) not in made.text
    code, token = answer["code"], answer["manage_url"].split("?t=")[1]
    assert {"start": "09:00", "end": "09:15", "free": 0} in client.get(
        f"/api/slots?service=registration&date={WEDNESDAY}"
    ).json()
    full = _book(client, iin=iin_number(2), lang="en")
    assert full.status_code == 409 and full.json()["message"] == (
        "This slot is already taken. Choose another one."
    )
    no_token = client.post(
        f"/api/bookings/{code}/cancel", json={}, headers={"accept-language": "kk"}
    )
    assert no_token.status_code == 403
    assert no_token.json()["message"] != "This booking's link is needed."  # in Kazakh
    done = client.post(f"/api/bookings/{code}/cancel", json={"token": token})
    assert done.status_code == 200 and done.json() == {"code": code, "status": "cancelled"}


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"iin": "123"}, "invalid"),
        ({"date": "2026-11-23"}, "invalid"),  # closed
        ({"date": "2026-11-17"}, "invalid"),  # past
        ({"challenge": ""}, "invalid"),
        ({"start": "13:15"}, "invalid"),
    ],
)
def test_refusals_are_422(client: TestClient, fields: dict[str, str], kind: str) -> None:
    answer = _book(client, **fields)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == kind


def test_a_solution_is_good_once(client: TestClient) -> None:
    proof = solved_challenge(client)
    assert _book(client, challenge=proof).status_code == 201
    again = _book(client, challenge=proof, iin=iin_number(2), start="09:30")
    assert again.status_code == 422


@pytest.mark.parametrize("seams", [{"limiter": RateLimiter(per_minute=5)}], indirect=True)
def test_attempts_per_address_are_limited(client: TestClient) -> None:
    client.app.state.kezek.booking_limiter = RateLimiter(per_minute=2)  # type: ignore[attr-defined]
    assert _book(client, iin=iin_number(1), start="09:00").status_code == 201
    assert _book(client, iin=iin_number(2), start="09:00").status_code == 409  # full: counted
    third = _book(client, iin=iin_number(3), start="09:30", lang="ru")
    assert third.status_code == 429 and int(third.headers["retry-after"]) > 0
    assert "попыток" in third.json()["message"]


def test_check_in_from_a_kiosk_only_and_its_window(
    client: TestClient, engine: Engine, office_id: int, now: Any
) -> None:
    made = _book(client, date=TUESDAY, start="11:00").json()
    assert client.post(f"/api/bookings/{made['code']}/check-in").status_code == 403
    enrol_device(engine, office_id, "kiosk", client)
    early = client.post(f"/api/bookings/{made['code']}/check-in", headers={"accept-language": "en"})
    assert early.status_code == 409
    assert early.json()["message"] == "Too early for this booking: check in from 10:30."
    assert early.json()["opens"].startswith("2026-11-24T05:30")
    now.advance(minutes=35)
    ticket = client.post(f"/api/bookings/{made['code']}/check-in")
    assert ticket.status_code == 201 and ticket.json()["code"].startswith("А-")
    assert client.post("/api/bookings/0000-0000/check-in").status_code == 404
