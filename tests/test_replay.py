"""``kezek replay``: a month replayed through the domain functions gives, through ``kezek
report``, the figures computed by hand (tests/replay_month.py); a line that cannot be carried
out stops the replay with its number, and nothing of it is written."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kezek import db, migrate, profile_sync
from kezek.queue.models import Status, Ticket
from kezek.replay import ReplayError, replay
from kezek.settings import load_profile
from tests import replay_month
from tests.test_profile_cli import kezek

FIGURE = re.compile(r"^(\d\.\d)\s+\S.*?\s(\d+) / (\d+)$")


def replayed_report(tmp_path: Path, database_url: str) -> dict[str, tuple[int, int]]:
    env = {
        "KEZEK_PROFILE": str(replay_month.profile_file(tmp_path)),
        "KEZEK_DATABASE_URL": database_url,
    }
    month = replay_month.write(tmp_path / "month.jsonl")
    done = kezek(tmp_path, "replay", str(month), **env)
    assert done.returncode == 0, done.stderr
    assert f"replayed {len(replay_month.MONTH)} actions" in done.stdout
    assert f"{len(replay_month.MONTH)}/{len(replay_month.MONTH)}" in done.stderr  # progress
    report = kezek(
        tmp_path, "report", "--from", "2026-05-01", "--to", "2026-05-31", "--format", "csv", **env
    )
    assert report.returncode == 0, report.stderr
    found = {}
    for text in report.stdout.splitlines():
        if match := FIGURE.match(text.strip()):
            found[match[1]] = (int(match[2]), int(match[3]))
    return found


@pytest.fixture
def month_figures(tmp_path: Path, database_url: str) -> dict[str, tuple[int, int]]:
    return replayed_report(tmp_path, database_url)


def test_a_replayed_month_gives_the_figures_computed_by_hand(
    month_figures: dict[str, tuple[int, int]],
) -> None:
    """By issue 13's rules: 1.2 the sum of a visit's waits, registration visits only; 3.2 the
    first visit decides; 4.1 registration visits served; 4.2 answered by the due day of the
    profile's term (working days, statutory holidays) and satisfied."""
    assert {k: month_figures[k] for k in replay_month.BY_HAND} == replay_month.BY_HAND
    assert month_figures["3.3"] == (14, 15)  # the shipped contacts leave the higher body


# --- refusals: the line number, the reason, nothing of the line written -------------------


@pytest.fixture
def office(engine: Engine, tmp_path: Path) -> tuple[Engine, Any, int]:
    profile = load_profile(str(replay_month.profile_file(tmp_path)))
    migrate.upgrade(engine)
    with db.transaction(engine) as session:
        row = profile_sync.sync_profile(session, profile)
    assert row.id is not None
    return engine, profile, row.id


def run(office: tuple[Engine, Any, int], lines: list[dict[str, Any] | str]) -> int:
    engine, profile, office_id = office
    text = [line if isinstance(line, str) else json.dumps(line) for line in lines]
    return replay(engine, profile, office_id, text)


def count_tickets(engine: Engine) -> dict[str, int]:
    with db.reading(engine) as session:
        rows = session.execute(
            sa.select(Ticket.status, sa.func.count()).group_by(Ticket.status)  # type: ignore[call-overload]
        ).all()
    return {str(status): int(n) for status, n in rows}


