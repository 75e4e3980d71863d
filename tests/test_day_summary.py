"""The daily summary (issue 20, point 4): the report's figures read through it equal those
counted straight from the tickets — for the scripted month of tests/replay_month.py, after
late changes to past days, and after ``kezek db rebuild-summary`` counts it all again."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from kezek import db, migrate, profile_sync
from kezek.indicators import data, summary, summed, table, waits
from kezek.indicators.summary_tables import day_summaries, summary_days
from kezek.queue import moves
from kezek.queue.clock import Clock, ManualClock
from kezek.queue.models import Service, Status, Ticket, table_of
from kezek.replay import replay
from kezek.settings import load_profile
from tests import replay_month
from tests.test_profile_cli import kezek

START, END = date(2026, 5, 1), date(2026, 5, 31)
LATE_DAY = date(2026, 5, 26)
TODAY = date(2026, 6, 2)
ZONE = ZoneInfo("Asia/Almaty")
REG = {"service": "registration"}
# A Tuesday the server stopped before closing: L1 called and never finished, L2 waiting.
LEFT_OPEN = replay_month._day(
    "26",
    [
        ("09:00", "issue", {"as": "L1", **REG}),
        ("09:10", "issue", {"as": "L2", **REG}),
        ("09:30", "call", {"point": "cab1", "expect": "L1"}),
    ],
)


@pytest.fixture
def month(engine: Engine, tmp_path: Path) -> tuple[Engine, Any, int]:
    profile = load_profile(str(replay_month.profile_file(tmp_path)))
    migrate.upgrade(engine)
    with db.transaction(engine) as session:
        row = profile_sync.sync_profile(session, profile)
    assert row.id is not None
    replay_month.write(tmp_path / "month.jsonl", [*replay_month.MONTH, *LEFT_OPEN])
    lines = (tmp_path / "month.jsonl").read_text(encoding="utf-8").splitlines()
    replay(engine, profile, row.id, lines)
    return engine, profile, row.id


def registration(session: Session, office_id: int) -> int:
    return int(
        session.execute(
            sa.select(Service.id).where(  # type: ignore[call-overload]
                Service.office_id == office_id, Service.code == "registration"
            )
        ).scalar_one()
    )


def assert_agree(engine: Engine, office_id: int) -> dict[str, tuple[int | None, int | None]]:
    """Through the summary and straight from the tickets, the same figures; the appendix
    table's (numerator, denominator) by code."""
    with db.reading(engine) as session:
        for service in (None, registration(session, office_id)):
            args = (session, office_id, START, END, service)
            assert summed.visit_counts(*args) == waits.visit_counts(*args)
            assert summed.wait_histogram(*args) == waits.wait_histogram(*args)
            assert summed.daily_share(*args) == waits.daily_share(*args)
        assert summed.arrivals(session, office_id, START, END, ZONE) == data.arrivals(
            session, office_id, START, END, ZONE
        )
        rows = table.compute(session, office_id, START, END, as_of=TODAY)
        return {row.code: (row.numerator, row.denominator) for row in rows}


def summarized(engine: Engine, office_id: int) -> set[date]:
    with db.reading(engine) as session:
        found = session.execute(
            sa.select(summary_days.c.business_day).where(summary_days.c.office_id == office_id)
        ).all()
    return {d if isinstance(d, date) else date.fromisoformat(str(d)) for (d,) in found}


