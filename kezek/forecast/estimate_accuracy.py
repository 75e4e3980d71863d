"""How good the quoted waits were (issue 19): every quote beside the wait that followed.

The wait is the visitor's, from the ticket's issue to its first call (the first "called"
event; a recall does not move it). Tickets never called are left out of the figures and
counted apart. For each day and service, each service and overall:

* MAE v1 — the mean absolute error of the old single number (``kezek.queue.estimate``);
* MAE v2 — the same for the middle of the quoted range (``kezek.queue.wait_range``);
* in range — the share of waits inside the quoted range, both ends included.

``gather`` reads the quotes (SQL); ``summarize`` is pure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from kezek.queue.models import Service, Ticket, TicketEvent, table_of
from kezek.queue.quotes import EstimateQuote

CHUNK_DAYS = 31  # one query a month: the progress bar moves, memory stays small


@dataclass(frozen=True)
class Sample:
    day: date
    service: str
    wait_min: float | None  # None: never called
    old_min: int
    low_min: int
    high_min: int


@dataclass(frozen=True)
class Figures:
    quoted: int  # tickets with both quotes
    never_called: int
    mae_old: float | None
    mae_new: float | None
    inside: float | None  # share 0…1

    @property
    def called(self) -> int:
        return self.quoted - self.never_called


@dataclass(frozen=True)
class Report:
    days: list[tuple[date, str, Figures]]
    services: list[tuple[str, Figures]]
    overall: Figures
    by_day: list[tuple[date, Figures]]


def figures(samples: Iterable[Sample]) -> Figures:
    quoted = never = inside = 0
    old = new = 0.0
    for s in samples:
        quoted += 1
        if s.wait_min is None:
            never += 1
            continue
        old += abs(s.old_min - s.wait_min)
        new += abs((s.low_min + s.high_min) / 2 - s.wait_min)
        inside += s.low_min <= s.wait_min <= s.high_min
    called = quoted - never
    if not called:
        return Figures(quoted, never, None, None, None)
    return Figures(quoted, never, old / called, new / called, inside / called)


def summarize(samples: list[Sample]) -> Report:
    per_day: dict[tuple[date, str], list[Sample]] = defaultdict(list)
    per_service: dict[str, list[Sample]] = defaultdict(list)
    days: dict[date, list[Sample]] = defaultdict(list)
    for s in samples:
        per_day[s.day, s.service].append(s)
        per_service[s.service].append(s)
        days[s.day].append(s)
    return Report(
        days=[(d, code, figures(rows)) for (d, code), rows in sorted(per_day.items())],
        services=[(code, figures(rows)) for code, rows in sorted(per_service.items())],
        overall=figures(samples),
        by_day=[(d, figures(rows)) for d, rows in sorted(days.items())],
    )


_Q, _T, _S, _E = (table_of(m) for m in (EstimateQuote, Ticket, Service, TicketEvent))
# Each ticket's first call, looked up by its own events (the ticket_id index), not by
# grouping every event of every office once per chunk of the period.
_FIRST_CALL = (
    sa.select(sa.func.min(_E.c.at))
    .where(_E.c.ticket_id == _T.c.id, _E.c.kind == "called")
    .correlate(_T)
    .scalar_subquery()
    .label("first_call")
)
_V1, _V2 = _Q.alias("v1"), _Q.alias("v2")


def _query(office_id: int, first: date, last: date) -> sa.Select[Any]:
    return (
        sa.select(
            _T.c.business_day,
            _S.c.code,
            _T.c.issued_at,
            _FIRST_CALL,
            _V1.c.point_min,
            _V2.c.low_min,
            _V2.c.high_min,
        )
        .select_from(_T)
        .join(_S, _S.c.id == _T.c.service_id)
        .join(_V1, sa.and_(_V1.c.ticket_id == _T.c.id, _V1.c.method == "v1"))
        .join(_V2, sa.and_(_V2.c.ticket_id == _T.c.id, _V2.c.method == "v2"))
        .where(
            _T.c.office_id == office_id,
            _T.c.business_day >= first,
            _T.c.business_day <= last,
        )
    )


def gather(
    session: Session,
    office_id: int,
    first: date,
    last: date,
    progress: Callable[[int, int], None] | None = None,
) -> list[Sample]:
    """The quotes of the tickets issued from ``first`` to ``last`` (business days)."""
    total = (last - first).days + 1
    found: list[Sample] = []
    start = first
    while start <= last:
        end = min(last, start + timedelta(days=CHUNK_DAYS - 1))
        for day, code, issued, called, old, low, high in session.connection().execute(
            _query(office_id, start, end)
        ):
            wait = None if called is None else (called - issued).total_seconds() / 60
            found.append(Sample(day, code, wait, old, low, high))
        start = end + timedelta(days=1)
        if progress:
            progress(min(total, (start - first).days), total)
    return found


def report(
    session: Session,
    office_id: int,
    first: date,
    last: date,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    return summarize(gather(session, office_id, first, last, progress))
