"""The manage page of a booking (issue 18): by its link only (403 otherwise, nothing told),
its status, cancel with a confirmation, move to another free slot; and the move in the API."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from kezek import i18n
from kezek.bookings import book
from kezek.web import State
from tests.booking_helpers import iin_number, make_booking

WEDNESDAY = date(2026, 11, 25)  # the clock: Tuesday 2026-11-24, 10:00
THURSDAY = date(2026, 11, 26)


@pytest.fixture
def st(client: TestClient) -> State:
    found: State = client.app.state.kezek  # type: ignore[attr-defined]
    return found


def _soup(answer: Any) -> BeautifulSoup:
    return BeautifulSoup(answer.text, "html.parser")


def _link(made: book.Booked, lang: str = "en") -> str:
    return f"/book/manage/{made.booking.code}?t={made.token}&lang={lang}"


def _click(client: TestClient, page: BeautifulSoup, text: str) -> BeautifulSoup:
    link = next(a for a in page.select("main a") if text in a.get_text(" ", strip=True))
    answer = client.get(str(link["href"]))
    assert answer.status_code == 200, answer.text
    return _soup(answer)


def _submit(client: TestClient, form: Any, button: Any = None) -> Any:
    data = {str(i["name"]): str(i.get("value", "")) for i in form.select("input")}
    if button is not None:
        data[str(button["name"])] = str(button["value"])
    return client.post(str(form["action"]), data=data)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_manage_page_shows_the_booking_masked(client: TestClient, st: State, lang: str) -> None:
    number = iin_number(1)
    made = make_booking(st, "registration", WEDNESDAY, "09:00", number, lang=lang)
    answer = client.get(_link(made, lang))
    assert answer.status_code == 200 and number not in answer.text
    page = _soup(answer)
    status = page.select_one(".booking-status")
    assert status is not None
    assert status.get_text() == {"kk": "Жазылған", "ru": "Записан", "en": "Booked"}[lang]
    assert "••••••••" + number[-4:] in page.get_text()
    assert {"kk": "25 қараша", "ru": "25 ноября", "en": "November 25"}[lang] in page.get_text()


@pytest.mark.parametrize("token", ["", "x" * 32, "short"])
def test_a_wrong_or_missing_token_is_403_and_tells_nothing(
    client: TestClient, st: State, token: str
) -> None:
    made = make_booking(st, "registration", WEDNESDAY, "09:15", iin_number(2))
    for path in ("", "/cancel", "/move"):
        answer = client.get(f"/book/manage/{made.booking.code}{path}?t={token}&lang=ru")
        assert answer.status_code == 403
        assert "Эта ссылка недействительна" in answer.text
        assert "09:15" not in answer.text and made.booking.code not in _soup(answer).get_text()
    posted = client.post(f"/book/manage/{made.booking.code}/cancel", data={"t": token})
    assert posted.status_code == 403


def test_cancel_asks_first_then_the_booking_is_cancelled(client: TestClient, st: State) -> None:
    made = make_booking(st, "registration", WEDNESDAY, "09:30", iin_number(3))
    asked = _click(client, _soup(client.get(_link(made))), "Cancel the booking")
    assert asked.h1 is not None and asked.h1.get_text() == "Cancel the booking?"
    done = _submit(client, asked.select_one("main form"))
    assert done.status_code == 200 and done.url.path.startswith("/book/manage/")
    page = _soup(done)
    assert "The booking is cancelled." in page.get_text()
    status = page.select_one(".booking-status")
    assert status is not None and status.get_text() == "Cancelled"
    assert page.select_one("a[href*='/cancel']") is None  # nothing more to cancel


def test_move_by_choosing_a_day_and_a_slot(client: TestClient, st: State) -> None:
    made = make_booking(st, "registration", WEDNESDAY, "09:45", iin_number(4))
    moving = _click(client, _soup(client.get(_link(made))), "Move to another time")
    day = _click(client, moving, "November 26")
    form = day.select_one("main form")
    assert form is not None
    button = next(b for b in form.select("button") if b.get_text().startswith("10:00"))
    moved = _submit(client, form, button)
    assert moved.status_code == 200
    page = _soup(moved)
    assert "The booking is moved." in page.get_text()
    assert "November 26" in page.get_text() and "10:00" in page.get_text()


def test_a_move_to_a_full_slot_says_so_and_keeps_the_booking(client: TestClient, st: State) -> None:
    made = make_booking(st, "registration", WEDNESDAY, "10:00", iin_number(5))
    make_booking(st, "registration", THURSDAY, "09:00", iin_number(6))
    answer = client.post(
        f"/book/manage/{made.booking.code}/move",
        data={"t": made.token, "date": THURSDAY.isoformat(), "start": "09:00", "lang": "ru"},
    )
    assert answer.status_code == 409
    assert i18n.gettext("ru", book.FULL) in _soup(answer).get_text()
    assert "25 ноября" in _soup(answer).get_text()  # still Wednesday


def _api_move(client: TestClient, made: book.Booked, **fields: str) -> Any:
    body = {"token": made.token, "date": THURSDAY.isoformat(), "start": "11:00"} | fields
    return client.post(f"/api/bookings/{made.booking.code}/move", json=body)


def test_the_api_moves_a_booking_with_its_token(client: TestClient, st: State) -> None:
    made = make_booking(st, "registration", WEDNESDAY, "11:00", iin_number(7))
    make_booking(st, "registration", THURSDAY, "09:15", iin_number(8))
    moved = _api_move(client, made)
    assert moved.status_code == 200, moved.text
    assert moved.json() == {
        "code": made.booking.code,
        "service": "registration",
        "date": "2026-11-26",
        "start": "11:00",
        "manage_url": f"http://testserver/book/manage/{made.booking.code}?t={made.token}",
    }
    assert _api_move(client, made, token="x" * 32).status_code == 403
    assert _api_move(client, made, token="").status_code == 403
    assert _api_move(client, made, start="09:15").status_code == 409  # full
    assert _api_move(client, made, date="26.11.2026").status_code == 422
    assert _api_move(client, made, date="2026-11-30").status_code == 422  # Monday
    assert _api_move(client, made, start="13:15").status_code == 422  # lunch
    assert _api_move(client, made, start="25:00").status_code == 422
    refused = client.post(
        f"/api/bookings/{made.booking.code}/move",
        json={"token": made.token, "date": "2026-11-26", "start": "09:15"},
        headers={"accept-language": "kk"},
    )
    assert refused.json()["error"] == "full" and refused.json()["message"].isascii() is False


def test_moves_count_against_the_limit_per_address(client: TestClient, st: State) -> None:
    """A manage link cannot be driven by a script through the day's slots."""
    made = make_booking(st, "registration", WEDNESDAY, "11:00", iin_number(9))
    answers = [
        _api_move(client, made, start=hh_mm).status_code
        for hh_mm in ("09:00", "09:30", "10:00", "10:30", "11:30", "12:00")
    ]
    assert answers == [200] * 5 + [429]
