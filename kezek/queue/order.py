"""The call order: which waiting ticket call-next takes (§11 priority, appendix 1.2).

Two rules, chosen in the office profile (``call_order``) and passed in by every caller (the
console, the API, ``kezek replay``, the simulation); the queue reads no settings.

``priority_then_oldest``: priority first (§11), then the oldest (first issued), then the id.

``protect_target``: appendix 1.2 counts the visits that waited at most their target (40
minutes). Whom a call can still save for it comes first; nobody is left to wait for ever:

0. *overdue*: past the target by ``overdue_minutes`` or more. They go first, so the price of
   protecting the others is bounded: nobody waits much longer than target + that bound.
1. *at risk*: the visit has waited the early warning (``warn_wait_minutes``, the console's
   amber) and not yet its target. The one nearest to breaching first, ahead of priority
   tickets that still have time: calling it now keeps it within; a priority visitor who came
   later still makes it after.
2. *late*: past the target, less than the bound. It can no longer be saved for 1.2, so the
   ones that can go first; but it goes before every fresh ticket, so it waits only while
   others are about to breach.
3. *fresh*: the rest, in the plain order.

Within 0, 2 and 3, and between equals in 1: priority first, then the oldest. The wait is the
visit's (``queue.visits``): a transfer's row has waited what its earlier rows waited plus
the time since the transfer, which is what 1.2 will count when it is called.

To add a class (booked appointments, say), add a branch to ``_class`` with its number and,
if it can be ahead of the plain order for tickets that have not waited ``lookback``, widen
``urgent``: call-next reads the plain order's index walk alone when no row can be urgent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa

Rule = Literal["protect_target", "priority_then_oldest"]
RULES: tuple[Rule, ...] = ("protect_target", "priority_then_oldest")
OVERDUE, AT_RISK, LATE, FRESH = 0, 1, 2, 3
_JULIAN_UNIX = 2440587.5 * 86400  # SQLite's julianday() of 1970-01-01, in seconds


@dataclass(frozen=True)
class CallOrder:
    """The rule and its thresholds, from the profile (``kezek.profile_sync.call_order``)."""

    rule: Rule = "priority_then_oldest"
    warn_minutes: int = 30  # the profile's warn_wait_minutes: at risk from here
    overdue_minutes: int = 20  # past the target by this much: called first
    # The shortest wait after which any ticket can be urgent: min(warn, every target).
    lookback_minutes: int = 30

    @property
    def protects(self) -> bool:
        return self.rule == "protect_target"


PLAIN = CallOrder()


def _n(value: float) -> sa.ColumnElement[Any]:
    """A constant written into the statement (built once per order), not a bind parameter:
    the protecting query has dozens, and binding each one every call cost more than the
    query (bench/call_next.py)."""
    return sa.literal_column(repr(value))


def plain_order(t: sa.Table) -> list[sa.ColumnElement[Any]]:
    """§11: priority first, then the oldest; the id settles equal times. "Oldest" is by the
    place in the queue (``queued_at``): the issue, or later after "I am running late"."""
    return [t.c.priority.desc(), t.c.queued_at, t.c.id]


def booked_due(t: sa.Table) -> sa.ColumnElement[Any]:
    """§10 pre-registration: a checked-in booking whose slot has come (bind parameter
    ``now``) goes first, the earliest slot first; the rest sort after them (NULL)."""
    due = sa.and_(t.c.booked_for.is_not(None), t.c.booked_for <= sa.bindparam("now"))
    return sa.case((due, t.c.booked_for), else_=None).asc().nulls_last()


def _seconds(moment: sa.ColumnElement[Any], postgres: bool) -> sa.ColumnElement[Any]:
    """A stored (naive UTC) moment in seconds on one scale per engine (``now_seconds``)."""
    if postgres:
        return sa.extract("epoch", moment)
    return sa.func.julianday(moment) * _n(86400.0)


def now_seconds(now: datetime, postgres: bool) -> float:
    """``now`` on the scale of ``_seconds`` (the bind parameter ``now_s``)."""
    return now.timestamp() + (0.0 if postgres else _JULIAN_UNIX)


def waited(t: sa.Table, prior: sa.FromClause, postgres: bool) -> sa.ColumnElement[Any]:
    """The seconds the visit has waited if called now, as ``visits.current_period`` counts
    them: a first row from its issue; a transfer's row from its parent's finish, plus what
    the visit waited before (the root's call − issue, or a middle row's running sum)."""
    root = t.c.parent_id.is_(None)
    # A transfer's row keeps the first issue: its period begins as its parent ends. A
    # returned no-show's row is issued at its return: its period begins then (the time away
    # is not waiting). The later of the two, as ``visits.current_period`` takes it.
    later = sa.func.greatest if postgres else sa.func.max
    began = sa.case(
        (root, t.c.issued_at),
        else_=later(sa.func.coalesce(prior.c.finished_at, t.c.issued_at), t.c.issued_at),
    )
    first_period = _seconds(
        sa.func.coalesce(prior.c.called_at, prior.c.issued_at), postgres
    ) - _seconds(prior.c.issued_at, postgres)
    before = sa.case(
        (root, _n(0)),
        (prior.c.parent_id.is_(None), first_period),
        else_=sa.func.coalesce(prior.c.wait_seconds, _n(0)),
    )
    return before + sa.bindparam("now_s") - _seconds(began, postgres)


def _class(order: CallOrder, t: sa.Table, wait: sa.ColumnElement[Any]) -> sa.ColumnElement[int]:
    target = t.c.target_wait_minutes * _n(60)
    return sa.case(
        (wait > target + _n(order.overdue_minutes * 60), _n(OVERDUE)),
        (wait > target, _n(LATE)),
        (sa.or_(wait >= _n(order.warn_minutes * 60), wait >= target), _n(AT_RISK)),
        else_=_n(FRESH),
    )


def sequence(
    order: CallOrder, t: sa.Table, prior: sa.FromClause, postgres: bool
) -> list[sa.ColumnElement[Any]]:
    """The whole order the calls take, for every waiting ticket: call-next's ORDER BY, the
    visitor's position ("N ahead of you") and the console's list all sort by it, so the
    place shown is the place called. Plain: due bookings (§10), then ``plain_order``.
    Protecting: the urgent classes (the module's docstring gives the rule), then the fresh
    ones as in the plain order (a due booking first among them). ``prior``: the parent row."""
    if not order.protects:
        return [booked_due(t), *plain_order(t)]
    wait = waited(t, prior, postgres)
    rank = _class(order, t, wait)
    slack = t.c.target_wait_minutes * _n(60) - wait
    due = sa.and_(
        rank == _n(FRESH), t.c.booked_for.is_not(None), t.c.booked_for <= sa.bindparam("now")
    )
    booked = sa.case((due, t.c.booked_for), else_=None).asc().nulls_last()
    return [rank, sa.case((rank == _n(AT_RISK), slack), else_=_n(0)), booked, *plain_order(t)]


def urgent(
    order: CallOrder, t: sa.Table, prior: sa.FromClause, postgres: bool
) -> sa.ColumnElement[bool]:
    """The rows that can come before the plain order: their visit has waited the early
    warning or their target. A first row's or a transfer's ``issued_at`` (the visit's first
    issue) bounds its wait, so those are the tickets issued ``lookback`` ago or earlier; a
    returned no-show's row is issued at its return and has the visit's earlier wait too, so
    every row with a parent is looked at (a few a day)."""
    return sa.and_(
        # Both values named, so the index (…, priority, issued_at) is read as two ranges of
        # ``issued_at`` rather than every waiting ticket (bench/call_next.py).
        t.c.priority.op("IN")(sa.tuple_(sa.true(), sa.false())),
        sa.or_(t.c.issued_at <= sa.bindparam("early"), t.c.parent_id.is_not(None)),
        near_target(order, t, prior, postgres),
    )


def near_target(
    order: CallOrder, t: sa.Table, prior: sa.FromClause, postgres: bool
) -> sa.ColumnElement[bool]:
    """The visit has waited the early warning or its target: any class but FRESH."""
    wait = waited(t, prior, postgres)
    return sa.or_(wait >= _n(order.warn_minutes * 60), wait >= t.c.target_wait_minutes * _n(60))


def params(order: CallOrder, now: datetime, postgres: bool) -> dict[str, Any]:
    """The bind parameters ``sequence``, ``waited`` and ``urgent`` need."""
    if not order.protects:
        return {"now": now}
    return {
        "now": now,
        "now_s": now_seconds(now, postgres),
        "early": now - timedelta(minutes=order.lookback_minutes),
    }
