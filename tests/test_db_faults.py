"""When the database fails: what the log says (no personal data), what the answer says
(503 with Retry-After when it is unreachable or busy), how long SQLite makes a writer wait."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek import db, migrate
from kezek.app import create_app
from kezek.queue.clock import Clock
from kezek.settings import Settings
from tests.conftest import LiveServer, free_port, wait_until
from tests.test_staff_flow import CARD, good_iin, login, post


class Lines(logging.Handler):
    """Every log line, formatted as a log file would have it (with any traceback)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(("httpx", "httpcore")):
            return  # the test's own client
        self.lines.append((record.levelno, self.format(record)))


@pytest.fixture
def log_lines() -> Iterator[Lines]:
    handler = Lines()
    loggers = [
        logging.getLogger(),
        logging.getLogger("uvicorn"),
        logging.getLogger("uvicorn.error"),
    ]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    yield handler
    for lg, level in zip(loggers, levels, strict=True):
        lg.removeHandler(handler)
        lg.setLevel(level)


def _make_card_saves_fail(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql(
                "CREATE TRIGGER no_cards BEFORE INSERT ON cards "
                "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
            )
        else:
            conn.exec_driver_sql(
                "CREATE FUNCTION no_cards() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'the disk is full'; END $$"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER no_cards BEFORE INSERT ON cards "
                "FOR EACH ROW EXECUTE FUNCTION no_cards()"
            )


def test_a_failed_card_save_logs_one_line_without_the_iin_or_the_name(
    live_server: LiveServer, engine: Engine, log_lines: Lines
) -> None:
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        office_id = _office_id(engine)
        token = login(client, engine, office_id)  # type: ignore[arg-type]
        number = good_iin(date(1990, 3, 15), "f")
        _make_card_saves_fail(engine)
        log_lines.lines.clear()
        failed = post(client, "/staff/cards", token, {"iin": number, **CARD})  # type: ignore[arg-type]
    assert failed.status_code == 500
    assert "Something went wrong" in failed.text
    logged = "\n".join(text for _, text in log_lines.lines)
    for secret in (number, CARD["surname"], CARD["name"], CARD["phone"], CARD["address"]):
        assert secret not in logged, logged
    above_debug = [text for level, text in log_lines.lines if level > logging.DEBUG]
    assert len(above_debug) == 1, above_debug
    # The error class (SQLite: IntegrityError; a PostgreSQL RAISE: ProgrammingError).
    assert above_debug[0].endswith(("IntegrityError", "ProgrammingError")), above_debug
    assert "POST /staff/cards" in above_debug[0]
    assert "Traceback" not in above_debug[0]


def _office_id(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT min(id) FROM offices").scalar_one())


# --- a PostgreSQL of the test's own, to stop and start ----------------------------------------


class ScratchPostgres:
    """``initdb`` into a temporary directory, served on its own port on 127.0.0.1."""

    def __init__(self) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not bins:
            pytest.skip("PostgreSQL server binaries are not installed")
        self.bin = bins[-1].parent
        # PostgreSQL refuses to run as root: then it runs as the postgres user.
        self.prefix = _as_postgres()
        root = Path(tempfile.mkdtemp(prefix="kezek-pg-"))
        if self.prefix:
            shutil.chown(root, "postgres")
        self.root = root
        self.data = root / "pgdata"
        self.port = free_port()
        self.url = f"postgresql+psycopg://kezek@127.0.0.1:{self.port}/postgres"
        subprocess.run(
            [
                *self.prefix,
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "kezek",
                "-A",
                "trust",
            ],
            check=True,
            capture_output=True,
        )
        self.log = root / "pg.log"

    def start(self) -> None:
        subprocess.run(
            [
                *self.prefix,
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-w",
                "-o",
                f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off",
                "start",
            ],
            check=True,
            capture_output=True,
        )

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            [
                *self.prefix,
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-m",
                mode,
                "-w",
                "stop",
            ],
            check=False,
            capture_output=True,
        )


def _as_postgres() -> list[str]:
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


@pytest.fixture
def scratch_pg() -> Iterator[ScratchPostgres]:
    pg = ScratchPostgres()
    pg.start()
    engine = db.make_engine(pg.url, poolclass=sa.pool.NullPool)
    migrate.upgrade(engine)
    engine.dispose()
    yield pg
    pg.stop("immediate")
    shutil.rmtree(pg.root, ignore_errors=True)


@pytest.mark.slow
def test_a_stopped_postgresql_is_answered_503_with_retry_after_in_the_requests_language(
    scratch_pg: ScratchPostgres, tmp_path: Path
) -> None:
    settings = Settings(
        profile="demo",
        database_url=scratch_pg.url,
        spool_dir=str(tmp_path / "spool"),
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.post("/api/tickets", json={"service": "registration"}).status_code == 201
        scratch_pg.stop()
        api = client.post(
            "/api/tickets",
            json={"service": "registration", "lang": "ru"},
            headers={"accept-language": "ru"},
        )
        assert api.status_code == 503, api.text
        assert api.headers["retry-after"] == "2"
        assert api.json() == {
            "error": "busy",
            "message": "Система занята. Попробуйте ещё раз.",
        }
        page = client.get("/kiosk/?lang=en")
        assert page.status_code == 503 and page.headers["retry-after"] == "2"
        assert "The system is busy. Please try again." in page.text
        assert "content-security-policy" in page.headers
        scratch_pg.start()
        issued = wait_until(
            lambda: (
                client.post("/api/tickets", json={"service": "registration"}).status_code == 201
            ),
            seconds=1.0,
        )
        assert issued, "not back within a second"


def test_sqlite_busy_timeout_bounds_the_whole_wait(
    settings: Settings, clock: Clock, database_url: str
) -> None:
    """Writers of one process queue behind one lock: the timeout counts from the request,
    not from the moment SQLite's own wait starts."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's busy timeout")
    impatient = settings.model_copy(update={"busy_timeout_ms": 400})
    engine = db.make_engine(database_url, busy_timeout_ms=400)
    other = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    answers: list[tuple[int, float]] = []
    with TestClient(create_app(impatient, engine=engine, clock=clock)) as client:
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock throughout

        def take() -> None:
            began = time.monotonic()
            answer = client.post("/api/tickets", json={"service": "registration"})
            answers.append((answer.status_code, time.monotonic() - began))

        threads = [threading.Thread(target=take) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
        other.execute("ROLLBACK")
    other.close()
    engine.dispose()
    assert [status for status, _ in answers] == [503] * 6
    slowest = max(took for _, took in answers)
    assert slowest < 0.4 + 0.5, f"the last writer waited {slowest:.2f} s with 400 ms set"
