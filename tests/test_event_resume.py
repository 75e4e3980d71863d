"""Live events are delivered at least once: every SSE message carries the history id of
what it covers, and a stream that reconnects with ``Last-Event-ID`` gets what it missed."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.engine import Engine

from tests.conftest import LiveServer, make_token, make_user
from tests.test_staff_flow import login, soup


def messages(response: httpx.Response | Iterator[str]) -> Iterator[dict[str, str]]:
    """The SSE messages of a streaming response (or of its lines):
    {"id": …, "event": …, "data": …}."""
    fields: dict[str, str] = {}
    lines = response.iter_lines() if isinstance(response, httpx.Response) else response
    for line in lines:
        if not line:
            if "event" in fields:
                yield fields
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            fields[name] = fields[name] + "\n" + value if name in fields else value


def until_board(stream: Iterator[dict[str, str]]) -> list[dict[str, str]]:
    got = []
    for msg in stream:
        got.append(msg)
        if msg["event"] == "board":
            return got
    raise AssertionError("the stream ended")


@pytest.fixture
def api(live_server: LiveServer, engine: Engine) -> Iterator[httpx.Client]:
    with engine.connect() as conn:
        office_id = int(conn.exec_driver_sql("SELECT min(id) FROM offices").scalar_one())
    make_user(engine, office_id, "clerk1", "clerk")
    token = make_token(engine, "clerk1")
    with httpx.Client(
        base_url=live_server.url, timeout=5, headers={"authorization": f"Bearer {token}"}
    ) as client:
        yield client


def call_next(api: httpx.Client) -> str:
    called = api.post("/api/service-points/cab1/call-next")
    assert called.status_code == 200, called.text
    ticket = called.json()
    # The visitor does not come: the cabinet is free for the next call.
    assert api.post(f"/api/tickets/{ticket['id']}/no-show").status_code == 200
    return str(ticket["code"])


def test_a_display_that_reconnects_with_last_event_id_gets_exactly_what_it_missed(
    api: httpx.Client,
) -> None:
    codes = [
        api.post("/api/tickets", json={"service": "registration"}).json()["code"] for _ in range(4)
    ]
    with api.stream("GET", "/display/events") as response:
        stream = messages(response)
        until_board(stream)  # the board at joining
        first = call_next(api)
        got = until_board(stream)
    said = [json.loads(m["data"]) for m in got if m["event"] == "announce"]
    assert [a["code"] for a in said] == [first]
    seen = got[-1]["id"]
    assert seen.isdigit() and said[0]["id"] == int(seen) == int(got[0]["id"])

    # Away: two more calls are made meanwhile.
    missed = [call_next(api), call_next(api)]
    assert missed == codes[1:3]
    with api.stream("GET", "/display/events", headers={"last-event-id": seen}) as response:
        got = until_board(messages(response))
    said = [json.loads(m["data"]) for m in got if m["event"] == "announce"]
    assert [a["code"] for a in said] == missed  # exactly those, once each, in order
    ids = [a["id"] for a in said]
    assert ids == sorted(ids) and ids[0] > int(seen)
    assert int(got[-1]["id"]) > ids[-1]  # the board covers them (and the no-show after)

    # Nothing missed: nothing announced again.
    with api.stream("GET", "/display/events", headers={"last-event-id": got[-1]["id"]}) as r:
        again = until_board(messages(r))
    assert [m["event"] for m in again] == ["board"]


def test_a_console_stream_that_reconnects_with_last_event_id_gets_what_changed(
    live_server: LiveServer, engine: Engine
) -> None:
    with engine.connect() as conn:
        office_id = int(conn.exec_driver_sql("SELECT min(id) FROM offices").scalar_one())
    with httpx.Client(base_url=live_server.url, timeout=5) as client:
        login(client, engine, office_id, "clerk7")  # type: ignore[arg-type]
        with client.stream("GET", "/staff/events") as response:
            lines = response.iter_lines()
            assert next(lines).startswith("retry:")  # subscribed
            first = client.post("/api/tickets", json={"service": "registration"})
            assert first.status_code == 201
            heard = next(messages(lines))
        assert heard["event"] == "changed" and heard["data"] == "issued"
        seen = heard["id"]
        for _ in range(2):
            client.post("/api/tickets", json={"service": "registration"})
        with client.stream("GET", "/staff/events", headers={"last-event-id": seen}) as response:
            stream = messages(response)
            missed = [next(stream), next(stream)]
    assert [m["data"] for m in missed] == ["issued", "issued"]
    assert int(seen) < int(missed[0]["id"]) < int(missed[1]["id"])


def test_a_console_page_hears_what_changed_before_its_stream_opened(
    live_server: LiveServer, engine: Engine
) -> None:
    """The CI run of session 6: a ticket issued between the page's render and the browser's
    EventSource subscribing was never heard (the console waited for its 30 s poll). The page
    carries the history id it was drawn at, and the stream starts after it."""
    with engine.connect() as conn:
        office_id = int(conn.exec_driver_sql("SELECT min(id) FROM offices").scalar_one())
    with httpx.Client(base_url=live_server.url, timeout=5) as client:
        csrf = login(client, engine, office_id, "clerk8")  # type: ignore[arg-type]
        sat = client.post("/staff/point", data={"point": "cab1", "csrf_token": csrf})
        assert sat.status_code == 303, sat.text
        page = client.get("/staff/")
        connect = soup(page).find(attrs={"sse-connect": True})["sse-connect"]  # type: ignore[index]
        # The visitor takes a ticket before the browser has opened the stream.
        assert client.post("/api/tickets", json={"service": "registration"}).status_code == 201
        with client.stream("GET", str(connect)) as response:
            stream = messages(response)
            heard = next(stream)
    assert heard["event"] == "changed" and heard["data"] == "issued"
