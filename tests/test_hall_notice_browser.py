"""A message to the hall in real Chromium (issue 17): the supervisor reaches the "Hall
notice" tab by clicking, posts a notice, the open hall display shows it live and queues it
to be said once; withdrawn, it goes from the display at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.conftest import Journey, LiveServer, make_user
from tests.test_display_browser import announcements, kezek, open_display
from tests.test_indicators_browser import log_in

pytestmark = pytest.mark.browser

KK, RU = "№3 кабинет жабық", "Кабинет №3 закрыт"


def test_the_supervisor_posts_a_notice_the_hall_shows_and_says_once(
    live_server: LiveServer,
    page,  # type: ignore[no-untyped-def]
    journey: Journey,
    engine: Engine,
    artifacts: Path,
) -> None:
    make_user(engine, kezek(live_server).office_id, "head", "supervisor")
    hall = page.context.new_page()
    hall.set_viewport_size({"width": 1920, "height": 1080})
    open_display(hall, live_server)
    assert hall.locator("#board .notice").count() == 0

    log_in(page, live_server, "head", journey)
    page.goto(live_server.url + "/staff/supervisor/?lang=ru")
    journey.step("dashboard")
    page.click("nav.sv-nav >> text=Объявление в зале")
    page.wait_for_selector("form.hall-form")
    assert "персональных данных" in page.locator("form.hall-form .warning").inner_text()
    journey.step("hall tab")
    page.fill("#notice-kk", KK)
    page.fill("#notice-ru", RU)
    page.fill("#notice-minutes", "20")
    page.click("form.hall-form button[type=submit]")
    page.wait_for_selector(".hall-shown form button")
    journey.step("posted")

    hall.wait_for_selector("#board .notice", timeout=2000)
    lines = hall.locator("#board .notice .lang").all_inner_texts()
    assert lines == [KK, RU]
    hall.screenshot(path=str(artifacts / "display-notice-1080p.png"))
    said = [a for a in announcements(hall) if a["kind"] == "notice"]
    assert len(said) == 1  # queued once; the board redraws do not repeat it

    page.click(".hall-shown form button")
    page.wait_for_selector(".notice-none")
    journey.step("withdrawn")
    hall.wait_for_selector("#board .notice", state="detached", timeout=2000)
    assert len([a for a in announcements(hall) if a["kind"] == "notice"]) == 1
