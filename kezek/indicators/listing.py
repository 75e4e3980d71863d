"""The rows of a list behind a figure (``kezek.indicators.drilldown``): each visit, case,
answer or complaint, the part of the figure it is in, and the rule that put it there."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kezek.intake.models import Card

NUMERATOR, DENOMINATOR, LEFT_OUT = "numerator", "denominator", "left_out"
ABOVE = "above"  # 4.1: counted above the line only (its two lines count different things)
LIMIT = 2000  # rows shown on one page; the count says how many there are


@dataclass(frozen=True)
class Entry:
    part: str  # NUMERATOR (above and below the line), ABOVE, DENOMINATOR (below), LEFT_OUT
    rule: str  # msgid: why it is there
    params: dict[str, str]
    ref: str  # ticket code, application number, complaint number, answer number
    day: date
    about: str = ""  # the service, or the question
    card: Card | None = None
    complaint_id: int | None = None


@dataclass
class Listing:
    code: str
    entries: list[Entry] = field(default_factory=list)

    def count(self, part: str) -> int:
        return sum(1 for e in self.entries if e.part == part)

    @property
    def numerator(self) -> int:
        return self.count(NUMERATOR) + self.count(ABOVE)

    @property
    def denominator(self) -> int:
        return self.count(NUMERATOR) + self.count(DENOMINATOR)

    @property
    def cards(self) -> list[Card]:
        seen: dict[int | None, Card] = {e.card.id: e.card for e in self.entries if e.card}
        return list(seen.values())
