"""What the forecast and the staffing models learn from the office's tickets (issue 19).

Visits are root rows (a transfer's later rows are the same visit, ``queue.visits``), counted
by the local slot of their issue; service times are call to finish of every row a cabinet
handled (served, transferred and no-show rows all hold a cabinet); the staffing that
happened is the cabinets that called someone in each hour.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from kezek.forecast.arrivals import SLOT_MINUTES, SLOTS
from kezek.forecast.staffing import Arrival
from kezek.indicators.waits import daily_share
from kezek.queue.models import Service, Status, Ticket, table_of

HANDLED = (Status.served, Status.transferred, Status.no_show)
MAX_SAMPLES = 2000  # service times per service: plenty for an empirical distribution


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _minute(at: datetime, zone: ZoneInfo) -> float:
    local = at.astimezone(zone)
    return local.hour * 60 + local.minute + local.second / 60


def visits(
    session: Session, office_id: int, zone: ZoneInfo, start: date, end: date
) -> list[tuple[date, float, str, bool]]:
    """(business day, local minute of issue, service code, priority) of each visit."""
    t, s = table_of(Ticket), table_of(Service)
    rows = session.execute(
        sa.select(t.c.business_day, t.c.issued_at, s.c.code, t.c.priority)
        .join(s, s.c.id == t.c.service_id)
        .where(
            t.c.office_id == office_id,
            t.c.business_day >= start,
            t.c.business_day <= end,
            t.c.parent_id.is_(None),
            t.c.issued_at.is_not(None),
        )
    ).all()
    return [(_day(day), _minute(_aware(at), zone), c, bool(p)) for day, at, c, p in rows]


def slot_counts(
    found: list[tuple[date, float, str, bool]], open_days: list[date]
) -> dict[date, list[int]]:
    """Visits per 15-minute slot for each open day (a day without visits: zeros)."""
    history = {day: [0] * SLOTS for day in open_days}
    for day, minute, _service, _priority in found:
        if day in history:
            history[day][min(SLOTS - 1, int(minute // SLOT_MINUTES))] += 1
    return history


def mix(found: list[tuple[date, float, str, bool]]) -> dict[tuple[str, bool], float]:
    """The share of each (service, priority) among the visits."""
    counted = Counter((service, priority) for _d, _m, service, priority in found)
    total = sum(counted.values())
    return {key: n / total for key, n in sorted(counted.items())} if total else {}


def service_minutes(
    session: Session, office_id: int, start: date, end: date
) -> dict[str, list[float]]:
    """Call to finish, in minutes, of the rows a cabinet handled, per service (the latest
    ``MAX_SAMPLES``)."""
    t, s = table_of(Ticket), table_of(Service)
    rows = session.execute(
        sa.select(s.c.code, t.c.called_at, t.c.finished_at)
        .join(s, s.c.id == t.c.service_id)
        .where(
            t.c.office_id == office_id,
            t.c.business_day >= start,
            t.c.business_day <= end,
            t.c.status.in_([str(x) for x in HANDLED]),
            t.c.called_at.is_not(None),
            t.c.finished_at.is_not(None),
        )
        .order_by(t.c.finished_at.desc())
    ).all()
    found: dict[str, list[float]] = {}
    for code, called, finished in rows:
        samples = found.setdefault(code, [])
        minutes = (_aware(finished) - _aware(called)).total_seconds() / 60
        if len(samples) < MAX_SAMPLES and 0 < minutes < 240:
            samples.append(minutes)
    return found


def _aware(value: object) -> datetime:
    """A stored moment as aware UTC, however the driver hands it back."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def staffing(session: Session, office_id: int, zone: ZoneInfo, day: date) -> dict[int, int]:
    """The cabinets that called someone in each local hour of ``day``."""
    t = table_of(Ticket)
    rows = session.execute(
        sa.select(t.c.called_at, t.c.service_point_id).where(
            t.c.office_id == office_id,
            t.c.business_day == day,
            t.c.called_at.is_not(None),
            t.c.service_point_id.is_not(None),
        )
    ).all()
    points: dict[int, set[int]] = {}
    for called, point in rows:
        points.setdefault(_aware(called).astimezone(zone).hour, set()).add(int(point))
    return {hour: len(found) for hour, found in sorted(points.items())}


def day_arrivals(found: list[tuple[date, float, str, bool]], day: date) -> list[Arrival]:
    return [(minute, service, priority) for d, minute, service, priority in found if d == day]


def actual_share(
    session: Session, office_id: int, start: date, end: date
) -> dict[date, tuple[int, int]]:
    """Indicator 1.2 as the report counts it, per day: (within, visits)."""
    return {day: (w, n) for day, w, n in daily_share(session, office_id, start, end)}
