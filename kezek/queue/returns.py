"""The visitor who does not come (issue 17): recalls are bounded, and a no-show may come back.

**Recalls.** After ``max_recalls`` recalls (the profile's) another recall is refused with a
message that says to mark a no-show: a clerk who presses "call again" expects a call, and
closing a ticket for good (the no-show) stays the clerk's own decision.

**Coming back.** Within ``window`` minutes of its no-show (the profile's, 30 by default, the
same day) a no-show ticket may be returned to its queue once. It comes back as a new row of
the same visit (as a transfer after a call does: same code, a parent), **behind the tickets
waiting now**: it is issued at its return, and the call order is by issue time. The visitors
present did nothing wrong and keep their places; the one who was away had a call.

Its waiting time for appendix 1.2 is the visit's sum of waiting periods (``visits``): from
the first issue to the first call, plus from the return to the next call. The time away
(the first call to the return) is not waiting, so it neither inflates the figure nor is the
second wait hidden behind the first call made in time: the visit is within only when the
sum is at most its target.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from kezek.i18n import N_
from kezek.queue import visits
from kezek.queue.calls import _require
from kezek.queue.clock import Clock
from kezek.queue.errors import IllegalTransition
from kezek.queue.history import _T
from kezek.queue.models import Service, Status, Ticket
from kezek.queue.moves import _moved, recall
from kezek.queue.next_row import next_row

_CHILD = sa.select(_T.c.id).where(_T.c.parent_id == sa.bindparam("ticket_id")).limit(1)
_LOCK = sa.select(_T.c.id).where(_T.c.id == sa.bindparam("ticket_id")).with_for_update()


def bounded_recall(
    session: Session, clock: Clock, ticket: Ticket, actor_id: int | None, max_recalls: int
) -> Ticket:
    """Call the ticket again, unless it was called again ``max_recalls`` times already."""
    if ticket.status == Status.called and ticket.recall_count >= max_recalls:
        raise IllegalTransition(
            N_("Ticket %(code)s was called again %(count)s times: mark it a no-show."),
            code=ticket.code,
            count=max_recalls,
        )
    return recall(session, clock, ticket, actor_id)


def require_no_show(ticket: Ticket) -> None:
    """Only a no-show comes back (checked before whose it is: the clearer refusal)."""
    _require(ticket, [Status.no_show], "returned")


def returnable(session: Session, clock: Clock, ticket: Ticket, window: int) -> bool:
    """Whether ``ticket`` may come back now (the console offers it only then)."""
    now = clock.now()
    return (
        ticket.status == Status.no_show
        and window > 0
        and ticket.finished_at is not None
        and now - ticket.finished_at <= timedelta(minutes=window)
        and ticket.business_day == clock.business_day(now)
        and session.connection().execute(_CHILD, {"ticket_id": ticket.id}).first() is None
    )


def return_to_queue(
    session: Session, clock: Clock, ticket: Ticket, actor_id: int | None, window: int
) -> Ticket:
    """Put a no-show back in its queue, behind those waiting now; the new row (the visitor's
    phone page follows it). Refused after the window, or when it came back already."""
    _require(ticket, [Status.no_show], "returned")
    conn = session.connection()
    if conn.dialect.name == "postgresql":  # two returns at once: the second sees the first
        conn.execute(_LOCK, {"ticket_id": ticket.id})
    if conn.execute(_CHILD, {"ticket_id": ticket.id}).first() is not None:
        raise IllegalTransition(
            N_("Ticket %(code)s is back in the queue already."), code=ticket.code
        )
    if not returnable(session, clock, ticket, window):
        raise IllegalTransition(
            N_("Ticket %(code)s can come back only within %(minutes)s minutes of its no-show."),
            code=ticket.code,
            minutes=window,
        )
    now = clock.now()
    service = session.get_one(Service, ticket.service_id)
    # The visit waits again: the root's figures wait for the next call (as after a transfer).
    values: dict[str, Any] = (
        {"wait_seconds": None, "within_target": None}
        if ticket.parent_id is None
        else {"status": Status.no_show}
    )
    _moved(session, ticket, "returned", now, actor_id, [Status.no_show], **values)
    visits.reopen(session, ticket)
    # Behind those waiting now; its period begins here (``visits``).
    return next_row(session, ticket, service, now, now, actor_id, f"returned from {ticket.id}")
