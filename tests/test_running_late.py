"""Issue 17: "I am running late" moves a waiting ticket back a few places (the profile's
late_places, 3), once, while it keeps its target; appendix 1.2 still counts from the issue.
And the place shown ("N ahead", "you are next", the console's list) is the place the next
call takes, under the protecting order too."""

from __future__ import annotations

from datetime import date
from typing import Any

from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek import db
from kezek.indicators import data
from kezek.queue.clock import ManualClock
from tests.conftest import make_token, make_user
from tests.test_replay import ISSUE, office, run  # noqa: F401  (the fixture)
from tests.test_staff_flow import issue, login, post, soup

EN = {"accept-language": "en"}
HTMX = {"hx-request": "true", "hx-target": "queue-panel"}


def phone(client: TestClient, ticket: dict[str, Any]) -> BeautifulSoup:
    url = ticket["status_url"].removeprefix("http://testserver")
    return BeautifulSoup(client.get(url + "?lang=en").text, "html.parser")


def press_late(client: TestClient, ticket: dict[str, Any]) -> BeautifulSoup:
    """Press the phone page's button, as the visitor does."""
    page = phone(client, ticket)
    form = page.select_one("form.phone-late")
    assert form is not None, "no 'I am running late' button"
    assert "I am running late" in form.get_text()
    return BeautifulSoup(
        client.post(str(form["action"]), follow_redirects=True).text, "html.parser"
    )


def place(page: BeautifulSoup) -> str:
    return page.select_one(".phone-place").get_text(strip=True)


def call_codes(client: TestClient, engine: Engine, office_id: int, count: int) -> list[str]:
    make_user(engine, office_id, "aidos", "clerk")
    auth = {"authorization": f"Bearer {make_token(engine, 'aidos')}"}
    codes = []
    for _ in range(count):
        called = client.post("/api/service-points/cab1/next", headers=auth)
        assert called.status_code == 200, called.text
        codes.append(called.json()["code"])
    return codes


def test_running_late_moves_the_ticket_back_three_places_once(
    client: TestClient, engine: Engine, office_id: int, now: ManualClock
) -> None:
    first = issue(client)
    others = []
    for _ in range(4):
        now.advance(minutes=1)
        others.append(issue(client))
    assert place(phone(client, first)) == "Your place in the queue: 1"
    page = press_late(client, first)
    assert place(page) == "Your place in the queue: 4"  # behind the next three
    assert page.select_one("form.phone-late") is None  # once: not offered again
    again = client.post(f"/t/{first['status_url'].rsplit('/', 1)[1]}/late?lang=en")
    assert again.status_code == 409
    assert "already moved this ticket back once" in soup(again).get_text()
    codes = call_codes(client, engine, office_id, 5)
    assert codes == [others[0]["code"], others[1]["code"], others[2]["code"], first["code"]] + [
        others[3]["code"]
    ]


def test_the_api_moves_back_by_token_and_refuses_a_second_time(
    client: TestClient, now: ManualClock
) -> None:
    first = issue(client)
    for _ in range(2):
        issue(client)
    token = first["status_url"].rsplit("/", 1)[1]
    moved = client.post(f"/api/tickets/by-token/{token}/late")
    assert moved.status_code == 200, moved.text
    assert moved.json()["position"] == 3  # only two behind: behind the last of them
    again = client.post(f"/api/tickets/by-token/{token}/late", headers={"accept-language": "ru"})
    assert again.status_code == 409
    assert "Вы уже" in again.json()["message"]
    assert client.post("/api/tickets/by-token/nosuchtokennosuchtoken/late").status_code == 404
    assert "/api/tickets/by-token/{token}/late" in client.get("/api/openapi.json").json()["paths"]


def test_nobody_behind_is_refused_and_the_press_is_not_used(client: TestClient) -> None:
    only = issue(client)
    token = only["status_url"].rsplit("/", 1)[1]
    refused = client.post(f"/api/tickets/by-token/{token}/late", headers=EN)
    assert refused.status_code == 409 and "Nobody waits behind you" in refused.json()["message"]
    issue(client)
    assert client.post(f"/api/tickets/by-token/{token}/late").json()["position"] == 2


