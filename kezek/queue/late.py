""" "I am running late" (issue 17): the visitor moves their waiting ticket back a few places,
once, and only while it still keeps its target.

**The move.** The ticket goes behind the next ``places`` tickets (the profile's
``late_places``) of its kind (priority or not, §11) in its service's queue, or behind the
last of them when fewer wait: its place in the queue (``tickets.queued_at``) becomes just
after theirs. Nobody behind: refused, the press is not used up.

**Once.** The move is written in the history as "late"; a second press on any row of the
visit is refused with a message that it was used.

**Within the target.** Refused when the visit's wait so far plus the estimated wait at the
new place (``estimate.wait_minutes``: places ahead × mean service time ÷ open cabinets)
exceeds its target (appendix 1.2: 40 minutes): the visitor would lose the indicator for the
office by asking. The place is counted in the office's call order (``standing``).

**Appendix 1.2.** The wait still counts from the issue (``issued_at``): the move changes the
place in the queue, not the time the visitor has waited.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session

from kezek.i18n import N_
from kezek.queue import estimate, reads, visits
from kezek.queue.clock import Clock
from kezek.queue.errors import IllegalTransition
from kezek.queue.history import _EVENTS, _T
from kezek.queue.models import Status, Ticket
from kezek.queue.moves import _moved
from kezek.queue.order import CallOrder

KIND = "late"
_LOCK = sa.select(_T.c.id).where(_T.c.id == sa.bindparam("ticket_id")).with_for_update()
_PARENT = sa.select(_T.c.parent_id).where(_T.c.id == sa.bindparam("ticket_id"))
_USED = (
    sa.select(_EVENTS.c.id)
    .where(_EVENTS.c.ticket_id.in_(sa.bindparam("ids", expanding=True)), _EVENTS.c.kind == KIND)
    .limit(1)
)
_BEHIND = (
    sa.select(_T.c.queued_at)
    .where(
        _T.c.office_id == sa.bindparam("office_id"),
        _T.c.service_id == sa.bindparam("service_id"),
        _T.c.business_day == sa.bindparam("day"),
        _T.c.status == Status.waiting.value,
        _T.c.priority == sa.bindparam("priority"),
        sa.or_(
            _T.c.queued_at > sa.bindparam("queued_at"),
            sa.and_(_T.c.queued_at == sa.bindparam("queued_at"), _T.c.id > sa.bindparam("id")),
        ),
    )
    .order_by(_T.c.queued_at, _T.c.id)
    .limit(sa.bindparam("places"))
)


def _visit_rows(session: Session, ticket: Ticket) -> list[int]:
    """The ids of the visit's rows up to this one (a transfer's, a return's parents)."""
    ids, parent = [ticket.id or 0], ticket.parent_id
    conn = session.connection()
    while parent is not None and len(ids) < 20:
        ids.append(parent)
        parent = conn.execute(_PARENT, {"ticket_id": parent}).scalar()
    return ids


def used(session: Session, ticket: Ticket) -> bool:
    """Whether the visit moved back already."""
    found = session.connection().execute(_USED, {"ids": _visit_rows(session, ticket)}).first()
    return found is not None


def can_run_late(session: Session, ticket: Ticket, places: int) -> bool:
    """Whether the phone page offers the button (the rules are checked again on the press)."""
    return places > 0 and ticket.status == Status.waiting and not used(session, ticket)


def run_late(
    session: Session, clock: Clock, ticket: Ticket, order: CallOrder, places: int
) -> Ticket:
    """Move the waiting ``ticket`` back (the module's docstring gives the rules)."""
    if places <= 0 or ticket.status != Status.waiting:
        raise IllegalTransition(N_("Only a waiting ticket can be moved back."))
    session.flush()
    conn = session.connection()
    if conn.dialect.name == "postgresql":  # two presses at once: the second sees the first
        conn.execute(_LOCK, {"ticket_id": ticket.id})
    if used(session, ticket):
        raise IllegalTransition(N_("You have already moved this ticket back once."))
    behind = conn.execute(
        _BEHIND,
        {
            "office_id": ticket.office_id,
            "service_id": ticket.service_id,
            "day": ticket.business_day,
            "priority": ticket.priority,
            "queued_at": ticket.queued_at,
            "id": ticket.id,
            "places": places,
        },
    ).all()
    if not behind:
        raise IllegalTransition(N_("Nobody waits behind you: your place stays as it is."))
    now = clock.now()
    place = reads.position(session, ticket, order, now) or 1
    ahead = place - 1 + len(behind)
    minutes = estimate.wait_minutes(session, clock, ticket.service_id, ahead)[0]
    if visits.visit_wait(session, ticket, now) + minutes * 60 > ticket.target_wait_minutes * 60:
        raise IllegalTransition(
            N_("Moving back would keep you waiting over %(minutes)s minutes: your place stays."),
            minutes=ticket.target_wait_minutes,
        )
    queued_at = behind[-1][0] + timedelta(microseconds=1)  # just behind the last of them
    detail = f"back {len(behind)}"
    return _moved(
        session, ticket, KIND, now, None, [Status.waiting], detail=detail, queued_at=queued_at
    )
