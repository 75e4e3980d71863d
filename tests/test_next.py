"""Next in one action (issue 17): the ticket in hand is finished as served and the next one
called, in one transaction — by the API and by the console's key."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek import db
from kezek.queue.models import Status, Ticket
from tests.test_staff_flow import issue, login, post, soup


def status_of(engine: Engine, ticket_id: int) -> str:
    with db.reading(engine) as session:
        return str(session.get_one(Ticket, ticket_id).status)


def test_the_api_finishes_and_calls_the_next(
    client: TestClient, clerk_token: str, engine: Engine
) -> None:
    staff = {"authorization": f"Bearer {clerk_token}"}
    first, second = issue(client), issue(client)
    called = client.post("/api/service-points/cab1/next", headers=staff)
    assert called.status_code == 200 and called.json()["code"] == first["code"]
    again = client.post("/api/service-points/cab1/next", headers=staff)
    assert again.status_code == 200 and again.json()["code"] == second["code"]
    assert status_of(engine, first["id"]) == Status.served  # finished by the same action
    assert again.json()["status"] == "called"
    done = client.post("/api/service-points/cab1/next", headers=staff)
    assert done.status_code == 204 and status_of(engine, second["id"]) == Status.served
    assert client.post("/api/service-points/cab1/next").status_code == 401
    assert client.post("/api/service-points/nope/next", headers=staff).status_code == 404


def test_the_console_finishes_and_calls_the_next_in_one_click(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab1"})
    first, second = issue(client), issue(client)
    htmx = {"hx-request": "true", "hx-target": "queue-panel"}
    post(client, "/staff/call-next", token, headers=htmx)
    page = soup(post(client, "/staff/next", token, headers=htmx))
    assert page.select_one("p.code").get_text() == second["code"]
    assert status_of(engine, first["id"]) == Status.served
    button = page.select_one("[data-key=KeyX]")
    assert button is not None and "Alt+X" in button.get_text()
    last = soup(post(client, "/staff/next", token, headers=htmx))
    assert last.select_one("p.code") is None
    assert "Nobody is waiting" in last.get_text()
    assert status_of(engine, second["id"]) == Status.served
