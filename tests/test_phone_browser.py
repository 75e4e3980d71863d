"""The visitor's phone page in Chromium (issue 17): reached from the kiosk's QR code, it moves
with the queue, says "you are next" and the cabinet, vibrates and plays a tone."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from sqlmodel import select

from kezek import db
from kezek.kiosk import qr
from kezek.queue.models import Ticket
from tests.conftest import LiveServer, axe_violations, make_token, make_user

pytestmark = pytest.mark.browser

WAIT_MS = 10_000
PHONE = {"width": 390, "height": 844}
# What the page asks of the phone, recorded (the test has no motor and no loudspeaker).
SPY = """
window.__vibrations = [];
navigator.vibrate = function (p) { window.__vibrations.push(p); return true; };
window.__tones = 0;
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...a) {
  window.__tones += 1; return start.apply(this, a);
};
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = function (u) { window.__spoken.push([u.lang, u.text]); };
}
"""


def _path(svg: str) -> str:
    found = BeautifulSoup(svg, "html.parser").select_one("svg.qr path")
    assert found is not None
    return str(found["d"])


def _phone_url_from_the_kiosk(
    page: Any, live_server: LiveServer, engine: Engine
) -> tuple[str, int]:
    """Take a ticket at the kiosk; the phone's address is the one its QR code holds."""
    page.goto(f"{live_server.url}/kiosk/?lang=ru")
    page.locator(".kiosk-service[value=registration]").click()
    code = page.wait_for_selector(".kiosk-code", timeout=WAIT_MS).inner_text()
    with db.reading(engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.code == code)).one()
        token, ticket_id = ticket.public_token, ticket.id
    url = f"{live_server.url}/t/{token}?lang=ru"
    # "Scanning": the code on the screen is the code of this address, module for module.
    assert _path(page.locator(".kiosk-qr").inner_html()) == _path(str(qr.svg(url, "")))
    assert ticket_id is not None
    return url, ticket_id


@pytest.fixture
def api(live_server: LiveServer, engine: Engine, office_id: int) -> Iterator[httpx.Client]:
    """The clerk's API, for calling the visitors."""
    make_user(engine, office_id, "clerk1", "clerk")
    auth = {"authorization": f"Bearer {make_token(engine, 'clerk1')}"}
    with httpx.Client(base_url=live_server.url, headers=auth, timeout=10) as client:
        yield client


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A phone's page (closed before the server stops: its stream is open)."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="ru-RU")
    context.add_init_script(SPY)
    yield context.new_page()


def alerts(phone: Any) -> int:
    """The alerts' vibrations (the tap that allows sound buzzes once, shortly)."""
    return sum(1 for p in phone.evaluate("window.__vibrations") if p == [300, 150, 300])


def test_the_phone_page_moves_with_the_queue_and_says_the_cabinet(
    live_server: LiveServer, page: Any, phone: Any, engine: Engine, api: httpx.Client
) -> None:
    ahead = api.post("/api/tickets", json={"service": "registration"}).json()
    url, mine = _phone_url_from_the_kiosk(page, live_server, engine)
    phone.goto(url)
    assert phone.locator(".phone-place").inner_text() == "Ваше место в очереди: 2"
    phone.get_by_role("button", name="Включить звук и вибрацию").tap()
    phone.wait_for_selector("#phone-sound[aria-pressed=true]", timeout=WAIT_MS)
    tones = phone.evaluate("window.__tones")
    assert tones >= 1  # the tap's own tone: sound is allowed from now on
    phone.wait_for_function("!!document.querySelector('#ticket-live')", timeout=WAIT_MS)
    time.sleep(0.3)  # the stream is open (its first message has come)

    api.post("/api/service-points/cab1/call-next")  # the one ahead goes in
    phone.wait_for_selector("#ticket-live[data-phase=next]", timeout=WAIT_MS)
    assert "Вы следующий" in phone.locator("#ticket-live").inner_text()
    assert alerts(phone) == 1
    assert phone.evaluate("window.__tones") > tones
    assert "Вы следующий" in phone.locator("#phone-said").inner_text()

    api.post(f"/api/tickets/{ahead['id']}/finish")
    called = time.monotonic()
    api.post("/api/service-points/cab1/call-next")
    phone.wait_for_selector(".phone-called", timeout=WAIT_MS)
    seconds = time.monotonic() - called
    assert seconds < 1.0, f"the call reached the phone after {seconds:.2f} s"
    assert phone.locator(".phone-called").inner_text() == "Вас вызывают: Кабинет №1."
    assert phone.locator("#phone-said").inner_text().startswith("Вас вызывают: Кабинет №1.")
    assert alerts(phone) == 2
    spoken = phone.evaluate("window.__spoken")
    assert spoken and spoken[-1][0] == "ru-RU" and "Кабинет №1" in spoken[-1][1]
    box = phone.locator(".phone-called").bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]  # no sideways scroll
    assert axe_violations(phone) == []
    api.post(f"/api/tickets/{mine}/finish")  # the visit ends, and with it the stream
    phone.wait_for_selector(".phone-feedback", timeout=WAIT_MS)


def test_without_the_stream_the_page_polls(phone: Any, api: httpx.Client) -> None:
    """The stream fails (a proxy that buffers it, say): the page still moves, by polling."""
    api.post("/api/tickets", json={"service": "registration", "lang": "en"})
    mine = api.post("/api/tickets", json={"service": "registration", "lang": "en"}).json()
    phone.route(re.compile(r".*/events\?.*"), lambda route: route.abort())
    phone.goto(mine["status_url"])
    assert phone.locator(".phone-place").inner_text() == "Your place in the queue: 2"
    api.post("/api/service-points/cab1/call-next")
    phone.wait_for_selector("#ticket-live[data-phase=next]", timeout=15_000)
    assert alerts(phone) == 1
