"""A service point's pauses (issue 17): a break, paperwork, or another reason with a note.

A paused point is not called to (``calls`` refuses while a pause is open); a pause begins
only with no ticket in hand, so pause time and service time never overlap and a clerk's
day adds up. Every interval is kept (``point_pauses``): the statistics count pause time by
reason with ``pause_seconds``. A pause still open at closing ends at closing (``close_day``).
The live screens hear of a pause and a resume through the usual events (no ticket: id 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, col, select

from kezek.i18n import N_
from kezek.queue.clock import Clock
from kezek.queue.errors import IllegalTransition, InvalidInput
from kezek.queue.events import Event, record
from kezek.queue.models import IN_HAND, ServicePoint, Ticket, table_of, utc_field
from kezek.queue.point_lock import lock_point

REASONS: Mapping[str, str] = {
    "break": N_("break"),
    "paperwork": N_("paperwork"),
    "other": N_("other"),
}
MAX_NOTE = 200  # characters


class PointPause(SQLModel, table=True):
    """One pause of one service point: who paused, why, from when to when."""

    __tablename__ = "point_pauses"
    __table_args__ = (
        sa.Index("ix_point_pauses_office_started", "office_id", "started_at"),
        sa.Index("ix_point_pauses_point_ended", "point_id", "ended_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id")
    point_id: int = Field(foreign_key="service_points.id")
    user_id: int | None = Field(default=None, foreign_key="users.id")
    business_day: date
    reason: str = Field(max_length=16)  # REASONS
    note: str | None = Field(default=None, max_length=MAX_NOTE)
    started_at: datetime | None = utc_field(nullable=False)
    ended_at: datetime | None = utc_field()


_P: sa.Table = table_of(PointPause)
_OPEN = (
    sa.select(_P.c.id)
    .where(_P.c.point_id == sa.bindparam("point_id"), _P.c.ended_at.is_(None))
    .limit(1)
)


def check_not_paused(conn: sa.Connection, point_id: int | None) -> None:
    """Refuse a call to a paused point (one indexed lookup on the call's path)."""
    if conn.execute(_OPEN, {"point_id": point_id}).first() is not None:
        raise IllegalTransition(N_("This service point is paused: resume it to call visitors."))


def open_pause(session: Session, point_id: int | None) -> PointPause | None:
    return session.exec(
        select(PointPause).where(
            PointPause.point_id == point_id, col(PointPause.ended_at).is_(None)
        )
    ).first()


_PAUSED = sa.select(_P.c.point_id).where(
    _P.c.office_id == sa.bindparam("office_id"), _P.c.ended_at.is_(None)
)


def paused_points(conn: sa.Connection, office_id: int) -> set[int]:
    """The ids of the office's points paused now (the wait range's open cabinets)."""
    return set(conn.execute(_PAUSED, {"office_id": office_id}).scalars())


def open_pauses(session: Session, office_id: int) -> dict[int, PointPause]:
    """The office's points paused now, by point id (the dashboard, the displays)."""
    rows = session.exec(
        select(PointPause).where(
            PointPause.office_id == office_id, col(PointPause.ended_at).is_(None)
        )
    ).all()
    return {row.point_id: row for row in rows}


def _announce(session: Session, point: ServicePoint, kind: str) -> None:
    """The live screens refresh on it; a pause has no ticket (id 0) and no history row."""
    record(
        session,
        Event(
            kind=kind, office_id=point.office_id, ticket_id=0, code="", service="", point=point.code
        ),
    )


def pause(
    session: Session,
    clock: Clock,
    point: ServicePoint,
    user_id: int | None,
    reason: str,
    note: str | None = None,
) -> PointPause:
    """Pause ``point`` now. ``other`` needs a note; a note is at most ``MAX_NOTE`` characters.
    Refused while a ticket is in hand (finish it first) or when already paused."""
    if reason not in REASONS:
        raise InvalidInput(N_("Choose the reason for the pause."))
    note = (note or "").strip() or None
    if reason == "other" and note is None:
        raise InvalidInput(N_("Say in a few words why the service point is paused."))
    if note is not None and len(note) > MAX_NOTE:
        raise InvalidInput(N_("The note is at most %(count)s characters."), count=MAX_NOTE)
    lock_point(session, point)  # a pause and a call at once take turns
    code = session.exec(
        select(Ticket.code).where(
            Ticket.service_point_id == point.id, col(Ticket.status).in_(IN_HAND)
        )
    ).first()
    if code is not None:
        raise IllegalTransition(
            N_("Ticket %(code)s is still in hand: finish it or mark it a no-show first."),
            code=code,
        )
    if open_pause(session, point.id) is not None:
        raise IllegalTransition(N_("This service point is already paused."))
    now = clock.now()
    assert point.id is not None
    row = PointPause(
        office_id=point.office_id,
        point_id=point.id,
        user_id=user_id,
        business_day=clock.business_day(now),
        reason=reason,
        note=note,
        started_at=now,
    )
    session.add(row)
    session.flush()
    _announce(session, point, "paused")
    return row


def resume(session: Session, clock: Clock, point: ServicePoint) -> PointPause:
    """End the point's open pause now; refused when it is not paused."""
    lock_point(session, point)  # a pause and a call at once take turns
    row = open_pause(session, point.id)
    if row is None:
        raise IllegalTransition(N_("This service point is not paused."))
    row.ended_at = max(clock.now(), row.started_at or clock.now())
    session.add(row)
    session.flush()
    _announce(session, point, "resumed")
    return row


def end_open(session: Session, office_id: int, day: date, at: datetime) -> int:
    """Close of day: the pauses of ``day`` still open end at ``at`` (the closing time, or now
    when that is earlier); how many were ended."""
    rows = session.exec(
        select(PointPause).where(
            PointPause.office_id == office_id,
            PointPause.business_day == day,
            col(PointPause.ended_at).is_(None),
        )
    ).all()
    for row in rows:
        row.ended_at = max(at, row.started_at or at)
        session.add(row)
    session.flush()
    return len(rows)


def pause_seconds(
    session: Session,
    office_id: int,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
) -> dict[tuple[int, int | None], dict[str, float]]:
    """Pause time in ``[start, end)`` by (point id, user id) and reason, in seconds.

    Each interval is cut to the period; a pause still open counts up to ``now`` (or ``end``
    when ``now`` is not given), never past ``end``. Reasons are the keys of ``REASONS``; a
    (point, user) pair appears only with some pause time."""
    stop = end if now is None else min(end, now)
    rows = session.exec(
        select(PointPause).where(
            PointPause.office_id == office_id,
            col(PointPause.started_at) < end,
            sa.or_(col(PointPause.ended_at).is_(None), col(PointPause.ended_at) > start),
        )
    ).all()
    found: dict[tuple[int, int | None], dict[str, float]] = {}
    for row in rows:
        assert row.started_at is not None
        began = max(row.started_at, start)
        ended = min(row.ended_at or stop, end)
        seconds = (ended - began).total_seconds()
        if seconds > 0:
            by_reason = found.setdefault((row.point_id, row.user_id), {})
            by_reason[row.reason] = by_reason.get(row.reason, 0.0) + seconds
    return found
