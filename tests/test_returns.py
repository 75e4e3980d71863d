"""The visitor who does not come (issue 17): recalls are bounded by the profile, and a
no-show may come back within the profile's window, behind those waiting now; appendix 1.2
counts its waiting periods and not the time it was away."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from kezek import db
from kezek.queue import returns, tickets
from kezek.queue.clock import Clock, ManualClock
from kezek.queue.models import ServicePoint, Status, Ticket
from tests.conftest import make_token, make_user
from tests.test_staff_flow import issue, login, post, soup
from tests.test_visit_waits import call, figures
from tests.test_visit_waits import issue as issue_at

EN = {"accept-language": "en"}
HTMX = {"hx-request": "true", "hx-target": "queue-panel"}


def _move(engine: Engine, clock: Clock, fn, ticket: Ticket, *args: object) -> Ticket:  # type: ignore[no-untyped-def]
    with db.transaction(engine) as session:
        return fn(session, clock, session.get_one(Ticket, ticket.id), None, *args)  # type: ignore[no-any-return]


@pytest.mark.parametrize(("late", "within"), [(0, True), (1, False)])
def test_a_returned_visit_counts_both_waits_and_not_the_time_away(
    engine: Engine, clock: Clock, now: ManualClock, office_id: int, late: int, within: bool
) -> None:
    """A waits 20 min, is called, does not come; back 20 min after the no-show it goes
    behind C, who came meanwhile, and is called 20 min after its return: 40:00, within
    (the 25 min away are not waiting); a second more and it is not."""
    a = issue_at(engine, clock)
    now.advance(minutes=10)
    b = issue_at(engine, clock)
    now.advance(minutes=10)
    assert call(engine, clock).id == a.id  # 10:20, A waited 20 minutes
    now.advance(minutes=5)
    _move(engine, clock, tickets.no_show, a)
    now.advance(minutes=1)
    assert call(engine, clock).id == b.id  # B waited 16 minutes
    _move(engine, clock, tickets.finish, b)
    now.advance(minutes=9)
    c = issue_at(engine, clock)  # 10:35
    now.advance(minutes=10)
    back = _move(engine, clock, returns.return_to_queue, a, 30)  # 10:45
    assert (back.code, back.status, back.parent_id) == (a.code, Status.waiting, a.id)
    with db.reading(engine) as session:  # the visit waits again: its figures wait too
        assert session.get_one(Ticket, a.id).wait_seconds is None
    now.advance(minutes=5)
    assert call(engine, clock).id == c.id  # behind those waiting when it came back
    _move(engine, clock, tickets.finish, c)
    now.advance(minutes=15, seconds=late)
    assert call(engine, clock).id == back.id  # 11:05: 20 minutes after its return
    with db.reading(engine) as session:
        root = session.get_one(Ticket, a.id)
        assert (root.wait_seconds, root.within_target) == (40 * 60 + late, within)
    assert figures(engine, office_id, clock.business_day()) == (2 + int(within), 3)


def _called_no_show(client: TestClient, staff: dict[str, str]) -> dict[str, object]:
    ticket = issue(client)
    called = client.post("/api/service-points/cab1/call-next", headers=staff)
    assert called.json()["id"] == ticket["id"]
    assert client.post(f"/api/tickets/{ticket['id']}/no-show", headers=staff).status_code == 200
    return ticket


def test_the_api_returns_a_no_show_within_the_window_once(
    client: TestClient, clerk_token: str, now: ManualClock
) -> None:
    staff = {"authorization": f"Bearer {clerk_token}", **EN}
    ticket = _called_no_show(client, staff)
    now.advance(minutes=30)  # 30:00 is within the profile's 30 minutes
    back = client.post(f"/api/tickets/{ticket['id']}/return", headers=staff)
    assert back.status_code == 200, back.text
    assert back.json()["code"] == ticket["code"] and back.json()["status"] == "waiting"
    phone = soup(client.get(str(ticket["status_url"]), params={"lang": "en"}))  # it follows
    assert "Your place in the queue: 1" in phone.get_text()
    assert "sent to this service" not in phone.get_text()
    twice = client.post(f"/api/tickets/{ticket['id']}/return", headers=staff)
    assert twice.status_code == 409 and "back in the queue already" in twice.json()["message"]
    again = client.post("/api/service-points/cab1/call-next", headers=staff).json()
    assert again["id"] == back.json()["id"]
    client.post(f"/api/tickets/{again['id']}/finish", headers=staff)

    late = _called_no_show(client, staff)
    now.advance(minutes=30, seconds=1)
    refused = client.post(f"/api/tickets/{late['id']}/return", headers=staff)
    assert refused.status_code == 409
    assert refused.json()["message"] == (
        f"Ticket {late['code']} can come back only within 30 minutes of its no-show."
    )
    waiting = issue(client)
    not_a_no_show = client.post(f"/api/tickets/{waiting['id']}/return", headers=staff)
    assert not_a_no_show.status_code == 409
    assert client.post(f"/api/tickets/{ticket['id']}/return").status_code == 401
    assert client.post("/api/tickets/99999/return", headers=staff).status_code == 404


def test_a_no_show_comes_back_by_its_clerk_or_a_supervisor(
    client: TestClient, engine: Engine, office_id: int, clerk_token: str
) -> None:
    staff = {"authorization": f"Bearer {clerk_token}", **EN}
    ticket = _called_no_show(client, staff)
    make_user(engine, office_id, "clerk2", "clerk")
    other = {"authorization": f"Bearer {make_token(engine, 'clerk2')}", **EN}
    client.post("/api/service-points/cab4/pause", json={"reason": "break"}, headers=other)
    refused = client.post(f"/api/tickets/{ticket['id']}/return", headers=other)
    assert refused.status_code == 403
    make_user(engine, office_id, "boss", "supervisor")
    boss = {"authorization": f"Bearer {make_token(engine, 'boss')}", **EN}
    assert client.post(f"/api/tickets/{ticket['id']}/return", headers=boss).status_code == 200


def test_a_recall_past_the_profiles_three_is_refused_and_says_no_show(
    client: TestClient, clerk_token: str
) -> None:
    staff = {"authorization": f"Bearer {clerk_token}", **EN}
    ticket = issue(client)
    client.post("/api/service-points/cab1/call-next", headers=staff)
    recall = f"/api/tickets/{ticket['id']}/recall"
    for count in (1, 2, 3):
        done = client.post(recall, headers=staff)
        assert done.status_code == 200 and done.json()["recall_count"] == count
    fourth = client.post(recall, headers=staff)
    assert fourth.status_code == 409
    assert fourth.json()["message"] == (
        f"Ticket {ticket['code']} was called again 3 times: mark it a no-show."
    )
    ru = client.post(recall, headers={**staff, "accept-language": "ru"})
    assert "отметьте неявку" in ru.json()["message"]
    assert client.post(f"/api/tickets/{ticket['id']}/no-show", headers=staff).status_code == 200


def test_the_console_bounds_recalls_and_brings_a_no_show_back(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab1"})
    first = issue(client)
    post(client, "/staff/call-next", token, headers=HTMX)
    recall = f"/staff/tickets/{first['id']}/recall"
    for _ in range(3):
        panel = soup(post(client, recall, token, headers=HTMX))
    assert panel.select_one("[data-key=KeyR]") is None
    assert "Called again 3 times" in panel.select_one("#recalls-used").get_text()
    refused = soup(post(client, recall, token, headers=HTMX))
    assert "mark it a no-show" in refused.get_text()
    panel = soup(post(client, f"/staff/tickets/{first['id']}/no-show", token, headers=HTMX))
    back = panel.select_one(".returnable [data-key=KeyB]")
    assert back is not None and "Alt+B" in back.get_text()
    assert first["code"] in panel.select_one(".returnable").get_text()
    panel = soup(post(client, f"/staff/tickets/{first['id']}/return", token, headers=HTMX))
    assert panel.select_one(".returnable") is None
    codes = [c.get_text(" ", strip=True) for c in panel.select("table.queue .code-cell")]
    assert codes == [first["code"]]


def test_a_returned_visit_near_its_target_is_called_first_and_told_so(
    engine: Engine, clock: Clock, now: ManualClock, office_id: int
) -> None:
    """Under the protecting order (§ appendix 1.2) a no-show that comes back has the wait of
    its visit: A waited 33 minutes before its call, so 2 minutes after its return it is at
    risk (the profile warns at 30) and is called before B, who came 20 minutes ago and has
    time; its phone page says so. The call took B: the rows that can be urgent were found by
    their issue time, and a returned row is issued at its return."""
    from kezek.profile_sync import call_order
    from kezek.queue import reads
    from kezek.settings import load_profile

    order = call_order(load_profile("kyzylzhar"))
    a = issue_at(engine, clock)  # 10:00
    now.advance(minutes=33)
    with db.transaction(engine) as session:
        point = session.exec(select(ServicePoint).where(ServicePoint.code == "cab1")).one()
        assert tickets.call_next(session, clock, point, None, order).id == a.id  # type: ignore[union-attr]
    now.advance(minutes=2)
    _move(engine, clock, tickets.no_show, a)  # 10:35
    b = issue_at(engine, clock)  # 10:35
    now.advance(minutes=10)
    back = _move(engine, clock, returns.return_to_queue, a, 30)  # 10:45, behind B
    now.advance(minutes=2)  # the visit has waited 33 + 2 minutes: at risk; B 12, fresh
    with db.reading(engine) as session:
        assert reads.position(session, session.get_one(Ticket, back.id), order, now()) == 1
        assert reads.position(session, session.get_one(Ticket, b.id), order, now()) == 2
    with db.transaction(engine) as session:
        point = session.exec(select(ServicePoint).where(ServicePoint.code == "cab1")).one()
        assert tickets.call_next(session, clock, point, None, order).id == back.id  # type: ignore[union-attr]
    with db.reading(engine) as session:
        assert session.get_one(Ticket, a.id).wait_seconds == 35 * 60  # what 1.2 counts
