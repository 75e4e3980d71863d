"""Real Chromium reaches the live server and the page has no serious accessibility problem."""

import pytest

from tests.conftest import LiveServer, axe_violations

pytestmark = pytest.mark.browser


def test_home_page_in_chromium(live_server: LiveServer, page, artifacts) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/?lang=ru")
    assert page.locator("h1").inner_text().startswith("Отдел занятости")
    page.screenshot(path=str(artifacts / "home.png"))
    assert axe_violations(page) == []
