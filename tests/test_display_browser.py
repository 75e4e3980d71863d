"""The waiting-room display in real Chromium: live calls, sound queue, restart, long runs."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page
from sqlalchemy.engine import Engine

from kezek import auth, db
from kezek.display import voice
from kezek.intake import cards
from kezek.queue.events import Event
from kezek.queue.models import Ticket
from kezek.web import State
from tests.conftest import LiveServer, axe_violations, make_token, make_user

pytestmark = pytest.mark.browser

COUNT_NODES = "() => document.getElementsByTagName('*').length"


def kezek(server: LiveServer) -> State:
    return server.server.config.app.state.kezek  # type: ignore[union-attr,no-any-return]


@pytest.fixture
def clerk(live_server: LiveServer, engine: Engine) -> dict[str, str]:
    make_user(engine, kezek(live_server).office_id, "clerk1", "clerk")
    return {"authorization": f"Bearer {make_token(engine, 'clerk1')}"}


def issue(server: LiveServer, service: str = "registration") -> dict[str, Any]:
    response = httpx.post(server.url + "/api/tickets", json={"service": service}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def call_next(server: LiveServer, headers: dict[str, str], point: str = "cab1") -> dict[str, Any]:
    response = httpx.post(
        f"{server.url}/api/service-points/{point}/call-next", headers=headers, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def finish(server: LiveServer, headers: dict[str, str], ticket_id: int) -> None:
    response = httpx.post(
        f"{server.url}/api/tickets/{ticket_id}/finish", headers=headers, timeout=10
    )
    assert response.status_code == 200, response.text


def open_display(page, server: LiveServer, path: str = "/display/") -> None:
    page.goto(server.url + path)
    page.wait_for_selector("body[data-link=live]", state="attached", timeout=5000)


def announcements(page: Page) -> list[dict[str, str]]:
    return page.eval_on_selector_all("#announcements li", "els => els.map(e => ({...e.dataset}))")


def test_a_call_appears_within_a_second_and_is_announced(
    live_server: LiveServer, page: Page, clerk: dict[str, str], artifacts: Path
) -> None:
    for _ in range(3):
        issue(live_server)
    issue(live_server, "vacancies")
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_display(page, live_server)

    ticket = call_next(live_server, clerk)
    began = time.monotonic()  # from the call's answer: the way to the display, not the call
    page.wait_for_selector('#board .calls [data-call^="А-001@"]', timeout=1000)
    assert time.monotonic() - began < 1.0
    assert ticket["code"] == "А-001"
    call = page.locator("#board .calls .call").first
    assert call.locator(".code").inner_text() == "А-001"
    assert call.locator(".place").inner_text().split("\n") == ["№1 кабинет", "Кабинет №1"]
    queued = announcements(page)
    assert [(a["code"], a["point"], a["kind"]) for a in queued] == [("А-001", "cab1", "called")]
    assert queued[0]["state"] in ("queued", "playing", "played")
    assert "flash" in (call.get_attribute("class") or "")
    waiting = page.locator('#board [data-service="registration"] .count').inner_text()
    assert waiting == "2"
    page.screenshot(path=str(artifacts / "display-1080p.png"))
    assert axe_violations(page) == []


def test_two_calls_are_announced_in_order_without_cutting_off(
    live_server: LiveServer, page: Page, clerk: dict[str, str], artifacts: Path
) -> None:
    for _ in range(8):  # earlier calls today, for the list of recent calls
        issue(live_server, "training")
        finish(live_server, clerk, call_next(live_server, clerk, "cab4")["id"])
    issue(live_server)
    issue(live_server)
    issue(live_server, "vacancies")
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_display(page, live_server)
    call_next(live_server, clerk, "cab1")
    page.wait_for_selector('#announcements li[data-code="А-001"]', state="attached", timeout=2000)
    call_next(live_server, clerk, "cab4")
    page.wait_for_selector('#announcements li[data-code="А-002"]', state="attached", timeout=2000)
    first, second = announcements(page)
    assert (first["code"], first["point"]) == ("А-001", "cab1")
    assert (second["code"], second["point"]) == ("А-002", "cab4")
    # The second waits its turn: it starts only after the first has played all its clips.
    page.wait_for_selector(
        '#announcements li[data-code="А-002"][data-seq]', state="attached", timeout=20_000
    )
    first, second = announcements(page)
    assert first["state"] == "played" and first["clips"] == "chime kk ru"
    assert (first["seq"], second["seq"]) == ("1", "2")
    # By now the flashing has stopped: the board as the hall sees it most of the time.
    page.screenshot(path=str(artifacts / "display-1080p-two-calls.png"))


def test_a_recall_is_announced_again(
    live_server: LiveServer, page: Page, clerk: dict[str, str]
) -> None:
    issue(live_server)
    open_display(page, live_server)
    ticket = call_next(live_server, clerk)
    response = httpx.post(f"{live_server.url}/api/tickets/{ticket['id']}/recall", headers=clerk)
    assert response.status_code == 200
    page.wait_for_selector(
        '#announcements li[data-kind="recalled"]', state="attached", timeout=2000
    )
    assert [a["kind"] for a in announcements(page)] == ["called", "recalled"]


def test_the_display_recovers_after_a_server_restart(
    live_server: LiveServer, page: Page, clerk: dict[str, str]
) -> None:
    issue(live_server)
    issue(live_server)
    open_display(page, live_server)
    page.evaluate("() => { window.kezekMarker = 'set before the restart'; }")
    live_server.restart()
    # The page notices (its stream ended), polls, and reconnects by itself.
    page.wait_for_selector("body[data-link=live]", state="attached", timeout=15_000)
    call_next(live_server, clerk)
    page.wait_for_selector('#board .calls [data-call^="А-001@"]', timeout=2000)
    page.wait_for_selector('#announcements li[data-code="А-001"]', state="attached", timeout=1000)
    assert page.evaluate("() => window.kezekMarker") == "set before the restart"


def test_thousands_of_calls_keep_the_page_the_same_size(
    live_server: LiveServer, page: Page, clerk: dict[str, str]
) -> None:
    st = kezek(live_server)
    for _ in range(10):  # real calls first: the lists of the board are full
        issue(live_server)
        finish(live_server, clerk, call_next(live_server, clerk)["id"])
    open_display(page, live_server)

    def flood(count: int, last: str) -> None:
        sent = 0
        while sent < count:  # in bursts, as a busy office would never produce
            batch = [
                Event(
                    kind="called",
                    office_id=st.office_id,
                    ticket_id=10_000 + sent + i,
                    code=f"Б-{(sent + i) % 900 + 1:03d}",
                    service="vacancies",
                    point="cab4",
                    status="called",
                )
                for i in range(min(50, count - sent))
            ]
            st.broker.publish(batch)
            sent += len(batch)
            time.sleep(0.01)
        st.broker.publish(
            [
                Event(
                    kind="called",
                    office_id=st.office_id,
                    ticket_id=1,
                    code=last,
                    service="registration",
                    point="cab1",
                    status="called",
                )
            ]
        )
        page.wait_for_selector(
            f'#announcements li[data-code="{last}"]', state="attached", timeout=30_000
        )

    flood(200, "А-998")  # the announcement log reaches its bound
    page.wait_for_timeout(300)
    before = page.evaluate(COUNT_NODES)
    flood(3000, "А-999")
    page.wait_for_timeout(300)
    after = page.evaluate(COUNT_NODES)
    assert after == before
    assert page.locator("#announcements li").count() == 20
    assert page.locator("#announcements li[data-state=queued]").count() <= 8
    assert page.locator("#board .recent-calls li").count() == 5


def test_no_personal_data_reaches_the_display(
    live_server: LiveServer, page: Page, engine: Engine
) -> None:
    st = kezek(live_server)
    with db.transaction(engine) as session:
        user = auth.create_user(
            session,
            st.office_id,
            "aigul",
            "correct horse battery",
            "clerk",
            "Айгүл Сейітқызы Нұрланова",
        )
        assert user.id is not None
        user_id = user.id
    headers = {"authorization": f"Bearer {make_token(engine, 'aigul')}"}
    iin = "900101300017"  # a valid IIN
    with db.transaction(engine) as session:
        card = cards.create(
            session,
            st.office_id,
            cards.CardInput(
                iin=iin,
                surname="Жұмабаев",
                name="Ержан",
                patronymic="Серікұлы",
                birth_date="1990-01-01",
                sex="m",
                category="citizen",
                address="Бесқөл ауылы, Абай көшесі 12",
                phone="+7 701 555 12 34",
            ),
            user_id,
            st.clock.now(),
        )
    issue(live_server)
    open_display(page, live_server)
    ticket = call_next(live_server, headers)
    with db.transaction(engine) as session:
        cards.link_visit(
            session, card, session.get_one(Ticket, ticket["id"]), user_id, st.clock.now()
        )
    page.wait_for_selector('#board .calls [data-call^="А-001@"]', timeout=2000)
    html = page.content()
    for secret in (
        iin,
        "Жұмабаев",
        "Ержан",
        "Серікұлы",
        "Абай",
        "555 12 34",
        "Айгүл",
        "Нұрланова",
        "aigul",
        str(date(1990, 1, 1)),
    ):
        assert secret not in html
    assert ticket["code"] in html


@pytest.mark.parametrize("seams", [{"voice": voice.Voice("/nonexistent/espeak-ng")}], indirect=True)
def test_without_a_voice_engine_the_chime_still_plays(
    live_server: LiveServer, page: Page, clerk: dict[str, str]
) -> None:
    issue(live_server)
    open_display(page, live_server)
    call_next(live_server, clerk)
    page.wait_for_selector(
        '#announcements li[data-state="played"]', state="attached", timeout=10_000
    )
    assert [(a["code"], a["clips"]) for a in announcements(page)] == [("А-001", "chime")]


def test_the_screen_over_a_cabinet_door(
    live_server: LiveServer, page: Page, clerk: dict[str, str], artifacts: Path
) -> None:
    issue(live_server)
    issue(live_server)
    page.set_viewport_size({"width": 1280, "height": 720})
    open_display(page, live_server, "/display/point/cab4")
    call_next(live_server, clerk, "cab1")
    call_next(live_server, clerk, "cab4")
    page.wait_for_selector('#board .current[data-call^="А-002@"]', timeout=2000)
    assert page.locator("#board .current .code").inner_text() == "А-002"
    # Only this cabinet's call, and only the chime: the hall display speaks.
    page.wait_for_selector('#announcements li[data-state="played"]', state="attached", timeout=5000)
    assert [(a["code"], a["clips"]) for a in announcements(page)] == [("А-002", "chime")]
    page.screenshot(path=str(artifacts / "display-point.png"))
    assert axe_violations(page) == []


def test_the_display_recovers_when_a_proxy_answered_errors(
    live_server: LiveServer, page: Page, clerk: dict[str, str]
) -> None:
    """nginx answers 502 while Kezek restarts: EventSource then gives up for good (CLOSED)
    and the SSE extension backs off for up to a minute. The page polls meanwhile and reopens
    the stream as soon as the server answers again."""
    issue(live_server)
    open_display(page, live_server)
    page.route("**/display/events", lambda route: route.fulfill(status=502, body="Bad Gateway"))
    live_server.restart()
    page.wait_for_selector("body[data-link=down]", state="attached", timeout=5000)
    page.wait_for_timeout(5000)  # the extension's back-off has grown to seconds
    page.unroute("**/display/events")
    # Within the next answered poll (4 s ± a quarter) and the first reconnect's spread after
    # it (0.5–5 s, display.js: a restart's 1,000 displays do not all come in one second).
    page.wait_for_selector("body[data-link=live]", state="attached", timeout=12000)
    call_next(live_server, clerk)
    page.wait_for_selector('#board .calls [data-call^="А-001@"]', timeout=2000)


@pytest.mark.parametrize("path", ["/display/", "/display/point/cab1"])
def test_the_sound_button_covers_nothing(
    live_server: LiveServer, page: Page, artifacts: Path, path: str
) -> None:
    """Issue 15, defect 14: where the browser asks for a tap before sound, the button takes
    a strip of its own; no service, no average wait, no call is under it."""
    issue(live_server)
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_display(page, live_server, path)
    page.evaluate("() => { document.getElementById('enable-sound').hidden = false; }")
    button = page.locator("#enable-sound").bounding_box()
    assert button is not None and button["height"] > 0
    covered = page.evaluate(
        """(b) => [...document.querySelectorAll('#board *')].filter(e => {
             const r = e.getBoundingClientRect();
             return r.width && r.height && e.children.length === 0 && e.textContent.trim()
               && r.bottom > b.y && r.top < b.y + b.height
               && r.right > b.x && r.left < b.x + b.width; }).map(e => e.textContent.trim())""",
        button,
    )
    slug = path.strip("/").replace("/", "-")
    page.screenshot(path=str(artifacts / f"{slug}-sound-button.png"))
    assert covered == []
