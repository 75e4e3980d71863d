"""The visitor's booking pages (issue 18): service → day → slot by plain links, the IIN
POSTed behind the proof of work, the result page (code, time, QR, manage link), the manage
page's cancel and move, the move in the API; in kk, ru and en; the IIN never in an address
nor on the result page except masked."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from kezek import i18n
from kezek.api import challenge
from tests.booking_helpers import iin_number, make_booking, solved_challenge

WEDNESDAY = "2026-11-25"  # the clock: Tuesday 2026-11-24, 10:00
WEDNESDAY_DAY = date(2026, 11, 25)
HEADINGS = {"kk": "Қабылдауға алдын ала жазылу", "ru": "Записаться на приём", "en": "Book a visit"}
WEDNESDAY_NAMES = {"kk": "25 қараша", "ru": "25 ноября", "en": "November 25"}


def _soup(answer: Any) -> BeautifulSoup:
    return BeautifulSoup(answer.text, "html.parser")


def _follow(client: TestClient, page: BeautifulSoup, text: str) -> BeautifulSoup:
    """Click the link whose text has ``text``, as a visitor would."""
    link = next(a for a in page.select("main a") if text in a.get_text(" ", strip=True))
    answer = client.get(str(link["href"]))
    assert answer.status_code == 200, answer.text
    return _soup(answer)


def _form(client: TestClient, lang: str = "en") -> BeautifulSoup:
    page = _soup(client.get(f"/book?lang={lang}"))
    page = _follow(
        client, page, {"kk": "Жұмыссыз", "ru": "Регистрация", "en": "Registration"}[lang]
    )
    page = _follow(client, page, WEDNESDAY_NAMES[lang])
    return _follow(client, page, "09:00")


def _post(client: TestClient, page: BeautifulSoup, **typed: str) -> Any:
    form = page.select_one("form.booking-form")
    assert form is not None
    fields = {str(i["name"]): str(i.get("value", "")) for i in form.select("input")}
    fields |= {"altcha": solved_challenge(client)} | typed
    return client.post(str(form["action"]), data=fields, follow_redirects=False)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_steps_in_each_language_offer_only_bookable_days(client: TestClient, lang: str) -> None:
    start = _soup(client.get(f"/book?lang={lang}"))
    assert start.h1 is not None and start.h1.get_text() == HEADINGS[lang]
    assert [a["hreflang"] for a in start.select("nav.languages a")] == ["kk", "ru", "en"]
    services = start.select(".booking-choices a")
    assert services and all("service=" in str(a["href"]) for a in services)
    days = _soup(client.get(f"/book?service=registration&lang={lang}"))
    offered = [str(a["href"]).split("date=")[1] for a in days.select(".booking-choices a")]
    assert "2026-11-23" not in offered and "2026-11-30" not in offered  # past; Monday: closed
    assert offered[0] == "2026-11-24" and WEDNESDAY in offered  # today still has slots
    assert WEDNESDAY_NAMES[lang] in days.get_text()  # Babel's date in the language
    form = _form(client, lang)
    assert form.select_one("input[name=iin]") is not None
    assert form.select_one("noscript") is not None  # says the check needs JavaScript
    assert form.select_one("button[type=submit][disabled]") is not None  # until solved


def test_the_slots_say_how_many_seats_are_free(client: TestClient) -> None:
    page = _soup(client.get(f"/book?service=registration&date={WEDNESDAY}&lang=en"))
    first = page.select(".booking-slots a")[0].get_text(" ", strip=True)
    assert first == "09:00–09:15 1 seat free"
    st = client.app.state.kezek  # type: ignore[attr-defined]
    make_booking(st, "registration", WEDNESDAY_DAY, "09:00", iin_number(9))
    page = _soup(client.get(f"/book?service=registration&date={WEDNESDAY}&lang=en"))
    assert "09:00–09:15" not in page.select(".booking-slots")[0].get_text()  # full: not offered


def test_booking_shows_the_code_time_qr_and_link_never_the_iin(client: TestClient) -> None:
    number = iin_number(1)
    made = _post(client, _form(client, "ru"), iin=number)
    assert made.status_code == 303, made.text
    location = made.headers["location"]
    assert number not in location and "/book/done/" in location
    done = client.get(location)
    assert done.status_code == 200
    assert number not in done.text and number[-4:] in done.text  # masked only
    page = _soup(done)
    code = page.select_one(".booking-code")
    assert code is not None and len(code.get_text(strip=True)) == 9
    text = page.get_text(" ", strip=True)
    assert "Вы записаны" in text and "25 ноября" in text and "09:00" in text
    assert page.select_one("svg.qr[role=img]") is not None
    manage = page.select_one("a[href*='/book/manage/']")
    assert manage is not None and "?t=" in str(manage["href"])
    assert all(number not in str(a.get("href", "")) for a in page.select("a"))


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_bad_iin_is_refused_in_the_language_and_the_form_keeps_it(
    client: TestClient, lang: str
) -> None:
    answer = _post(client, _form(client, lang), iin="12345")
    assert answer.status_code == 422
    page = _soup(answer)
    iin_error = page.select_one("#iin-error")
    assert iin_error is not None and page.select_one("#phone") is None  # no phone is asked
    if lang != "en":
        assert iin_error.get_text().isascii() is False  # not the English msgid
    iin_input = page.select_one("input[name=iin]")
    assert iin_input is not None and iin_input["value"] == "12345"


def test_a_failed_check_says_so_and_keeps_what_was_typed(client: TestClient) -> None:
    number = iin_number(2)
    answer = _post(client, _form(client, "kk"), iin=number, altcha="bm90IGEgc29sdXRpb24=")
    assert answer.status_code == 422
    page = _soup(answer)
    assert i18n.gettext("kk", challenge.REFUSED) in page.get_text()
    iin_input = page.select_one("input[name=iin]")
    assert iin_input is not None and iin_input["value"] == number


@pytest.mark.parametrize(
    ("query", "lang"),
    [
        ("service=nosuch", "ru"),
        ("service=registration&date=25.11.2026", "kk"),
        ("service=registration&date=2026-11-30", "en"),  # Monday: closed
        ("service=registration&date=2026-11-17", "en"),  # past
        (f"service=registration&date={WEDNESDAY}&start=13:15", "ru"),  # lunch
        (f"service=registration&date={WEDNESDAY}&start=9", "en"),
    ],
)
def test_bad_choices_are_422_with_a_message(client: TestClient, query: str, lang: str) -> None:
    answer = client.get(f"/book?{query}&lang={lang}")
    assert answer.status_code == 422
    alert = _soup(answer).select_one("[role=alert]")
    assert alert is not None and alert.get_text(strip=True)
    if lang != "en":
        assert not alert.get_text().isascii()


def test_a_post_from_another_site_is_refused(client: TestClient) -> None:
    answer = client.post(
        "/book", data={"iin": iin_number(3)}, headers={"sec-fetch-site": "cross-site"}
    )
    assert answer.status_code == 403
