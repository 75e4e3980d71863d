"""``/healthz``, ``/readyz`` and ``kezek doctor`` (issue 16, operating it): what each says on
a working installation, on a database behind its migrations and on one that cannot be
reached; never a URL or a password."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek import migrate
from kezek.display import voice
from tests.conftest import POSTGRES

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ["database", "migrations", "catalogs", "assets"]
PRINTERS = ["printer kiosk/lobby", "printer desk/cab1", "printer desk/cab4"]


def by_name(answer: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {c["name"]: c for c in answer["checks"]}


def test_healthz_says_only_that_the_process_answers(client: TestClient) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


def test_readyz_on_a_working_office(client: TestClient, database_url: str) -> None:
    answer = client.get("/readyz")
    assert answer.status_code == 200, answer.text
    checks = by_name(answer.json())
    assert list(checks) == [*CHECKS, *PRINTERS, "voice"]
    assert all(c["status"] == "ok" for c in checks.values()), checks
    assert checks["assets"]["detail"].startswith("vendor/htmx-")
    assert database_url not in answer.text and "kezek:kezek@" not in answer.text


def test_readyz_fails_when_the_migrations_are_behind(client: TestClient, engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'fcbc9c721a4b'"))
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.json()["status"] == "fail"
    migrations = by_name(answer.json())["migrations"]
    assert migrations["status"] == "fail"
    head = ScriptDirectory.from_config(migrate.config(engine)).get_current_head()
    assert migrations["detail"] == f"at fcbc9c721a4b, the code needs {head}"
    assert "kezek db upgrade" in migrations["fix"]


@pytest.mark.parametrize("seams", [{"voice": voice.Voice("/nonexistent/espeak-ng")}], indirect=True)
def test_no_voice_engine_is_a_warning_not_a_failure(client: TestClient) -> None:
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert by_name(answer.json())["voice"]["status"] == "warn"
    assert "espeak-ng" in by_name(answer.json())["voice"]["fix"]


def doctor(tmp_path: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {
        "KEZEK_PROFILE": "kyzylzhar",
        "KEZEK_DATABASE_URL": database_url,
        "KEZEK_SPOOL_DIR": str(tmp_path / "spool"),
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),  # this checkout's kezek
    }
    return subprocess.run(
        [sys.executable, "-m", "kezek", "doctor"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


def test_doctor_on_a_working_installation(tmp_path: Path, database_url: str) -> None:
    done = doctor(tmp_path, database_url)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["OK"] * 8 + [
        "OK" if voice.Voice().available else "WARN"
    ]
    assert lines[0].split()[1] == "database" and lines[-1] == "ready to serve"
    assert "printer kyzylzhar:kiosk/lobby" in done.stdout


def test_doctor_names_what_to_do_and_never_the_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://kezek:s3cret-pw@127.0.0.1:1/kezek"  # nothing listens on port 1
    done = doctor(tmp_path, url)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines()[0].split() == [
        "FAIL",
        "database",
        "postgresql:",
        "not",
        "reachable",
        "(OperationalError)",
    ]
    assert "-> check KEZEK_DATABASE_URL" in done.stdout
    assert "s3cret" not in done.stdout + done.stderr and "Traceback" not in done.stderr
    assert done.stdout.splitlines()[-1] == "not ready: fix the FAIL lines above"
    missing = doctor(tmp_path, f"sqlite:///{tmp_path / 'none.sqlite3'}")
    assert missing.returncode == 1 and "no database file at" in missing.stdout
    assert not (tmp_path / "none.sqlite3").exists()  # the doctor creates nothing


@pytest.mark.skipif(not POSTGRES, reason="a database that refuses connections: PostgreSQL")
def test_readyz_fails_and_healthz_stays_when_the_database_refuses(
    client: TestClient, engine: Engine, database_url: str
) -> None:
    name = sa.make_url(database_url).database
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
        conn.execute(
            sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
    engine.dispose()
    try:
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert by_name(ready.json())["database"]["detail"] == (
            "postgresql: not reachable (OperationalError)"
        )
        assert "kezek:kezek@" not in ready.text
        assert client.get("/healthz").status_code == 200
        assert client.get("/metrics", headers={"authorization": "Bearer x"}).status_code == 503
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        admin.dispose()
