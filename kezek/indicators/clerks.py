"""Statistics per clerk and per cabinet for a period (issue 17), from the tickets and their
history alone: nothing is counted that the queue did not record.

The rules, in words (the README and the page say the same):

- **served**: the rows a clerk finished as served, at that cabinet (a transfer is not served);
- **service time**: from the start of service (the call when the clerk finished without
  starting) to the finish, of the served rows; the mean and the 90th percentile (nearest
  rank: the smallest time that at least 90 % of the services took no longer than);
- **no-shows**: the rows a clerk closed as no-show;
- **calls**: first calls of a ticket (in order or out of it); recalls are not new calls;
- **hours worked**: per business day, from the first to the last thing the clerk (or the
  cabinet) did with a ticket that day, summed over the days; **calls per hour** is calls
  divided by those hours (none when no time was worked).

Per clerk by the clerk who acted; per cabinet by the cabinet it happened at. Pure reads, no
HTTP; the period is checked by the caller (``kezek.indicators.period``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from kezek.queue import pauses
from kezek.queue.clock import utcnow
from kezek.queue.models import ServicePoint, Status, Ticket, TicketEvent, User, table_of

_T = table_of(Ticket)
_E = table_of(TicketEvent)
# What a clerk does with a ticket at a cabinet: its span in a day is the time worked.
WORK_KINDS = ("called", "recalled", "started", "finished", "no_show", "transferred", "cancelled")


@dataclass
class Figures:
    """One line of the statistics: a clerk, or a cabinet."""

    key: str  # the username, or the cabinet's code
    name: str
    served: int = 0
    no_shows: int = 0
    calls: int = 0
    worked_seconds: int = 0
    service_seconds: list[int] = field(default_factory=list, repr=False)
    # Pause time by reason, seconds (kezek.queue.pauses); None: no pause in the period, and
    # the page and the files show "—".
    pauses: dict[str, int] | None = None

    @property
    def mean_minutes(self) -> float | None:
        times = self.service_seconds
        return sum(times) / len(times) / 60 if times else None

    @property
    def p90_minutes(self) -> float | None:
        return percentile(self.service_seconds, 90) / 60 if self.service_seconds else None

    @property
    def hours(self) -> float:
        return self.worked_seconds / 3600

    @property
    def calls_per_hour(self) -> float | None:
        return self.calls / self.hours if self.worked_seconds > 0 else None


@dataclass(frozen=True)
class Stats:
    start: date
    end: date
    clerks: list[Figures]
    points: list[Figures]


def percentile(values: list[int], pct: int) -> int:
    """Nearest rank: the smallest value that ``pct`` % of the values do not exceed."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def _in_period(office_id: int, start: date, end: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        _T.c.office_id == office_id, _T.c.business_day >= start, _T.c.business_day <= end
    )


def _finished(session: Session, where: sa.ColumnElement[bool]) -> list[Any]:
    """The served and no-show rows: who, where, how, and the service's start and end."""
    query = sa.select(
        _T.c.clerk_id, _T.c.service_point_id, _T.c.status, _T.c.started_at, _T.c.finished_at
    ).where(where, _T.c.status.in_([Status.served.value, Status.no_show.value]))
    return list(session.connection().execute(query))


def _work(session: Session, where: sa.ColumnElement[bool], by: sa.Column[Any]) -> list[Any]:
    """Per (clerk or cabinet, business day): first calls, and the first and last act."""
    calls = sa.func.sum(sa.case((_E.c.kind == "called", 1), else_=0))
    query = (
        sa.select(by, _T.c.business_day, calls, sa.func.min(_E.c.at), sa.func.max(_E.c.at))
        .select_from(_E.join(_T, _T.c.id == _E.c.ticket_id))
        .where(where, by.is_not(None), _E.c.kind.in_(WORK_KINDS))
        .group_by(by, _T.c.business_day)
    )
    return list(session.connection().execute(query))


def _seconds(first: datetime | None, last: datetime | None) -> int:
    if first is None or last is None:
        return 0
    return max(0, int((last - first).total_seconds()))


def _add_finished(
    line: Figures, status: str, began: datetime | None, ended: datetime | None
) -> None:
    if status == Status.no_show.value:
        line.no_shows += 1
        return
    line.served += 1
    if began is not None and ended is not None:
        line.service_seconds.append(_seconds(began, ended))


def _pause_time(
    session: Session, office_id: int, start: date, end: date, now: datetime
) -> dict[tuple[int, int | None], dict[str, float]]:
    """Pause time of the period's business days by (cabinet, clerk) and reason. A pause lies
    within its business day (closing ends it), so the span from the first such pause's
    start to the last one's end holds the period's pauses and no other day's."""
    P = pauses.PointPause
    span = session.exec(
        select(sa.func.min(P.started_at), sa.func.max(sa.func.coalesce(P.ended_at, now))).where(
            P.office_id == office_id, P.business_day >= start, P.business_day <= end
        )
    ).one()
    if span[0] is None:
        return {}
    return pauses.pause_seconds(session, office_id, span[0], span[1], now)


def _add_pauses(line: Figures, by_reason: dict[str, float]) -> None:
    line.pauses = line.pauses or {}
    for reason, seconds in by_reason.items():
        line.pauses[reason] = line.pauses.get(reason, 0) + round(seconds)


def statistics(
    session: Session,
    office_id: int,
    start: date,
    end: date,
    lang: str,
    now: datetime | None = None,
) -> Stats:
    """The figures of every clerk and cabinet that did anything in the period; a pause
    still open counts up to ``now``."""
    where = _in_period(office_id, start, end)
    users = {u.id: u for u in session.exec(select(User).where(User.office_id == office_id))}
    points = {
        p.id: p
        for p in session.exec(select(ServicePoint).where(ServicePoint.office_id == office_id))
    }
    clerks: dict[int, Figures] = {}
    cabinets: dict[int, Figures] = {}

    def clerk(user_id: int) -> Figures:
        if user_id not in clerks:
            user = users.get(user_id)
            name = (user.full_name or user.username) if user else str(user_id)
            clerks[user_id] = Figures(user.username if user else str(user_id), name)
        return clerks[user_id]

    def cabinet(point_id: int) -> Figures:
        if point_id not in cabinets:
            point = points.get(point_id)
            code = point.code if point else str(point_id)
            cabinets[point_id] = Figures(code, point.name(lang) if point else code)
        return cabinets[point_id]

    for clerk_id, point_id, status, began, ended in _finished(session, where):
        if clerk_id is not None:
            _add_finished(clerk(clerk_id), status, began, ended)
        if point_id is not None:
            _add_finished(cabinet(point_id), status, began, ended)
    for by, figures in ((_E.c.actor_id, clerk), (_E.c.service_point_id, cabinet)):
        for who, _day, calls, first, last in _work(session, where, by):
            line = figures(who)
            line.calls += int(calls or 0)
            line.worked_seconds += _seconds(first, last)
    for (point_id, user_id), by_reason in _pause_time(
        session, office_id, start, end, now or utcnow()
    ).items():
        _add_pauses(cabinet(point_id), by_reason)
        if user_id is not None:
            _add_pauses(clerk(user_id), by_reason)
    return Stats(
        start,
        end,
        sorted(clerks.values(), key=lambda f: f.name.casefold()),
        sorted(cabinets.values(), key=lambda f: f.key),
    )
