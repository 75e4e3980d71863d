"""The replay's lines of the clerk's flow (issue 17): ``next``, ``pause``, ``resume`` and
``return``, with the fields of the API, through the same domain functions; a scripted day
gives the appendix 1.2 figure and the pause time by reason."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from kezek import db
from kezek.indicators import data
from kezek.queue import pauses
from kezek.queue.models import ServicePoint
from kezek.replay import ReplayError
from tests.test_replay import ISSUE, office, run  # noqa: F401  (the fixture)

DAY = date(2026, 5, 5)


def at(hhmm: str) -> str:
    return f"2026-05-05T{hhmm}"


SCRIPT: list[dict[str, Any]] = [
    ISSUE,
    {**ISSUE, "at": at("09:01"), "as": "T2"},
    {"at": at("09:05"), "do": "pause", "point": "cab1", "reason": "break"},
    {"at": at("09:15"), "do": "resume", "point": "cab1"},
    {"at": at("09:20"), "do": "call", "point": "cab1", "expect": "T1"},  # T1 waited 20
    *({"at": at(f"09:2{m}"), "do": "recall", "ticket": "T1"} for m in (1, 2, 3)),
    {"at": at("09:25"), "do": "no_show", "ticket": "T1"},
    {"at": at("09:26"), "do": "next", "point": "cab1", "expect": "T2"},  # T2 waited 25
    {**ISSUE, "at": at("09:30"), "as": "T3"},
    {"at": at("09:40"), "do": "return", "ticket": "T1"},  # 15 minutes away: not waiting
    {"at": at("09:45"), "do": "next", "point": "cab1", "expect": "T3"},  # behind: T3 first
    {"at": at("10:00"), "do": "next", "point": "cab1", "expect": "T1"},  # 20 + 20 = 40:00
    {"at": at("10:04"), "do": "finish", "ticket": "T1"},
    {"at": at("10:05"), "do": "pause", "point": "cab1", "reason": "other", "note": "a meeting"},
]


def test_a_scripted_day_with_pauses_and_a_return(office: tuple[Engine, Any, int]) -> None:  # noqa: F811
    engine, _profile, office_id = office
    assert run(office, [*SCRIPT, {"at": at("10:08"), "do": "resume", "point": "cab1"}]) == 17
    with db.reading(engine) as session:
        assert data.waits(session, office_id, DAY, DAY) == (3, 3)
        cab1 = session.exec(select(ServicePoint).where(ServicePoint.code == "cab1")).one()
        start = datetime.fromisoformat(at("00:00") + "+05:00")
        end = datetime.fromisoformat("2026-05-06T00:00+05:00")
        assert pauses.pause_seconds(session, office_id, start, end) == {
            (cab1.id, None): {"break": 600.0, "other": 180.0}
        }


@pytest.mark.parametrize(
    ("upto", "bad", "reason"),
    [
        (3, {"at": at("09:06"), "do": "call", "point": "cab1"}, "paused: resume it"),
        (3, {"at": at("09:06"), "do": "next", "point": "cab1"}, "paused: resume it"),
        (3, {"at": at("09:06"), "do": "pause", "point": "cab1", "reason": "break"}, "already"),
        (2, {"at": at("09:06"), "do": "resume", "point": "cab1"}, "not paused"),
        (2, {"at": at("09:06"), "do": "pause", "point": "cab1", "reason": "other"}, "why"),
        (2, {"at": at("09:06"), "do": "pause", "point": "cab1", "reason": "nap"}, "reason"),
        (8, {"at": at("09:24"), "do": "recall", "ticket": "T1"}, "mark it a no-show"),
        (9, {"at": at("09:55:01"), "do": "return", "ticket": "T1"}, "within 30 minutes"),
        (5, {"at": at("09:21"), "do": "return", "ticket": "T1"}, "not possible"),
        (12, {"at": at("09:50"), "do": "next", "point": "cab1", "expect": "T2"}, "brought"),
    ],
)
def test_the_flows_lines_are_refused_as_the_console_refuses(
    office: tuple[Engine, Any, int],  # noqa: F811
    upto: int,
    bad: dict[str, Any],
    reason: str,
) -> None:
    with pytest.raises(ReplayError) as refused:
        run(office, [*SCRIPT[:upto], bad])
    assert refused.value.line == upto + 1
    assert reason in refused.value.reason
