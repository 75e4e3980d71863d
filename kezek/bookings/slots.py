"""The slots of a day for a service (§10): the office's hours without lunch and holidays,
cut into the service's slot length, on the share of each cabinet's time held for bookings.

Each cabinet holds the first ``reserved_minutes`` of every hour counted from the opening of
each open period, shifted per cabinet so the cabinets do not all take bookings at the same
time: at any moment some cabinet serves walk-ins unless the share is the whole hour. A slot
is free at a cabinet when every five minutes of it lie in the cabinet's reserved time and no
booking holds them (a cancelled one's seats are held until their release)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from kezek.bookings.models import BookingSeat
from kezek.bookings.rules import GRANULE_MINUTES, Rules
from kezek.queue.calls import serving_points
from kezek.queue.clock import Clock
from kezek.queue.models import Service, ServicePoint, table_of

_SEATS = table_of(BookingSeat)
_POINTS = table_of(ServicePoint)
_STEP = timedelta(minutes=GRANULE_MINUTES)


@dataclass(frozen=True)
class Slot:
    start: datetime  # UTC
    end: datetime
    free_points: tuple[int, ...]  # the cabinets where it is free, in the order they are taken

    @property
    def free(self) -> int:
        return len(self.free_points)


def granules(start: datetime, end: datetime) -> list[datetime]:
    out, at = [], start
    while at < end:
        out.append(at)
        at += _STEP
    return out


def _offset(session: Session, office_id: int, point_id: int, rules: Rules) -> int:
    """The cabinet's shift of its reserved time within the hour (cabinet k: k × reserved)."""
    ids = session.execute(
        sa.select(_POINTS.c.id).where(_POINTS.c.office_id == office_id).order_by(_POINTS.c.id)
    ).scalars()
    index = next((i for i, pid in enumerate(ids) if pid == point_id), 0)
    return (index * rules.reserved_minutes) % 60


def _reserved(moment: datetime, opened: datetime, offset: int, rules: Rules) -> bool:
    minute = int((moment - opened).total_seconds() // 60)
    return (minute - offset) % 60 < rules.reserved_minutes


def _held(
    session: Session,
    point_ids: list[int],
    start: datetime,
    end: datetime,
    now: datetime,
    mine: int | None = None,
) -> set[tuple[int, datetime]]:
    """(cabinet, moment) pairs held by a booking between ``start`` and ``end``; seats that
    booking ``mine`` released are free to it (a move back to where it was)."""
    rows = session.execute(
        sa.select(_SEATS.c.point_id, _SEATS.c.at).where(
            _SEATS.c.point_id.in_(point_ids),
            _SEATS.c.at >= start,
            _SEATS.c.at < end,
            sa.or_(
                _SEATS.c.free_at.is_(None),
                sa.and_(_SEATS.c.free_at > now, _SEATS.c.booking_id != (mine or 0)),
            ),
        )
    ).all()
    return {(pid, at) for pid, at in rows}


def point_offsets(session: Session, rules: Rules, service: Service) -> dict[int, int]:
    """The cabinets serving ``service``, each with its shift of reserved time."""
    assert service.id is not None
    points = [p.id for p in serving_points(session, service.id) if p.id is not None]
    return {pid: _offset(session, service.office_id, pid, rules) for pid in points}


def reserved_points(
    cells: list[datetime], opened: datetime, offsets: dict[int, int], rules: Rules
) -> list[int]:
    """The cabinets whose reserved time holds every five minutes of ``cells``."""
    return [
        pid
        for pid, shift in offsets.items()
        if all(_reserved(c, opened, shift, rules) for c in cells)
    ]


def bookable_day(clock: Clock, rules: Rules, day: date, now: datetime) -> bool:
    """A day that is open, not past, and within ``days_ahead``."""
    today = clock.business_day(now)
    return today <= day <= today + timedelta(days=rules.days_ahead) and bool(
        clock.open_intervals(day)
    )


def day_slots(
    session: Session,
    clock: Clock,
    rules: Rules,
    service: Service,
    day: date,
    now: datetime,
    mine: int | None = None,
) -> list[Slot]:
    """The day's slots of ``service`` still to come, each with its free cabinets (``mine``:
    as the booking moving sees them); a closed, past or too distant day, or a service not
    booked: none."""
    if not rules.books(service.code) or not bookable_day(clock, rules, day, now):
        return []
    assert service.id is not None
    points = [p.id for p in serving_points(session, service.id) if p.id is not None]
    if not points:
        return []
    length = timedelta(minutes=rules.slot_of(service.code))
    intervals = clock.open_intervals(day)
    held = _held(session, points, intervals[0][0], intervals[-1][1], now, mine)
    offsets = point_offsets(session, rules, service)
    slots: list[Slot] = []
    for opened, closes in intervals:
        start = opened
        while start + length <= closes:
            if start > now:
                cells = granules(start, start + length)
                reserved = reserved_points(cells, opened, offsets, rules)
                if reserved:
                    free = tuple(
                        pid for pid in reserved if not any((pid, c) in held for c in cells)
                    )
                    slots.append(Slot(start, start + length, free))
            start += length
    return slots


def find_slot(
    session: Session,
    clock: Clock,
    rules: Rules,
    service: Service,
    day: date,
    start: datetime,
    now: datetime,
    mine: int | None = None,
) -> Slot | None:
    found = day_slots(session, clock, rules, service, day, now, mine)
    return next((s for s in found if s.start == start), None)
