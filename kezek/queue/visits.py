"""A visit's waiting time across its transfers (appendix 1.2, issue 13).

A **visit** is a ticket with the rows its transfers after a call made; it belongs to the
service it was first issued for (the child rows keep that service's target). Its waiting
time is the sum of its waiting periods — from the issue, or from a transfer, to the next
call — in wall-clock time (lunch included: the visitor waits through it). It is *within*
when every period ended in a call and the sum is at most the target (40:00 is within);
closed unserved, or cancelled after the target, it is not within; cancelled before the
target passed it is left out of 1.2 (``within_target`` stays ``None``).

Each child row holds the visit's running sum at the end of its own waiting period. The
root row — the one the report reads, by the ``ix_tickets_visits`` index — holds the
visit's figures: a transfer clears them (the visitor waits again) and the end of the next
waiting period writes the new sum there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from kezek.queue.models import Ticket, table_of

_T: sa.Table = table_of(Ticket)
_PARENT = sa.select(
    _T.c.parent_id, _T.c.issued_at, _T.c.called_at, _T.c.finished_at, _T.c.wait_seconds
).where(_T.c.id == sa.bindparam("ticket_id"))
_SETTLE = (
    sa.update(_T)
    .where(_T.c.id == sa.bindparam("root_id"))
    .values(wait_seconds=sa.bindparam("w"), within_target=sa.bindparam("v"))
)


def _seconds(later: datetime, earlier: datetime) -> int:
    return max(0, int((later - earlier).total_seconds()))


def current_period(
    session: Session, ticket_id: int | None, parent_id: int | None, issued_at: datetime
) -> tuple[datetime, int]:
    """(when this row's waiting period began, seconds the visit waited before it)."""
    if parent_id is None:
        return issued_at, 0
    parent = session.connection().execute(_PARENT, {"ticket_id": parent_id}).one()
    grand, p_issued, p_called, p_finished, p_wait = parent
    # The root's own wait columns hold the visit's figures (cleared by the transfer): its
    # period is its call − its issue. A middle row holds the running sum at its call.
    before = _seconds(p_called, p_issued) if grand is None else int(p_wait or 0)
    # A transfer's row keeps the first issue time: its period begins as its parent ends.
    # A no-show returned to the queue (``returns``) is issued at its return: its period
    # begins then, so the time the visitor was away is not waiting (issue 17).
    return max(p_finished or issued_at, issued_at), before


def visit_wait(session: Session, ticket: Ticket, at: datetime) -> int:
    """The visit's waiting time if this row's waiting period ends at ``at``."""
    assert ticket.issued_at is not None
    start = ticket.issued_at  # §10: a booking's wait runs from the later of slot and check-in
    if ticket.booked_for is not None and ticket.booked_for > start:
        start = ticket.booked_for
    began, before = current_period(session, ticket.id, ticket.parent_id, start)
    return before + _seconds(at, began)


def ended(session: Session, ticket: Ticket, at: datetime, how: str = "called") -> dict[str, Any]:
    """The wait columns to write when this row's waiting period ends now (``how``: called,
    closed unserved, cancelled); nothing when it ended before (a no-show after a call in
    time stays within; recalls change nothing)."""
    if ticket.wait_seconds is not None:
        return {}
    seconds = visit_wait(session, ticket, at)
    in_time = seconds <= ticket.target_wait_minutes * 60
    within: bool | None = in_time
    if how == "closed":
        within = False  # never called: never within, whatever the wait
    elif how == "cancelled":
        within = None if in_time else False  # left before the target: out of 1.2
    return {"wait_seconds": seconds, "within_target": within}


def root_of(session: Session, ticket: Ticket) -> int | None:
    """The id of the visit's first row, when this is a transfer's row (else ``None``)."""
    parent = ticket.parent_id
    root = None
    while parent is not None:
        root = parent
        parent = session.connection().execute(_PARENT, {"ticket_id": parent}).one()[0]
    return root


def _write_root(session: Session, root: int, wait: int | None, within: bool | None) -> None:
    session.connection().execute(_SETTLE, {"root_id": root, "w": wait, "v": within})
    known = session.identity_map.get(session.identity_key(Ticket, root))
    if known is not None:
        set_committed_value(known, "wait_seconds", wait)
        set_committed_value(known, "within_target", within)


def settle(session: Session, ticket: Ticket, values: dict[str, Any]) -> None:
    """Write the visit's figures on its root row, when this row is a transfer's."""
    if "wait_seconds" not in values:
        return
    root = root_of(session, ticket)
    if root is not None:
        _write_root(session, root, values["wait_seconds"], values["within_target"])


def reopen(session: Session, ticket: Ticket) -> None:
    """A transfer after a call of a transfer's row: the visit waits again, so its root's
    figures are cleared (a root transferred clears its own in the same move)."""
    root = root_of(session, ticket)
    if root is not None:
        _write_root(session, root, None, None)
