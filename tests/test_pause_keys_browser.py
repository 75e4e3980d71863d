"""Issue 17 in real Chromium: the clerk pauses with Alt+P and a reason, the supervisor's
screen shows the cabinet paused, Alt+U resumes and "call next" works again. Reached by
clicking from the home page, as people do."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from tests.conftest import PASSWORD, Journey, LiveServer, make_user, wait_until

pytestmark = pytest.mark.browser


def log_in(page: Any, url: str, username: str, journey: Journey | None = None) -> None:
    page.goto(url + "/?lang=ru")
    if journey:
        journey.step("home")
    page.get_by_role("link", name=re.compile("Пульт")).click()
    page.wait_for_selector("#username")
    if journey:
        journey.step("login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")


def test_the_clerk_pauses_and_resumes_with_the_keys(
    live_server: LiveServer,
    page: Any,
    browser: Any,
    journey: Journey,
    engine: Engine,
    office_id: int,
) -> None:
    make_user(engine, office_id, "clerk1", "clerk")
    make_user(engine, office_id, "head", "supervisor")
    with httpx.Client(base_url=live_server.url) as api:
        code = api.post("/api/tickets", json={"service": "registration"}).json()["code"]
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server.url, "clerk1", journey)
    page.wait_for_selector(".points")
    journey.step("choose the cabinet")
    page.locator(".points button").first.click()
    page.wait_for_selector("#pause-form")
    journey.step("console")
    page.select_option("#pause-reason", "break")
    page.keyboard.press("Alt+p")
    page.wait_for_selector("#paused")
    assert "Alt+U" in page.locator("#paused").inner_text()
    assert page.locator("#call-next").is_disabled()
    assert page.locator("#pause-form").count() == 0
    journey.step("paused")

    head = browser.new_page()  # the supervisor at another desk
    try:
        log_in(head, live_server.url, "head")
        head.wait_for_selector("nav")
        head.get_by_role("link", name="Руководитель").click()
        head.wait_for_selector(".kpi, #live")
        assert wait_until(lambda: head.locator(".paused").count() > 0, seconds=5)
    finally:
        head.close()

    page.keyboard.press("Alt+u")
    page.wait_for_selector("#pause-form")
    assert page.locator("#paused").count() == 0
    journey.step("resumed")
    page.keyboard.press("Alt+n")
    assert wait_until(
        lambda: (
            page.locator(".in-hand .code").count() > 0
            and page.locator(".in-hand .code").inner_text() == code
        ),
        seconds=5,
    )
    journey.step("called")
