"""Issue 14 §2 (and §1's tablet): enrolled devices, priority only from an enrolled kiosk or
staff, and one public limit on every ticket-issuing route."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from kezek import db
from kezek.devices.models import Device
from kezek.queue.models import Ticket
from tests.conftest import enrol_device
from tests.test_kiosk_pages import soup, start, take
from tests.test_staff_flow import login, post

REAL_LIMIT = [{"public_limiter": None}]  # the profile's public limit: 3 a minute


def tickets(engine: Engine) -> list[Ticket]:
    with db.reading(engine) as session:
        return list(session.exec(select(Ticket)))


def test_an_admin_enrols_a_kiosk_by_a_one_time_code_and_revokes_it(
    app, engine: Engine, office_id: int
) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as admin, TestClient(app, client=("10.0.0.50", 4000)) as kiosk:
        csrf = login(admin, engine, office_id, "boss", "admin")
        made = post(admin, "/staff/admin/devices", csrf, {"kind": "kiosk", "name": "Hall kiosk"})
        assert made.status_code == 201
        code = soup(made).select_one("code.device-code").get_text()  # type: ignore[union-attr]
        with db.reading(engine) as session:
            row = session.exec(select(Device)).one()
        assert row.code_hash and code.replace("-", "") not in (row.code_hash or "")  # hashed
        assert start(kiosk)[0].select_one("#kiosk-priority") is None  # not yet a kiosk
        wrong = kiosk.post("/device/enrol", data={"code": "AAAA-BBBB"})
        assert wrong.status_code == 422 and "kezek_device" not in wrong.cookies
        done = kiosk.post("/device/enrol?lang=en", data={"code": code.lower()})
        assert done.status_code == 200 and "enrolled as: kiosk «Hall kiosk»" in done.text
        assert start(kiosk)[0].select_one("#kiosk-priority") is not None
        assert take(kiosk, priority="1").status_code == 201
        with TestClient(app, client=("10.0.0.51", 4000)) as other:  # the code works once
            assert other.post("/device/enrol", data={"code": code}).status_code == 422
        listed = soup(admin.get("/staff/admin/devices")).select("table.devices tbody tr")
        assert "Hall kiosk" in listed[0].get_text() and row.id is not None
        assert post(admin, f"/staff/admin/devices/{row.id}/revoke", csrf).status_code == 200
        assert take(kiosk, priority="1").status_code == 403  # revoked: a browser like any other
        assert "Hall kiosk" not in admin.get("/staff/admin/devices").text


def test_priority_tickets_need_an_enrolled_kiosk_or_staff(
    client: TestClient, engine: Engine, office_id: int, clerk_token: str
) -> None:
    api = client.post("/api/tickets", json={"service": "registration", "priority": True})
    assert api.status_code == 403 and api.json()["error"] == "forbidden"
    page = soup(take(client, priority="1", lang="ru"))
    assert "Приоритетные талоны выдаёт терминал отдела" in page.get_text()
    assert tickets(engine) == []  # nothing issued
    staff = {"authorization": f"Bearer {clerk_token}"}
    by_staff = client.post(
        "/api/tickets", json={"service": "registration", "priority": True}, headers=staff
    )
    assert by_staff.status_code == 201
    enrol_device(engine, office_id, "kiosk", client)
    assert take(client, priority="1").status_code == 201
    assert [t.priority for t in tickets(engine)] == [True, True]


@pytest.mark.parametrize("seams", REAL_LIMIT, indirect=True)
def test_one_public_limit_for_every_issuing_route(
    app, engine: Engine, office_id: int, clerk_token: str
) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app, client=("10.0.0.9", 4000)) as someone:
        assert someone.post("/api/tickets", json={"service": "registration"}).status_code == 201
        assert take(someone).status_code == 201  # the kiosk form, same address
        assert someone.post("/api/tickets", json={"service": "certificate"}).status_code == 201
        over = someone.post("/api/tickets?lang=en", json={"service": "registration"})
        assert over.status_code == 429 and int(over.headers["retry-after"]) > 0
        assert "Too many tickets from this address" in over.json()["message"]
        assert take(someone).status_code == 429  # and the kiosk form too
        staff = {"authorization": f"Bearer {clerk_token}"}
        by_staff = someone.post("/api/tickets", json={"service": "registration"}, headers=staff)
        assert by_staff.status_code == 201  # staff are not held to it
        enrol_device(engine, office_id, "kiosk", someone)
        assert take(someone).status_code == 201  # an enrolled kiosk has its own limit
    assert len(tickets(engine)) == 5


def test_the_feedback_tablet_works_only_on_an_enrolled_tablet(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    refused = client.get("/feedback/point/cab1", headers={"accept-language": "en"})
    assert refused.status_code == 403
    assert "only on the office's feedback tablet" in soup(refused).get_text()
    assert client.post("/feedback/point/cab1", data={"visit": "1", "q1": "5"}).status_code == 403
    enrol_device(engine, office_id, "kiosk", client)
    assert client.get("/feedback/point/cab1").status_code == 403  # a kiosk is not a tablet
    enrol_device(engine, office_id, "tablet", client)
    assert client.get("/feedback/point/cab1").status_code == 200


@pytest.mark.parametrize("profile_name", ["demo"])
def test_the_demo_enrols_its_own_kiosk_on_this_machine(app, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app, client=("127.0.0.1", 5000)) as local:
        page = soup(local.get("/kiosk/"))
        assert page.select_one("#kiosk-priority") is not None
        assert "kezek_device" in local.cookies
        local.get("/kiosk/")
    with TestClient(app, client=("10.0.0.5", 5000)) as remote:
        assert soup(remote.get("/kiosk/")).select_one("#kiosk-priority") is None
    with db.reading(engine) as session:
        assert len(session.exec(select(Device)).all()) == 1  # once, not per visit
