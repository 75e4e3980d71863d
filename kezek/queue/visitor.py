"""What the visitor may do to their own ticket from the phone page: give up the place.

The phone page's token is the capability; these functions take the ticket it found and
check the state themselves, so any caller (the page, a bot) gets the same rules. No HTTP.
"""

from __future__ import annotations

from sqlmodel import Session

from kezek.i18n import N_
from kezek.queue import moves
from kezek.queue.clock import Clock
from kezek.queue.errors import IllegalTransition
from kezek.queue.models import Status, Ticket

# A visitor may leave while waiting, or when called and not yet at the desk (the clerk is then
# free to call the next one); once served, the visit is the clerk's.
CANCELLABLE = (Status.waiting, Status.called)


def can_cancel(ticket: Ticket) -> bool:
    return ticket.status in CANCELLABLE


def cancel(session: Session, clock: Clock, ticket: Ticket) -> Ticket:
    """The visitor gives up their place (no actor: the history says nobody on the staff did
    it). Its wait ends as a cancellation: before the target it is left out of appendix 1.2."""
    if not can_cancel(ticket):
        raise IllegalTransition(N_("This ticket can no longer be cancelled."))
    return moves.cancel(session, clock, ticket, None)
