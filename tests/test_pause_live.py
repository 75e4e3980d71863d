"""A pause reaches the screen over the cabinet's door live (issue 17), over real HTTP: the
stream's next board says the cabinet is paused and why, and the resume takes it away."""

from __future__ import annotations

import httpx
from bs4 import BeautifulSoup

from tests.conftest import LiveServer
from tests.test_display_stream import clerk, messages, until  # noqa: F401  (the fixture)


def test_the_cabinets_display_shows_a_pause_as_it_happens(
    live_server: LiveServer,
    clerk: dict[str, str],  # noqa: F811
) -> None:
    at_cab1 = f"{live_server.url}/api/service-points/cab1"
    with httpx.stream("GET", live_server.url + "/display/point/cab1/events", timeout=5) as got:
        stream = messages(got.iter_lines())
        first = BeautifulSoup(until(stream, "board")["data"], "html.parser")
        assert first.select_one("#paused") is None
        paused = httpx.post(f"{at_cab1}/pause", json={"reason": "break"}, headers=clerk)
        assert paused.status_code == 200, paused.text
        board = BeautifulSoup(until(stream, "board")["data"], "html.parser")
        said = board.select_one("#paused").get_text(" ")
        assert "үзіліс" in said and "перерыв" in said
        assert httpx.post(f"{at_cab1}/resume", headers=clerk).status_code == 200
        # On PostgreSQL the pause is heard twice (this process, then its NOTIFY: a pause has
        # no history id to drop the copy by), so a board may still show it before the resume's.
        for _ in range(3):
            board = BeautifulSoup(until(stream, "board")["data"], "html.parser")
            if board.select_one("#paused") is None:
                break
        assert board.select_one("#paused") is None
