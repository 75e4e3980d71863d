"""Several offices in one database: each its own services, numbering, users and queue."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek.settings import PROFILES_DIR
from tests.conftest import make_token, make_user

OTHER = "Отдел занятости Бескольского сельского округа"


@pytest.fixture
def profile_name(tmp_path: Path) -> str:
    """Kyzylzhar, the demo office (a copy of it), and one with a name and a service of its
    own."""
    text = (PROFILES_DIR / "kyzylzhar.toml").read_text(encoding="utf-8")
    text = text.replace('slug = "kyzylzhar"', 'slug = "beskol"')
    ours = "Отдел занятости и социальных программ Кызылжарского района"
    text = text.replace(f'ru = "{ours}"', f'ru = "{OTHER}"')
    text = text.replace('ru = "Вакансии"', 'ru = "Переподготовка"')
    path = tmp_path / "beskol.toml"
    path.write_text(text, encoding="utf-8")
    return f"kyzylzhar,demo,{path}"


def kiosk(client: TestClient, prefix: str = "") -> BeautifulSoup:
    return BeautifulSoup(client.get(f"{prefix}/kiosk/?lang=ru").text, "html.parser")


def services(page: BeautifulSoup) -> list[str]:
    return [el.get_text(strip=True) for el in page.select(".kiosk-service-name")]


def test_each_office_shows_its_own_name_services_and_queue(client: TestClient) -> None:
    """What a visitor sees of one office, never anything of the other."""
    ours, theirs = kiosk(client), kiosk(client, "/o/beskol")
    kyzylzhar = "Отдел занятости и социальных программ Кызылжарского района"
    assert ours.select_one(".kiosk-office").get_text(strip=True) == kyzylzhar  # type: ignore[union-attr]
    assert theirs.select_one(".kiosk-office").get_text(strip=True) == OTHER  # type: ignore[union-attr]
    assert OTHER not in str(ours) and kyzylzhar not in str(theirs)
    assert services(ours)[1] == "Вакансии" and services(theirs)[1] == "Переподготовка"
    assert "Переподготовка" not in str(ours) and "Вакансии" not in str(theirs)

    taken = client.post("/api/tickets", json={"service": "vacancies"}).json()
    assert taken["code"] == "Б-001"
    queue = {
        s["service"]: s["waiting"] for s in client.get("/o/beskol/api/queue").json()["services"]
    }
    assert queue["vacancies"] == 0  # the other office's queue is untouched
    assert {s["service"]: s["waiting"] for s in client.get("/api/queue").json()["services"]}[
        "vacancies"
    ] == 1
    phone = client.get(taken["status_url"].replace("/t/", "/o/beskol/t/"))
    assert phone.status_code == 404  # nor is its ticket reachable there


def test_two_offices_share_nothing_but_the_database(client: TestClient, engine: Engine) -> None:
    offices = client.app.state.offices  # type: ignore[attr-defined]
    assert sorted(offices) == ["beskol", "demo", "kyzylzhar"]
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