def test_the_summary_gives_the_figures_of_the_tickets_also_after_late_changes(
    month: tuple[Engine, Any, int],
) -> None:
    engine, profile, office_id = month
    live = assert_agree(engine, office_id)  # nothing summarized yet: all live
    assert not summarized(engine, office_id)
    with db.transaction(engine) as session:
        summary.refresh_due(session, office_id, TODAY, limit=100)
    days = summarized(engine, office_id)
    assert date(2026, 5, 5) in days and date(2026, 5, 13) in days
    assert LATE_DAY not in days  # still open: counted live
    assert assert_agree(engine, office_id) == live
    hand = {k: v for k, v in live.items() if k in replay_month.BY_HAND}
    assert hand["4.1"] == replay_month.BY_HAND["4.1"]
    assert hand["1.2"] == (7, 12)  # the hand-computed 6 of 11, and L1 called in time

    # The next morning: the clerk finishes L1, the closer closes L2 (a past day written).
    clock = Clock(
        profile_sync.schedule(profile), ManualClock(datetime(2026, 6, 2, 4, 0, tzinfo=UTC))
    )
    with db.transaction(engine) as session:
        called = session.exec(
            select(Ticket).where(Ticket.office_id == office_id, Ticket.status == Status.called)
        ).one()
        moves.finish(session, clock, called, None)
        assert moves.close_day(session, clock, office_id, LATE_DAY) == 1
    after = assert_agree(engine, office_id)
    assert after["1.2"] == (7, 13) and after["4.1"] == (4, 9)  # L2 closed unserved, L1 served
    with db.transaction(engine) as session:
        assert summary.refresh_due(session, office_id, TODAY) == 1
    assert LATE_DAY in summarized(engine, office_id)
    assert assert_agree(engine, office_id) == after

    # Any other write to a summarized day's tickets (the trigger's safety net, whatever
    # the code path): the day is counted live again until the next refresh.
    t = table_of(Ticket)
    with db.transaction(engine) as session:
        session.execute(
            sa.update(t)
            .where(t.c.office_id == office_id, t.c.business_day == date(2026, 5, 5))
            .where(t.c.within_target.is_(True), t.c.parent_id.is_(None))
            .values(within_target=False)
        )
    assert date(2026, 5, 5) not in summarized(engine, office_id)
    changed = assert_agree(engine, office_id)
    assert changed["1.2"][0] is not None and after["1.2"][0] is not None
    assert changed["1.2"][0] < after["1.2"][0]
    with db.transaction(engine) as session:
        summary.refresh_due(session, office_id, TODAY)
    assert assert_agree(engine, office_id) == changed


def _rows(engine: Engine) -> list[tuple[Any, ...]]:
    with db.reading(engine) as session:
        return [
            tuple(r)
            for r in session.execute(
                sa.select(day_summaries).order_by(
                    day_summaries.c.business_day, day_summaries.c.service_id
                )
            ).all()
        ]


def test_rebuild_summary_gives_the_summary_kept_on_write(
    month: tuple[Engine, Any, int], tmp_path: Path, database_url: str
) -> None:
    engine, profile, office_id = month
    clock = Clock(
        profile_sync.schedule(profile), ManualClock(datetime(2026, 6, 2, 4, 0, tzinfo=UTC))
    )
    with db.transaction(engine) as session:
        moves.close_day(session, clock, office_id, LATE_DAY)
        summary.refresh_due(session, office_id, TODAY, limit=100)
    kept, days = _rows(engine), summarized(engine, office_id)
    assert kept and LATE_DAY in days
    with db.transaction(engine) as session:  # counted again from nothing
        session.execute(sa.delete(day_summaries))
        session.execute(sa.delete(summary_days))
    env = {
        "KEZEK_PROFILE": str(replay_month.profile_file(tmp_path)),
        "KEZEK_DATABASE_URL": database_url,
    }
    done = kezek(
        tmp_path, "db", "rebuild-summary", "--from", str(min(days)), "--to", "2026-06-01", **env
    )
    assert done.returncode == 0, done.stderr
    assert f"{len(days)}/{len(days)}" in done.stderr  # the progress bar
    assert f"{len(days)} closed days summarized from {min(days)} to 2026-06-01" in done.stdout
    assert _rows(engine) == kept and summarized(engine, office_id) == days


def test_a_correction_made_while_the_summary_is_written_is_not_lost(
    month: tuple[Engine, Any, int],
) -> None:
    """The closer summarizes a day while a supervisor's correction to one of its tickets
    commits: the day must not be left marked current with the figures from before it. On
    PostgreSQL the correction's trigger found no summary row to clear (the closer's was not
    committed yet), and the closer then committed figures without it."""
    engine, _profile, office_id = month
    day = date(2026, 5, 5)
    before = assert_agree(engine, office_id)
    t = table_of(Ticket)
    corrected = threading.Event()

    def correct() -> None:
        with db.transaction(engine) as session:
            session.execute(
                sa.update(t)
                .where(t.c.office_id == office_id, t.c.business_day == day)
                .where(t.c.within_target.is_(True), t.c.parent_id.is_(None))
                .values(within_target=False)
            )
        corrected.set()

    with db.transaction(engine) as session:  # the closer's round, its figures counted
        assert summary.refresh(session, office_id, [day], TODAY) == 1
        supervisor = threading.Thread(target=correct)
        supervisor.start()
        corrected.wait(1.5)  # it commits now, or waits for the round
    supervisor.join(15)
    assert corrected.is_set()
    after = assert_agree(engine, office_id)  # the summary, where it is kept, is the tickets'
    assert after["1.2"][0] is not None and before["1.2"][0] is not None
    assert after["1.2"][0] < before["1.2"][0]  # and the correction counts
