"""The visitor's phone page, live (issue 17): its event stream, the wake-ups it costs, and
"Cancel my ticket". The browser test (test_phone_browser.py) drives the same page in Chromium."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from kezek import db
from kezek.kiosk import phone_stream
from kezek.queue.events import Broker, Event
from kezek.queue.models import Status, Ticket, TicketEvent
from tests.conftest import LiveServer, make_token, make_user


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def text(page: BeautifulSoup, selector: str) -> str:
    found = page.select_one(selector)
    assert found is not None, selector
    return " ".join(found.get_text(" ", strip=True).split())


def sse(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    """(event, data) of each SSE message."""
    event, data = "message", []
    for line in lines:
        if line == "":
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
        elif line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            data.append(line[6:])


def _issue(url: str, service: str = "registration", lang: str = "ru") -> dict[str, Any]:
    answer: dict[str, Any] = httpx.post(
        f"{url}/api/tickets", json={"service": service, "lang": lang}
    ).json()
    return answer


def test_the_stream_sends_the_page_as_the_queue_moves(
    live_server: LiveServer, engine: Engine, office_id: int
) -> None:
    make_user(engine, office_id, "clerk1", "clerk")
    auth = {"authorization": f"Bearer {make_token(engine, 'clerk1')}"}
    url = live_server.url
    first = _issue(url)
    mine = _issue(url)
    token = mine["status_url"].rsplit("/", 1)[1]
    with httpx.stream("GET", f"{url}/t/{token}/events?lang=ru", timeout=10) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        messages = sse(response.iter_lines())
        kind, html = next(messages)
        assert kind == "live"
        assert text(soup(html), ".phone-place") == "Ваше место в очереди: 2"
        httpx.post(f"{url}/api/service-points/cab1/call-next", headers=auth)
        kind, html = next(messages)
        assert soup(html).select_one("#ticket-live")["data-phase"] == "next"
        assert "Вы следующий" in text(soup(html), "#ticket-live")
        # Another service's ticket moves nothing in this queue: no message for it.
        _issue(url, "certificate")
        httpx.post(f"{url}/api/tickets/{first['id']}/finish", headers=auth)
        httpx.post(f"{url}/api/service-points/cab1/call-next", headers=auth)
        kind, html = next(messages)
        page = soup(html)
        assert page.select_one("#ticket-live")["data-phase"] == "called"
        assert text(page, ".phone-called") == "Вас вызывают: Кабинет №1."
        assert page.select_one("#ticket-live")["data-announce"].startswith("Вас вызывают")
        httpx.post(f"{url}/api/tickets/{mine['id']}/finish", headers=auth)
        kind, html = next(messages)
        assert text(soup(html), ".phone-place") == "Приём завершён. Спасибо!"
        assert next(messages) == ("end", "final")  # nothing more to follow: the page closes it


def test_an_unknown_token_has_no_stream(client: TestClient) -> None:
    assert client.get("/t/" + "x" * 32 + "/events").status_code == 404
    assert client.get("/t/short/events").status_code == 404


def test_one_subscription_wakes_only_the_phones_an_event_concerns() -> None:
    """Cheap: one broker subscription for every phone; a call in one service wakes the
    phones of that service (and a moved ticket's own phone), not the others."""

    async def scenario() -> tuple[int, list[int], int, int]:
        broker = Broker()
        hub = phone_stream.PhoneHub(broker, office_id=1)
        phones = [phone_stream.Phone(ticket_id=i, service="a" if i < 3 else "b") for i in range(5)]
        for phone in phones:
            hub.join(phone)
        await asyncio.sleep(0)  # the hub subscribes
        subscribed = broker.subscriber_count(1)
        event = Event(kind="called", office_id=1, ticket_id=99, code="А-001", service="a")
        moved = Event(kind="transferred", office_id=1, ticket_id=4, code="Б-002", service="a")
        broker.publish([event, event, moved])  # a burst: one wake-up each
        await asyncio.sleep(0.05)
        woken = [phone.wake.qsize() for phone in phones]
        for phone in phones:
            hub.leave(phone)
        await asyncio.sleep(0)
        return subscribed, woken, len(hub.phones), broker.subscriber_count(1)

    # In a thread of its own: the browser tests' Playwright keeps a loop in this one.
    with ThreadPoolExecutor(1) as pool:
        subscribed, woken, left, after = pool.submit(lambda: asyncio.run(scenario())).result()
    assert subscribed == 1
    assert woken == [1, 1, 1, 0, 1]  # service "a", and ticket 4 (transferred); not ticket 3
    assert (left, after) == (0, 0)  # nobody listens: neither does the hub


def test_without_a_token_there_is_no_bot(client: TestClient) -> None:
    ticket = client.post("/api/tickets", json={"service": "registration"}).json()
    page = soup(client.get(ticket["status_url"]).text)
    assert page.select_one("a.phone-telegram") is None


# --- "Cancel my ticket" ----------------------------------------------------------------------


def test_a_phone_without_fetch_metadata_can_cancel_its_ticket(
    client: TestClient, engine: Engine
) -> None:
    """A browser that sends no ``Sec-Fetch-Site`` (Safari before 16.4, still on many phones)
    posts its own form with ``Origin: null`` under our ``Referrer-Policy: no-referrer``: it is
    the visitor's own page, not another site (the booking pages already took it so)."""
    mine = client.post("/api/tickets", json={"service": "registration", "lang": "en"}).json()
    token = mine["status_url"].rsplit("/", 1)[1]
    form = soup(client.get(f"/t/{token}/cancel").text).select_one("form")
    assert form is not None
    done = client.post(form["action"], headers={"origin": "null"}, follow_redirects=False)
    assert done.status_code == 303
    assert _status(engine, mine["id"]) == Status.cancelled


def test_cancel_my_ticket_asks_first_and_works_once(
    client: TestClient, engine: Engine, clerk_token: str
) -> None:
    mine = client.post("/api/tickets", json={"service": "registration", "lang": "en"}).json()
    behind = client.post("/api/tickets", json={"service": "registration", "lang": "en"}).json()
    token = mine["status_url"].rsplit("/", 1)[1]
    page = soup(client.get(f"/t/{token}").text)
    link = page.select_one("a.phone-cancel")
    assert link is not None and link.get_text(strip=True) == "Cancel my ticket"
    # The link only asks (a GET changes nothing).
    confirm = soup(client.get(link["href"]).text)
    assert text(confirm, "h1") == "Cancel ticket А-001?"
    form = confirm.select_one("form")
    assert form["method"] == "post"
    assert _status(engine, mine["id"]) == Status.waiting
    # Another site's page cannot post it from the visitor's phone.
    refused = client.post(form["action"], headers={"sec-fetch-site": "cross-site"})
    assert refused.status_code == 403
    assert text(soup(refused.text), "h1") == "This request came from another site."
    refused = client.post(form["action"], headers={"origin": "https://evil.example"})
    assert refused.status_code == 403
    assert _status(engine, mine["id"]) == Status.waiting
    done = client.post(form["action"], follow_redirects=False)
    assert done.status_code == 303
    page = soup(client.get(done.headers["location"]).text)
    assert text(page, ".phone-place") == "This ticket has been cancelled."
    assert page.select_one("a.phone-cancel") is None
    assert _status(engine, mine["id"]) == Status.cancelled
    with db.reading(engine) as session:
        event = session.exec(
            select(TicketEvent)
            .where(TicketEvent.ticket_id == mine["id"])
            .order_by(TicketEvent.id.desc())  # type: ignore[union-attr]
        ).first()
    assert event is not None and event.kind == "cancelled" and event.actor_id is None
    again = client.post(form["action"])
    assert again.status_code == 409
    assert text(soup(again.text), "h1") == "This ticket can no longer be cancelled."
    # The one behind moved up.
    token2 = behind["status_url"].rsplit("/", 1)[1]
    assert "You are next" in text(soup(client.get(f"/t/{token2}").text), "#ticket-live")


def test_cancel_refusals_are_in_the_visitor_language(client: TestClient) -> None:
    missing = client.post("/t/" + "x" * 32 + "/cancel?lang=kk")
    assert missing.status_code == 404
    assert text(soup(missing.text), "h1") == "Мұндай талон жоқ."
    assert client.get("/t/" + "x" * 32 + "/cancel").status_code == 404
    assert client.get("/t/x/cancel", follow_redirects=False).status_code == 404


def _status(engine: Engine, ticket_id: int) -> str:
    with db.reading(engine) as session:
        return session.get_one(Ticket, ticket_id).status
