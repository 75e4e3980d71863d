"""What the waiting-room board shows, read from the database. No HTTP here.

Only ticket codes, service points and counts: §18.2 (confidentiality) and the product's
rule that public screens show ticket numbers only. Every query is scoped to one office and
its current business day and uses the ``ix_tickets_day`` index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from kezek.queue.clock import Clock
from kezek.queue.models import IN_HAND, PointService, Status, Ticket

NOW_CALLING = 4  # rows in very large type; more would not be legible at 5 m
RECENT = 5  # earlier calls, smaller (what fits beside the calls at 1080p)


@dataclass(frozen=True)
class Call:
    code: str
    point_id: int
    called_at: datetime
    status: str

    @property
    def key(self) -> str:
        """What the page uses to find a call again (to flash it): code and point, no more."""
        return f"{self.code}@{self.point_id}"


@dataclass(frozen=True)
class Board:
    at: datetime
    now_calling: list[Call]
    recent: list[Call]
    waiting: dict[int, int]  # service id -> tickets waiting
    average_wait_minutes: int | None  # today's mean of issued → first call (appendix 1.2)


def _calls(rows: Sequence[sa.Row[str, int | None, datetime | None, str]]) -> list[Call]:
    return [
        Call(code, point, at, status)
        for code, point, at, status in rows
        if point is not None and at is not None
    ]


def board(
    session: Session,
    clock: Clock,
    office_id: int,
    *,
    point_id: int | None = None,
    now_calling: int = NOW_CALLING,
    recent: int = RECENT,
) -> Board:
    """The board of an office, or of one service point (the screen over its door)."""
    now = clock.now()
    today = sa.and_(
        col(Ticket.office_id) == office_id, col(Ticket.business_day) == clock.business_day(now)
    )
    where = [today] if point_id is None else [today, col(Ticket.service_point_id) == point_id]
    calls = sa.select(
        col(Ticket.code), col(Ticket.service_point_id), col(Ticket.called_at), col(Ticket.status)
    ).where(*where)
    newest = (col(Ticket.called_at).desc(), col(Ticket.id).desc())

    in_hand = _calls(
        session.execute(
            calls.where(col(Ticket.status).in_(IN_HAND)).order_by(*newest).limit(now_calling)
        ).all()
    )
    shown = {(c.code, c.point_id) for c in in_hand}
    called = _calls(
        session.execute(
            calls.where(col(Ticket.called_at).is_not(None))
            .order_by(*newest)
            .limit(recent + len(in_hand))
        ).all()
    )
    earlier = [c for c in called if (c.code, c.point_id) not in shown][:recent]

    waiting_q = (
        sa.select(col(Ticket.service_id), sa.func.count())
        .where(today, col(Ticket.status) == Status.waiting)
        .group_by(col(Ticket.service_id))
    )
    if point_id is not None:
        waiting_q = waiting_q.where(
            col(Ticket.service_id).in_(
                sa.select(col(PointService.service_id)).where(
                    col(PointService.point_id) == point_id
                )
            )
        )
    waiting = {int(service): int(n) for service, n in session.execute(waiting_q).all()}

    average = session.execute(
        sa.select(sa.func.avg(col(Ticket.wait_seconds))).where(
            today, col(Ticket.called_at).is_not(None), col(Ticket.wait_seconds).is_not(None)
        )
    ).scalar()
    minutes = round(float(average) / 60) if average is not None else None
    return Board(
        at=now, now_calling=in_hand, recent=earlier, waiting=waiting, average_wait_minutes=minutes
    )
