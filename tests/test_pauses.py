"""Pause with a reason (issue 17): a paused service point is not called to, says so on the
console, the supervisor's screen and the cabinet's display, and its time counts by reason
(``pauses.pause_seconds``); a pause open at closing ends at closing."""

from __future__ import annotations

from datetime import timedelta

from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from kezek import db
from kezek.queue import pauses, tickets
from kezek.queue.clock import Clock, ManualClock
from kezek.queue.models import ServicePoint, User
from tests.conftest import make_token, make_user
from tests.test_staff_flow import issue, login, post, soup

HTMX = {"hx-request": "true", "hx-target": "queue-panel"}


def test_the_api_pauses_refuses_calls_and_resumes(client: TestClient, clerk_token: str) -> None:
    staff = {"authorization": f"Bearer {clerk_token}", "accept-language": "en"}
    cab1 = "/api/service-points/cab1"
    first = issue(client)
    paused = client.post(f"{cab1}/pause", json={"reason": "break"}, headers=staff)
    assert paused.status_code == 200, paused.text
    assert paused.json() | {"since": None} == {
        "point": "cab1",
        "paused": True,
        "reason": "break",
        "note": None,
        "since": None,
    }
    for action in ("call-next", "next"):
        refused = client.post(f"{cab1}/{action}", headers=staff)
        assert refused.status_code == 409
        assert refused.json()["message"] == (
            "This service point is paused: resume it to call visitors."
        )
    ru = client.post(f"{cab1}/call-next", headers={**staff, "accept-language": "ru"})
    assert ru.status_code == 409 and "приостановлен" in ru.json()["message"]
    called = client.post(f"{cab1}/call/{first['id']}", json={"reason": "asked"}, headers=staff)
    assert called.status_code == 409  # out of order neither
    again = client.post(f"{cab1}/pause", json={"reason": "paperwork"}, headers=staff)
    assert again.status_code == 409 and "already paused" in again.json()["message"]
    resumed = client.post(f"{cab1}/resume", headers=staff)
    assert resumed.status_code == 200 and resumed.json()["paused"] is False
    assert client.post(f"{cab1}/resume", headers=staff).status_code == 409
    assert client.post(f"{cab1}/call-next", headers=staff).json()["code"] == first["code"]
    in_hand = client.post(f"{cab1}/pause", json={"reason": "break"}, headers=staff)
    assert in_hand.status_code == 409 and first["code"] in in_hand.json()["message"]


def test_the_api_refuses_bad_pauses(client: TestClient, clerk_token: str) -> None:
    staff = {"authorization": f"Bearer {clerk_token}", "accept-language": "en"}
    pause = "/api/service-points/cab1/pause"
    for body, field in (
        ({"reason": "nap"}, "reason"),
        ({}, "reason"),
        ({"reason": "other", "note": "x" * 201}, "note"),
        ({"reason": "break", "extra": 1}, "extra"),
    ):
        refused = client.post(pause, json=body, headers=staff)
        assert refused.status_code == 422 and refused.json()["field"] == field, body
    no_note = client.post(pause, json={"reason": "other", "note": "  "}, headers=staff)
    assert no_note.status_code == 422 and "why" in no_note.json()["message"]
    assert client.post(pause, json={"reason": "break"}).status_code == 401
    assert (
        client.post(
            "/api/service-points/nope/pause", json={"reason": "break"}, headers=staff
        ).status_code
        == 404
    )


def test_another_clerks_point_cannot_be_paused(
    client: TestClient, engine: Engine, office_id: int, clerk_token: str
) -> None:
    staff = {"authorization": f"Bearer {clerk_token}", "accept-language": "en"}
    assert (
        client.post(
            "/api/service-points/cab1/pause", json={"reason": "break"}, headers=staff
        ).status_code
        == 200
    )
    make_user(engine, office_id, "clerk2", "clerk")
    other = {"authorization": f"Bearer {make_token(engine, 'clerk2')}"}
    refused = client.post("/api/service-points/cab1/resume", headers=other)
    assert refused.status_code == 403


