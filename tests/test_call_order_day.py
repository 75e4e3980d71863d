"""Issue 17's proof by a scripted day: the same arrivals played through the queue's own
functions under the plain order and under the protected one (tests/call_order_day.py);
appendix 1.2 as the report counts it. The README quotes the figures."""

from __future__ import annotations

import random
import re
from pathlib import Path

from sqlalchemy.engine import Engine

from kezek.simulation import busy_day
from tests import call_order_day as day

README = Path(__file__).resolve().parent.parent / "README.md"


def test_on_a_busy_day_the_protected_order_keeps_more_visits_within_40_minutes(
    engine: Engine,
) -> None:
    found = day.both(engine, busy_day(random.Random(day.SEED), day.BUSY))
    plain, protect = found[day.PLAIN], found[day.PROTECT]
    assert plain[1] == protect[1]  # the same visits
    assert day.share(protect) >= day.share(plain)
    assert (plain, protect) == ((37, 46), (42, 46))  # the README's figure
    assert "37 of 46 (80.4 %)" in README.read_text(encoding="utf-8")
    assert "42 of 46 (91.3 %)" in README.read_text(encoding="utf-8")


def test_on_the_built_day_the_protected_order_is_strictly_better(engine: Engine) -> None:
    found = day.both(engine, day.built_day())
    assert found == {day.PLAIN: (6, 8), day.PROTECT: (8, 8)}
    text = README.read_text(encoding="utf-8")
    assert re.search(r"6 of 8 \(75\.0 %\).*8 of 8 \(100\.0 %\)", text, re.S)
