"""Seams between features: the phone page leads to feedback, the staff menu to complaints."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.conftest import make_token, make_user
from tests.test_staff_flow import login


def test_served_visitor_is_asked_for_feedback_on_the_phone_page(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    ticket = client.post("/api/tickets", json={"service": "registration", "lang": "ru"}).json()
    phone = ticket["status_url"].removeprefix("http://testserver")
    assert "feedback" not in client.get(phone).text  # not before the visit
    make_user(engine, office_id, "aidos", "clerk")
    auth = {"authorization": f"Bearer {make_token(engine, 'aidos')}"}
    client.post("/api/service-points/cab1/call-next", headers=auth)
    client.post(f"/api/tickets/{ticket['id']}/finish", headers=auth)
    page = BeautifulSoup(client.get(phone).text, "html.parser")
    link = page.select_one(".phone-feedback a")
    assert link is not None and link["href"].endswith("/feedback/t/" + phone.rsplit("/", 1)[1])
    assert client.get(link["href"]).status_code == 200


def test_every_clerk_can_reach_the_complaint_form(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    login(client, engine, office_id, "desk", "clerk")
    menu = BeautifulSoup(client.get("/staff/password").text, "html.parser").select(".staff-nav a")
    hrefs = [a["href"] for a in menu]
    assert any(href.endswith("/staff/supervisor/complaints/new") for href in hrefs)
    assert not any(href.endswith("/staff/supervisor/") for href in hrefs)  # the head's pages
