"""When the database fails: what the log says (no personal data), what the answer says
(503 with Retry-After when it is unreachable or busy), how long SQLite makes a writer wait."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.conftest import LiveServer
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
    loggers = [logging.getLogger(), logging.getLogger("uvicorn"), logging.getLogger("uvicorn.error")]
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
    assert "IntegrityError" in above_debug[0] or "InternalError" in above_debug[0] or (
        "RaiseException" in above_debug[0]
    ), above_debug
    assert "POST /staff/cards" in above_debug[0]
    assert "Traceback" not in above_debug[0]


def _office_id(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT min(id) FROM offices").scalar_one())
