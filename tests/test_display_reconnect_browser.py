"""Issue 20, point 3: the display reconnects after a dropped stream with a randomized,
bounded exponential back-off (no reconnect storm after a restart), and shows the next call."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.conftest import LiveServer
from tests.test_display_browser import call_next, clerk, issue, open_display

pytestmark = pytest.mark.browser
__all__ = ["clerk"]  # the fixture, shared


def test_the_reconnect_delays_are_random_and_bounded(live_server: LiveServer, page: Page) -> None:
    open_display(page, live_server)
    found = page.evaluate(
        """() => { const d = window.kezekDisplay, out = [];
          for (let n = 0; n < 8; n++) { const xs = [];
            for (let i = 0; i < 200; i++) { xs.push(d.backoff(n)); }
            out.push({n, min: Math.min(...xs), max: Math.max(...xs),
                      distinct: new Set(xs).size, base: d.base, spread: d.spread, cap: d.cap}); }
          return out; }"""
    )
    for step in found:
        bound = min(step["cap"], step["spread"] * 2 ** step["n"])
        assert step["base"] / 2 <= step["min"] <= step["max"] <= bound
        assert step["distinct"] > 150  # jitter: no two displays wait the same
    assert found[-1]["max"] > 4 * found[0]["max"]  # it backs off
    assert found[0]["max"] > 4000  # the first reconnects after a restart are spread over 5 s


def test_after_the_stream_drops_the_display_reconnects_and_shows_the_next_call(
    live_server: LiveServer, page: Page, clerk: dict[str, str]
) -> None:
    issue(live_server)
    open_display(page, live_server)
    opened: list[str] = []
    page.on("request", lambda r: opened.append(r.url) if "/display/events" in r.url else None)
    page.route("**/display/events*", lambda route: route.abort())
    live_server.restart()  # the stream drops; every reconnect fails while routed away
    page.wait_for_selector("body[data-link=down]", state="attached", timeout=8000)
    page.unroute("**/display/events*")
    page.wait_for_selector("body[data-link=live]", state="attached", timeout=15_000)
    call_next(live_server, clerk)
    page.wait_for_selector('#board .calls [data-call^="А-001@"]', timeout=3000)
    assert opened  # it came back through a new stream, not a reload
