"""The restore drill of the README's operations section, on the engine the tests run on
(SQLite, or PostgreSQL with KEZEK_TEST_DATABASE_URL): back up with ``kezek db backup``, go
on working, restore with ``kezek db restore``, and the office serves what was saved."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek.app import create_app
from kezek.queue.clock import Clock
from kezek.settings import Settings
from tests.conftest import make_token, make_user, run_kezek


def kezek(tmp_path: Path, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_kezek(
        tmp_path, *args, timeout=300, KEZEK_PROFILE="kyzylzhar", KEZEK_DATABASE_URL=database_url
    )


def waiting(client: TestClient) -> dict[str, int]:
    return {s["service"]: s["waiting"] for s in client.get("/api/queue").json()["services"]}


def test_back_up_change_restore_and_the_saved_office_is_served(
    tmp_path: Path, settings: Settings, engine: Engine, clock: Clock, database_url: str
) -> None:
    def office() -> TestClient:
        return TestClient(create_app(settings, engine=engine, clock=clock))

    with office() as client:
        saved = client.post("/api/tickets", json={"service": "registration"}).json()
    backup = tmp_path / "kezek.backup"
    done = kezek(tmp_path, database_url, "db", "backup", str(backup))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"backed up to {backup} (1 tickets)"

    with office() as client:  # the office goes on: a new ticket, a new clerk, a call
        later = client.post("/api/tickets", json={"service": "vacancies"}).json()
        make_user(engine, client.app.state.kezek.office_id, "late", "clerk")  # type: ignore[attr-defined]
        token = {"authorization": f"Bearer {make_token(engine, 'late')}"}
        called = client.post("/api/service-points/cab1/call-next", headers=token)
        assert called.json()["code"] == saved["code"]
        assert waiting(client) == {"registration": 0, "vacancies": 1, **_rest(client)}

    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database at all" * 100)
    refused = kezek(tmp_path, database_url, "db", "restore", str(junk))
    assert refused.returncode == 2 and "not a Kezek database" in refused.stderr
    done = kezek(tmp_path, database_url, "db", "restore", str(backup))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"restored from {backup} (1 tickets)"

    with office() as client:  # the service restarted on the restored database
        assert waiting(client)["registration"] == 1 and waiting(client)["vacancies"] == 0
        page = client.get(saved["status_url"])
        assert page.status_code == 200 and saved["code"] in page.text
        assert client.get(later["status_url"]).status_code == 404
        assert client.post("/api/service-points/cab1/call-next", headers=token).status_code == 401
        again = client.post("/api/tickets", json={"service": "vacancies"}).json()
        assert again["code"] == later["code"]  # numbering goes on from the saved day


def _rest(client: TestClient) -> dict[str, int]:
    return {k: v for k, v in waiting(client).items() if k not in ("registration", "vacancies")}


def test_a_restarted_service_forgets_the_grants_it_found_before(
    settings: Settings, engine: Engine, clock: Clock
) -> None:
    """The CI run of session 6: a restore (another process) took under 3 s, and the restarted
    service in the same process still honoured a token the restored database did not have."""
    with TestClient(create_app(settings, engine=engine, clock=clock)) as client:
        make_user(engine, client.app.state.kezek.office_id, "gone", "clerk")  # type: ignore[attr-defined]
        token = {"authorization": f"Bearer {make_token(engine, 'gone')}"}
        nobody = client.post("/api/service-points/cab1/call-next", headers=token)
        assert nobody.status_code not in (401, 403), nobody.text  # let in: nobody is waiting
    with engine.begin() as conn:  # what a restore does, behind the service's back
        conn.exec_driver_sql("UPDATE api_tokens SET revoked = true")
    with TestClient(create_app(settings, engine=engine, clock=clock)) as client:
        assert client.post("/api/service-points/cab1/call-next", headers=token).status_code == 401