def test_a_move_that_would_breach_the_target_is_refused(
    client: TestClient, now: ManualClock
) -> None:
    first = issue(client)
    for _ in range(3):
        issue(client)
    now.advance(minutes=29)  # 29 waited + 3 ahead × 10 min ÷ the cabinets > 40 minutes
    token = first["status_url"].rsplit("/", 1)[1]
    refused = client.post(f"/api/tickets/by-token/{token}/late", headers=EN)
    assert refused.status_code == 409, refused.text
    assert "over 40 minutes" in refused.json()["message"]
    assert client.get(f"/api/tickets/by-token/{token}").json()["position"] == 1


def at(hhmm: str) -> str:
    return f"2026-05-05T{hhmm}"


def test_a_late_visit_still_waits_from_its_issue_for_the_indicator(
    office: tuple[Engine, Any, int],  # noqa: F811
) -> None:
    """T1 moves back at 09:04 and is called at 09:41: 41 minutes from its issue (not the 38
    from its new place), so it is not within 40 minutes."""
    engine, _profile, office_id = office
    script: list[dict[str, Any]] = [
        ISSUE,
        *({**ISSUE, "at": at(f"09:0{m}"), "as": f"T{m + 1}"} for m in (1, 2, 3)),
        {"at": at("09:04"), "do": "late", "ticket": "T1"},
        {"at": at("09:10"), "do": "next", "point": "cab1", "expect": "T2"},
        {"at": at("09:20"), "do": "next", "point": "cab1", "expect": "T3"},
        {"at": at("09:29"), "do": "next", "point": "cab1", "expect": "T4"},
        {"at": at("09:41"), "do": "next", "point": "cab1", "expect": "T1"},
        {"at": at("09:45"), "do": "finish", "ticket": "T1"},
    ]
    assert run(office, script) == len(script)
    day = date(2026, 5, 5)
    with db.reading(engine) as session:
        assert data.waits(session, office_id, day, day) == (3, 4)  # within, counted


def test_the_place_shown_is_the_place_the_protecting_order_calls(
    client: TestClient, engine: Engine, office_id: int, now: ManualClock
) -> None:
    """kyzylzhar protects the target: a ticket that has waited 31 of its 40 minutes goes
    before a fresh priority one, and its phone page and the console say so."""
    old = issue(client)
    now.advance(minutes=31)
    fresh = client.post("/api/tickets", json={"service": "registration", "priority": True})
    assert fresh.status_code in (201, 403), fresh.text
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab1"})
    if fresh.status_code == 403:  # a priority ticket needs staff or a kiosk
        fresh = client.post(
            "/api/tickets",
            json={"service": "registration", "priority": True},
            headers={"authorization": f"Bearer {make_token(engine, 'clerk1')}"},
        )
    priority = fresh.json()
    page = phone(client, old)
    assert place(page) == "Your place in the queue: 1"
    assert "You are next" in page.get_text()
    assert place(phone(client, priority)) == "Your place in the queue: 2"
    panel = soup(client.get("/staff/"))
    codes = [c.get_text(" ", strip=True) for c in panel.select("table.queue .code-cell")]
    assert [c.split()[0] for c in codes[:2]] == [old["code"], priority["code"]]
    called = soup(post(client, "/staff/call-next", token, headers=HTMX))
    assert old["code"] in called.get_text()


def test_the_quoted_range_follows_the_move(client: TestClient, now: ManualClock) -> None:
    """The range is counted at the place shown, so moving back three places lengthens it."""
    first = issue(client)
    for _ in range(4):
        now.advance(minutes=1)
        issue(client)
    token = first["status_url"].rsplit("/", 1)[1]

    def quoted() -> tuple[int, int, int]:
        body = client.get(f"/api/tickets/by-token/{token}").json()
        return body["position"], body["estimate_low_min"], body["estimate_high_min"]

    before = quoted()
    press_late(client, first)
    after = quoted()
    assert (before[0], after[0]) == (1, 4)
    assert after[1] + after[2] > before[1] + before[2]
