"""Where a waiting ticket stands in the call order and its estimated wait (issue 17).

The place is counted in the order the next call takes (``order.sequence``: under the
protecting order a visit near its target is ahead of fresher ones), so "you are next" on
the phone page, the API's ``position`` and the bot's messages say who the next call takes.
The wait is the estimate's formula (``estimate.wait_minutes``) at that place.
"""

from __future__ import annotations

from sqlmodel import Session

from kezek.queue import estimate, reads
from kezek.queue.clock import Clock
from kezek.queue.models import Ticket
from kezek.queue.order import PLAIN, CallOrder


def standing(
    session: Session,
    clock: Clock,
    ticket: Ticket,
    order: CallOrder = PLAIN,
    rates: estimate.Rates | None = None,
) -> estimate.Estimate | None:
    """The ticket's place (1: the next called) and wait; None once it no longer waits."""
    place = reads.position(session, ticket, order, clock.now())
    if place is None:
        return None
    minutes, each, points = estimate.wait_minutes(
        session, clock, ticket.service_id, place - 1, rates
    )
    return estimate.Estimate(position=place, minutes=minutes, service_minutes=each, points=points)
