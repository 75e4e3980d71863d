"""Booking on the visitor's phone in real Chromium (issue 18), at 390×844, reached by
clicking from the home page: a service, a day, a slot, the IIN, the real proof of work solved
by the page's script, the code and its QR; then the manage link, and cancelling."""

from __future__ import annotations

from typing import Any

import pytest

from tests.booking_helpers import iin_number
from tests.conftest import Journey, LiveServer

pytestmark = pytest.mark.browser

WAIT_MS = 20_000


def test_book_on_the_phone_then_cancel_by_the_manage_link(
    live_server: LiveServer, page: Any, journey: Journey
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/?lang=ru")
    journey.step("home")
    page.get_by_role("link", name="Записаться на приём").click()
    page.wait_for_selector("text=1. Услуга")
    assert "booking.css" in journey.sheets()
    journey.step("booking services")
    page.locator(".booking-choices a", has_text="Регистрация").first.click()
    page.wait_for_selector("text=2. День")
    journey.step("booking days")
    page.locator(".booking-choices a", has_text="25 ноября").click()
    page.wait_for_selector(".booking-slots")
    journey.step("booking slots")
    slot = page.locator(".booking-slots a", has_text="09:00")
    assert "свободно 1 место" in slot.inner_text()
    slot.click()
    page.wait_for_selector("#iin")
    number = iin_number(1)
    page.locator("#iin").fill(number)
    submit = page.locator("button.booking-submit")
    page.wait_for_function(
        "() => !document.querySelector('button.booking-submit').disabled", timeout=WAIT_MS
    )
    assert page.locator(".booking-check").inner_text() == "Проверка пройдена."
    journey.step("booking form")
    submit.click()
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(".booking-code")
    assert number not in page.url and number not in page.content()
    assert page.locator("svg.qr").is_visible()
    assert "ноября" in page.locator(".booking-facts").inner_text()
    box = page.locator(".booking-code").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390  # the code fits the screen
    code = page.locator(".booking-code").inner_text().strip()
    journey.step("booking result")
    page.get_by_role("link", name="Управлять записью").click()
    page.wait_for_selector(".booking-status")
    assert page.locator("h1").inner_text() == f"Запись {code}"
    journey.step("booking manage")
    page.get_by_role("link", name="Отменить запись").click()
    page.wait_for_selector("text=Да, отменить")
    journey.step("booking cancel confirm")
    page.get_by_role("button", name="Да, отменить").click()
    page.wait_for_selector("text=Запись отменена.")
    assert page.locator(".booking-status").inner_text() == "Отменена"
    journey.step("booking cancelled")