def _state(page: BeautifulSoup, point: str) -> str:
    for row in page.select("table.grid tr"):
        cells = row.find_all("td")
        if cells and point in cells[0].get_text():
            return cells[1].get_text(" ", strip=True)
    raise AssertionError(point)


def test_the_console_pauses_with_a_reason_and_every_screen_says_so(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab1"})
    issue(client)
    page = soup(client.get("/staff/"))
    button = page.select_one("#pause-form [data-key=KeyP]")
    assert button is not None and "Alt+P" in button.get_text()
    reasons = [o.get_text() for o in page.select("#pause-reason option")]
    assert reasons == ["break", "paperwork", "other"]
    refused = soup(post(client, "/staff/pause", token, {"reason": "other"}, headers=HTMX))
    assert "why the service point is paused" in refused.get_text()
    panel = soup(post(client, "/staff/pause", token, {"reason": "paperwork"}, headers=HTMX))
    assert "Paused: paperwork" in panel.select_one("#paused").get_text()
    assert panel.select_one("#call-next").has_attr("disabled")
    assert panel.select_one("#pause-form") is None
    assert "Alt+U" in panel.select_one("[data-key=KeyU]").get_text()
    refused = soup(post(client, "/staff/call-next", token, headers=HTMX))
    assert "paused: resume it" in refused.get_text()

    display = soup(client.get("/display/point/cab1"))
    said = display.select_one("#paused").get_text(" ")
    assert "іс қағаздары" in said and "работа с документами" in said  # kk and ru, no note

    login(client, engine, office_id, "boss", "supervisor")
    assert _state(soup(client.get("/staff/supervisor/")), "No. 1").startswith("Paused: paperwork")

    token = login(client, engine, office_id, create=False)
    panel = soup(post(client, "/staff/resume", token, headers=HTMX))
    assert panel.select_one("#paused") is None
    assert not panel.select_one("#call-next").has_attr("disabled")
    assert soup(client.get("/display/point/cab1")).select_one("#paused") is None


def test_pause_time_counts_by_reason_and_a_pause_ends_at_closing(
    engine: Engine, office_id: int, clock: Clock, now: ManualClock
) -> None:
    with db.reading(engine) as session:
        point = session.exec(select(ServicePoint).where(ServicePoint.code == "cab1")).one()
        user = session.exec(select(User)).first()
    user_id = user.id if user else None
    start = clock.now()
    with db.transaction(engine) as session:
        pauses.pause(session, clock, point, user_id, "break")
    now.advance(minutes=10)
    with db.transaction(engine) as session:
        pauses.resume(session, clock, point)
    closing = clock.closing_at(clock.business_day())
    assert closing is not None
    now.at = closing - timedelta(minutes=10)
    with db.transaction(engine) as session:
        pauses.pause(session, clock, point, user_id, "other", "a meeting")
    now.advance(minutes=40)  # past closing
    with db.transaction(engine) as session:
        tickets.close_day(session, clock, office_id, clock.business_day())
        assert pauses.open_pause(session, point.id) is None
    day_end = start + timedelta(hours=12)
    with db.reading(engine) as session:
        whole = pauses.pause_seconds(session, office_id, start, day_end)
        part = pauses.pause_seconds(
            session, office_id, start + timedelta(minutes=5), start + timedelta(minutes=8)
        )
    assert whole == {(point.id, user_id): {"break": 600.0, "other": 600.0}}
    assert part == {(point.id, user_id): {"break": 180.0}}


def test_an_open_pause_counts_until_now(
    engine: Engine, office_id: int, clock: Clock, now: ManualClock
) -> None:
    with db.reading(engine) as session:
        point = session.exec(select(ServicePoint).where(ServicePoint.code == "cab4")).one()
    start = clock.now()
    with db.transaction(engine) as session:
        pauses.pause(session, clock, point, None, "break")
    now.advance(minutes=7)
    with db.reading(engine) as session:
        found = pauses.pause_seconds(
            session, office_id, start, start + timedelta(hours=1), now=clock.now()
        )
    assert found == {(point.id, None): {"break": 420.0}}
