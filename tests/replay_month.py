"""A controlled month (May 2026, Kyzylzhar hours: Tuesday–Friday; Kazakhstan's statutory
holidays from the ``holidays`` library: 1, 7 and 9 May and 11 May, the day off moved from
Saturday 9 May) as the lines of ``kezek replay``, with the appendix figures computed by hand
beside it, by the rules of issue 13.

1.2 by visit (target 40:00), registration only (the one service the appendix measures):
  T1 40:00 in · T2 40:01 late · T3 cancelled at 10:00, left out · T4 cancelled at 50:00,
  not within · T5 called 20:00, recalled twice, no-show: in · T6 called 5:00, transferred,
  called 45:00 later: 5:00 + 45:00 = 50:00, late · T7 17:30 closed unserved at 18:00 · T8
  12:57 called 14:05 (lunch included) 68:00, late · T12 5:00 in · T9 10:00 in · T10 10:00
  in · T11 5:00 in; V1 (vacancies, 50:00) is not measured           → 6 of 11
3.2 first visit decides:   A1 missing list, A2 complete, A3 neither then accepted, A4
  complete                                                         → 2 of 4
1.1 decided by day 10 (calendar days, §7): A2 on day 10 (15 May), A4 on day 11 (16 May, a
  Saturday), both across the 7 May holiday; A1, A3 in term          → 3 of 4
2.2: A3 corrected                                                  → 3 of 4
4.1 justified C1–C4 of the 8 registration visits served (T1 T2 T6→T6b T8 T12 T9 T10 T11;
  V1 is not measured)                                              → 4 of 8
4.2 justified, answered in term and satisfied; the term is 5 working days (Mon–Fri without
  the holidays): C1 (5 May, due 14 May) answered on its due day, satisfied · C2 (5 May)
  answered 6 May, not satisfied · C3 (12 May, due 19 May) answered the day after, 20 May ·
  C4 (12 May) never                                                 → 1 of 4
feedback (T1, T2, T6b, T9; skips left out): 2.1 3/4 · 3.1 3/4 · 4.3 1/2 · 4.4 1/2 · 5.1 2/3
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).resolve().parent.parent / "kezek" / "profiles" / "kyzylzhar.toml"

ALL = ["identity", "work_history", "income"]


def profile_file(folder: Path) -> Path:
    """The shipped Kyzylzhar profile as it is: statutory holidays on, the complaint term 5
    working days."""
    path = folder / "office.toml"
    path.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def _day(day: str, lines: list[tuple[str, str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [{"at": f"2026-05-{day}T{at}", "do": do, **rest} for at, do, rest in lines]


def _served(at: list[str], ticket: str, point: str) -> list[tuple[str, str, dict[str, Any]]]:
    call, begin, end = at
    return [
        (call, "call", {"point": point, "expect": ticket}),
        (begin, "start", {"ticket": ticket}),
        (end, "finish", {"ticket": ticket}),
    ]


def _feedback(ticket: str, a21: str, a31: str, a43: str, a44: str, a51: str) -> dict[str, Any]:
    answers = {"2.1": a21, "3.1": a31, "4.3": a43, "4.4": a44, "5.1": a51}
    return {"ticket": ticket, "answers": answers}


def _card(label: str, iin: str, surname: str) -> dict[str, Any]:
    return {"as": label, "iin": iin, "surname": surname, "name": "Test", "category": "citizen"}


def _visit(card: str, app: str, ticket: str, docs: list[str], outcome: str) -> dict[str, Any]:
    return {
        "card": card,
        "application": app,
        "ticket": ticket,
        "documents": docs,
        "outcome": outcome,
    }


REG = {"service": "registration"}
TUESDAY_5 = _day(
    "05",
    [
        ("09:00:00", "issue", {"as": "T1", **REG}),
        ("09:00:30", "issue", {"as": "T2", **REG, "priority": False}),
        ("09:40:00", "call", {"point": "cab1", "expect": "T1"}),  # 40:00
        ("09:40:31", "call", {"point": "cab4", "expect": "T2"}),  # 40:01
        ("09:41", "start", {"ticket": "T1"}),
        ("09:42", "start", {"ticket": "T2"}),
        ("09:45", "card", _card("P1", "900101300007", "Abenov")),
        ("09:46", "visit", _visit("P1", "A1", "T1", ALL[:2], "missing")),
        ("09:47", "card", _card("P2", "850515400002", "Bekova")),
        ("09:48", "visit", _visit("P2", "A2", "T2", ALL, "accepted")),
        ("09:50", "finish", {"ticket": "T1"}),
        ("09:51", "finish", {"ticket": "T2"}),
        ("09:52", "feedback", _feedback("T1", "yes", "yes", "skip", "skip", "yes")),
        ("09:53", "feedback", _feedback("T2", "no", "yes", "yes", "no", "skip")),
        ("10:00", "issue", {"as": "T3", **REG}),
        ("10:00:30", "issue", {"as": "T4", **REG}),
        ("10:10", "cancel", {"ticket": "T3"}),  # left before the target
        ("10:30", "complaint", {"as": "C1", "ticket": "T2", "text": "rude", "name": "B"}),
        ("10:31", "complaint", {"as": "C2", "text": "slow", "contact": "+7 700 000 0000"}),
        ("10:50:30", "cancel", {"ticket": "T4"}),  # 50:00: after the target
        ("11:00", "issue", {"as": "T5", **REG}),
        ("11:20", "call", {"point": "cab1", "expect": "T5"}),
        ("11:22", "recall", {"ticket": "T5"}),
        ("11:24", "recall", {"ticket": "T5"}),
        ("11:26", "no_show", {"ticket": "T5"}),
        ("12:00", "issue", {"as": "T6", **REG}),
        ("12:05", "call", {"point": "cab4", "expect": "T6"}),
        ("12:06", "start", {"ticket": "T6"}),
        ("12:10", "transfer", {"ticket": "T6", "service": "vacancies", "as": "T6b"}),
        ("12:55", "call", {"point": "cab4", "expect": "T6b"}),  # 5:00 + 45:00
        ("12:56", "start", {"ticket": "T6b"}),
        ("12:57", "issue", {"as": "T8", **REG}),
        ("12:58", "finish", {"ticket": "T6b"}),
        ("12:59", "feedback", _feedback("T6b", "yes", "no", "skip", "skip", "no")),
        *_served(["14:05", "14:06", "14:20"], "T8", "cab1"),  # 68:00, lunch included
        ("14:30", "issue", {"as": "T12", **REG}),
        ("14:35", "call", {"point": "cab4", "expect": "T12"}),
        ("14:36", "card", _card("P4", "950305400001", "Dauletova")),
        ("14:37", "visit", _visit("P4", "A4", "T12", ALL, "accepted")),
        ("14:50", "finish", {"ticket": "T12"}),
        ("17:30", "issue", {"as": "T7", **REG}),
        ("18:00", "close_day", {}),  # T7 closed unserved
    ],
)
BACK_OFFICE_6 = [
    *_day("06", [("10:00", "answer", {"complaint": "C2", "justified": True, "satisfied": False})]),
]
TUESDAY_12 = _day(
    "12",
    [
        ("09:00", "issue", {"as": "T9", **REG}),
        ("09:05", "issue", {"as": "T10", **REG}),
        ("09:10", "call", {"point": "cab1", "expect": "T9"}),
        ("09:11", "start", {"ticket": "T9"}),
        ("09:15", "call", {"point": "cab4", "expect": "T10"}),
        ("09:16", "card", _card("P3", "771220300008", "Ermekov")),
        ("09:20", "visit", _visit("P3", "A3", "T10", ["identity"], "none")),
        ("09:25", "visit", _visit("P1", "A1", "T9", ALL, "accepted")),  # its second visit
        ("09:30", "finish", {"ticket": "T9"}),
        ("09:40", "finish", {"ticket": "T10"}),
        ("09:41", "feedback", _feedback("T9", "yes", "yes", "no", "yes", "yes")),
        ("10:00", "complaint", {"as": "C3", "text": "queue"}),
        ("10:01", "complaint", {"as": "C4", "text": "lost"}),
        ("18:00", "close_day", {}),
    ],
)
WEDNESDAY_13 = _day(
    "13",
    [
        ("09:00", "issue", {"as": "T11", **REG}),
        ("09:05", "call", {"point": "cab1", "expect": "T11"}),
        ("09:06", "visit", _visit("P3", "A3", "T11", ALL, "accepted")),
        ("09:10", "finish", {"ticket": "T11"}),
        ("09:20", "issue", {"as": "V1", "service": "vacancies"}),
        ("10:00", "complaint", {"as": "C5", "text": "other"}),
        *_served(["10:10", "10:11", "10:15"], "V1", "cab4"),  # 50:00, not measured
        ("11:00", "review", {"complaint": "C4", "justified": True}),
        ("18:00", "close_day", {}),
    ],
)
BACK_OFFICE_14_21 = [
    *_day("14", [("10:00", "answer", {"complaint": "C5", "justified": False})]),
    # C1's due day: received Tuesday 5 May + 5 working days (6, 8, 12, 13, 14 May).
    *_day("14", [("11:00", "answer", {"complaint": "C1", "justified": True, "satisfied": True})]),
    *_day("15", [("10:00", "decide", {"application": "A2", "result": "registered"})]),
    *_day("16", [("10:00", "decide", {"application": "A4", "result": "registered"})]),
    *_day("19", [("10:00", "decide", {"application": "A1", "result": "registered"})]),
    *_day(
        "20",
        [
            (
                "10:00",
                "decide",
                {
                    "application": "A3",
                    "result": "refused",
                    "ground": "employed",
                    "comment": "works at a farm",
                },
            )
        ],
    ),
    # C3's due day is 19 May (13, 14, 15, 18, 19 May): answered the day after.
    *_day("20", [("11:00", "answer", {"complaint": "C3", "justified": True, "satisfied": True})]),
    *_day("21", [("10:00", "corrected", {"application": "A3", "reason": "wrong ground"})]),
]
MONTH = [*TUESDAY_5, *BACK_OFFICE_6, *TUESDAY_12, *WEDNESDAY_13, *BACK_OFFICE_14_21]

# By the standard's rules (issue 13).
BY_HAND = {
    "1.1": (3, 4),
    "1.2": (6, 11),
    "2.1": (3, 4),
    "2.2": (3, 4),
    "3.1": (3, 4),
    "3.2": (2, 4),
    "4.1": (4, 8),
    "4.2": (1, 4),
    "4.3": (1, 2),
    "4.4": (1, 2),
    "5.1": (2, 3),
}


def write(path: Path, lines: list[dict[str, Any]] | None = None) -> Path:
    path.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines or MONTH),
        encoding="utf-8",
    )
    return path
