"""Several offices in one database: each its own services, numbering, users and queue."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.conftest import make_token, make_user


@pytest.fixture
def profile_name() -> str:
    return "kyzylzhar,demo"


def test_two_offices_share_nothing_but_the_database(client: TestClient, engine: Engine) -> None:
    offices = client.app.state.offices  # type: ignore[attr-defined]
    assert sorted(offices) == ["demo", "kyzylzhar"]
    first = client.post("/api/tickets", json={"service": "registration"}).json()
    other = client.post("/o/demo/api/tickets", json={"service": "registration"}).json()
    assert first["code"] == other["code"] == "А-001"  # each office numbers its own day
    assert other["status_url"].startswith("http://testserver/o/demo/t/")
    assert client.get(f"/o/demo/api/tickets/{first['id']}").status_code == 401  # staff only
    assert client.get("/o/demo/api/queue").json()["services"][0]["waiting"] == 1
    assert client.get("/o/elsewhere/api/queue").status_code == 404

    make_user(engine, offices["kyzylzhar"].office_id, "kclerk", "clerk")
    make_user(engine, offices["demo"].office_id, "dclerk", "clerk")
    kyzylzhar = {"authorization": f"Bearer {make_token(engine, 'kclerk')}"}
    demo = {"authorization": f"Bearer {make_token(engine, 'dclerk')}"}
    # A clerk of one office can do nothing in another.
    assert (
        client.post("/o/demo/api/service-points/cab1/call-next", headers=kyzylzhar).status_code
        == 401
    )
    assert client.post("/api/service-points/cab1/call-next", headers=demo).status_code == 401
    called = client.post("/o/demo/api/service-points/cab1/call-next", headers=demo).json()
    assert called["id"] == other["id"]
    assert client.post(f"/api/tickets/{other['id']}/finish", headers=kyzylzhar).status_code == 404
    assert client.get("/api/queue").json()["services"][0]["waiting"] == 1  # untouched


def test_workers_starting_together_load_the_profile_once_each(engine: Engine) -> None:
    """Several workers start at the same moment and each puts the profile into the database."""
    from concurrent.futures import ThreadPoolExecutor

    from kezek import db, profile_sync
    from kezek.settings import load_profile

    profile = load_profile("kyzylzhar")

    def load(_: int) -> int:
        with db.transaction(engine) as session:
            return profile_sync.sync_profile(session, profile).id  # type: ignore[return-value]

    with ThreadPoolExecutor(6) as pool:
        assert len(set(pool.map(load, range(12)))) == 1
