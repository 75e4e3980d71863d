"""A booked visitor's arrival in real Chromium (issue 18), by clicking: a booking made through
the API; at the kiosk "I have a booking", the code typed on the screen's keypad, the booked
talon screen; then the clerk logs in, sees it checked in on the console, and calls it."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from tests.booking_helpers import iin_number, solved_challenge
from tests.conftest import PASSWORD, Journey, LiveServer, enrol_browser, make_user, wait_until

pytestmark = pytest.mark.browser


def _book(live_server: LiveServer) -> str:
    with httpx.Client(base_url=live_server.url) as api:
        body = {"service": "registration", "date": "2026-11-24", "start": "10:30"}
        body |= {"iin": iin_number(1), "lang": "ru", "challenge": solved_challenge(api)}  # type: ignore[arg-type]
        made = api.post("/api/bookings", json=body)
    assert made.status_code == 201, made.text
    return str(made.json()["code"])


def test_a_booked_visitor_checks_in_and_the_clerk_calls_them(
    live_server: LiveServer, page: Any, journey: Journey, engine: Engine, office_id: int
) -> None:
    code = _book(live_server)
    enrol_browser(page, live_server.url, engine, "kiosk")
    page.set_viewport_size({"width": 1080, "height": 1920})
    page.goto(live_server.url + "/kiosk/?lang=ru")
    page.wait_for_selector(".kiosk-service")
    journey.step("kiosk")
    page.get_by_role("link", name=re.compile("У меня есть запись")).click()
    page.wait_for_selector(".kiosk-keypad")
    journey.step("keypad")
    for digit in code.replace("-", ""):
        page.locator(f".kiosk-keypad [data-keypad='{digit}']").click()
    assert page.input_value("#booking-code") == code.replace("-", "")
    page.get_by_role("button", name="Отметиться").click()
    ticket = page.wait_for_selector(".kiosk-code").inner_text()
    assert page.locator(".kiosk-booked").inner_text() == "По записи 10:30"
    assert iin_number(1) not in page.content()
    journey.step("booked talon")

    make_user(engine, office_id, "clerk1", "clerk")
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + "/?lang=ru")
    journey.step("home")
    page.get_by_role("link", name=re.compile("Пульт")).click()
    page.wait_for_selector("#username")
    journey.step("login")
    page.fill("#username", "clerk1")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector(".points")
    journey.step("choose the cabinet")
    page.locator(".points button").first.click()
    page.wait_for_selector("#todays-bookings")
    journey.step("console")
    row = page.locator(f"#todays-bookings tr[data-code='{code}']")
    assert row.locator(".booking-status").inner_text() == f"отметился: талон {ticket}"
    page.locator("#call-next").click()
    assert wait_until(
        lambda: (
            page.locator(".in-hand .code").count()
            and page.locator(".in-hand .code").inner_text() == ticket
        ),
        seconds=5,
    )
    journey.step("called")