ISSUE = {"at": "2026-05-05T09:00", "do": "issue", "as": "T1", "service": "registration"}


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({**ISSUE, "at": "2026-05-07T10:00", "as": "T2"}, "The office is closed."),  # holiday
        ({**ISSUE, "at": "2026-05-05T13:30", "as": "T2"}, "The office is closed."),  # lunch
        ({"at": "2026-05-05T18:30", "do": "call", "point": "cab1"}, "'cab1' is closed"),
        ({"at": "2026-05-05T09:20", "do": "call", "point": "cab1"}, "А-001 is still in hand"),
        ({"at": "2026-05-05T09:20", "do": "call", "point": "cab4"}, "nobody is waiting"),
        ({"at": "2026-05-05T09:20", "do": "call", "point": "cab4", "expect": "T9"}, "no ticket"),
        ({"at": "2026-05-05T09:20", "do": "feedback", "ticket": "T1", "answers": {}}, "served"),
        ({"at": "2026-05-05T08:00", "do": "cancel", "ticket": "T1"}, "the time goes back"),
        ({**ISSUE, "at": "2026-05-05T09:30"}, "'T1' is already named"),
        ({**ISSUE, "at": "2026-05-05T09:30", "as": "T2", "service": "taxes"}, "no service 'taxes'"),
        ({**ISSUE, "as": "T2", "priority": "maybe"}, "priority"),
        ({**ISSUE, "as": "T2", "at": "2026-05-05 09:00:00+05:00"}, "office local time"),
        ({**ISSUE, "as": "T2", "extra": 1}, "extra: Extra inputs are not permitted"),
        ({**ISSUE, "as": "x" * 33}, "as: String should have at most 32 characters"),
        ({"at": "2026-05-05T09:30", "do": "dance"}, "does not match any of the expected tags"),
        ("{not json", "Invalid JSON"),
        (
            {"at": "2026-05-05T09:30", "do": "feedback", "ticket": "T1", "answers": {"2.1": "ok"}},
            "answers.2.1",
        ),
        ({"at": "2026-05-05T09:30", "do": "review", "complaint": "C1", "justified": True}, "C1"),
        ({"at": "2026-05-05T09:30", "do": "cancel", "ticket": "T1", "by": "nobody"}, "'nobody'"),
        (
            {"at": "2026-05-05T09:30", "do": "visit", "card": "P1", "application": "A1"},
            "outcome: Field required",
        ),
    ],
)
def test_a_line_that_cannot_be_carried_out_stops_the_replay(
    office: tuple[Engine, Any, int], bad: dict[str, Any] | str, reason: str
) -> None:
    call = {"at": "2026-05-05T09:10", "do": "call", "point": "cab1", "expect": "T1"}
    after = {"at": "2026-05-05T17:00", "do": "issue", "as": "T3", "service": "registration"}
    with pytest.raises(ReplayError) as refused:
        run(office, [ISSUE, "", "# a comment", call, bad, after])
    assert refused.value.line == 5
    assert reason in refused.value.reason
    assert str(refused.value).startswith("line 5: ")
    assert count_tickets(office[0]) == {Status.called: 1}  # nothing of line 5, nor after it


def test_a_failed_call_writes_nothing_of_its_line(office: tuple[Engine, Any, int]) -> None:
    """The call ran (the ticket was claimed) before ``expect`` failed: it is rolled back."""
    lines: list[dict[str, Any] | str] = [
        ISSUE,
        {**ISSUE, "at": "2026-05-05T09:01", "as": "T2"},
        {"at": "2026-05-05T09:10", "do": "call", "point": "cab1", "expect": "T2"},
    ]
    with pytest.raises(ReplayError, match=r"line 3: the call brought А-001, not 'T2'"):
        run(office, lines)
    assert count_tickets(office[0]) == {Status.waiting: 2}


def test_back_office_lines_may_fall_on_a_closed_day(office: tuple[Engine, Any, int]) -> None:
    lines: list[dict[str, Any] | str] = [
        ISSUE,
        {"at": "2026-05-05T09:05", "do": "complaint", "as": "C1", "ticket": "T1", "text": "x"},
        {"at": "2026-05-07T10:00", "do": "review", "complaint": "C1", "justified": False},
    ]
    assert run(office, lines) == 3


def test_the_cli_names_the_line(tmp_path: Path, database_url: str) -> None:
    env = {
        "KEZEK_PROFILE": str(replay_month.profile_file(tmp_path)),
        "KEZEK_DATABASE_URL": database_url,
    }
    holiday = {**ISSUE, "at": "2026-05-07T10:00", "as": "T2"}
    path = replay_month.write(tmp_path / "bad.jsonl", [ISSUE, holiday])
    done = kezek(tmp_path, "replay", str(path), "--quiet", **env)
    assert done.returncode == 1
    assert done.stderr.strip() == f"kezek: {path}: line 2: The office is closed."
