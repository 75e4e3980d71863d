"""Taking a ticket at the kiosk: the queue as a visitor sees it, and the office-hours rule.

Plain functions that take the session first; no HTTP here. The kiosk endpoint calls
``take`` once and renders whatever it answers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

import sqlalchemy as sa
from sqlmodel import Session, select

from kezek.queue import estimate, estimate_inputs, tickets
from kezek.queue.clock import Clock
from kezek.queue.models import Service, Status, Ticket
from kezek.queue.order import PLAIN, CallOrder


@dataclass(frozen=True)
class Outlook:
    """What a new ticket of a service would face now: place in the queue and the wait."""

    waiting: int
    position: int
    minutes: int
    low: int | None = None  # issue 19: the quoted range (kezek.queue.wait_range)
    high: int | None = None


@dataclass(frozen=True)
class HoursNotice:
    """§10: the expected wait runs into the lunch break or past closing."""

    kind: Literal["lunch", "closing"]
    wait_minutes: int
    starts: datetime  # lunch start or closing time (UTC)
    ends: datetime | None  # lunch end; None for closing
    refuse: bool  # past closing and the office profile does not issue such tickets


@dataclass(frozen=True)
class Taken:
    """The answer of ``take``: a ticket, or the reason there is none (yet)."""

    ticket: Ticket | None = None
    created: bool = False
    outlook: Outlook | None = None
    notice: HoursNotice | None = None
    limited: bool = False


def outlook(
    session: Session,
    clock: Clock,
    service: Service,
    priority: bool = False,
    rates: estimate.Rates | None = None,
) -> Outlook:
    """Position and estimated wait of a ticket taken now (same formula as queue.estimate).

    A priority ticket (§11) only waits behind the other priority tickets.
    """
    assert service.id is not None
    conditions = [
        Ticket.office_id == service.office_id,
        Ticket.service_id == service.id,
        Ticket.business_day == clock.business_day(),
        Ticket.status == Status.waiting,
    ]
    count = select(sa.func.count()).select_from(Ticket)
    waiting = int(session.exec(count.where(*conditions)).one())
    ahead = waiting
    if priority:
        ahead = int(session.exec(count.where(*conditions, Ticket.priority.is_(True))).one())  # type: ignore[attr-defined]
    minutes = estimate.wait_minutes(session, clock, service.id, ahead, rates)[0]
    return Outlook(waiting=waiting, position=ahead + 1, minutes=minutes)


def hours_notice(
    clock: Clock, now: datetime, wait_minutes: int, issue_past_closing: bool
) -> HoursNotice | None:
    """Whether a wait of ``wait_minutes`` from ``now`` runs past closing or into lunch (§10).

    Closing counts open minutes only (the lunch hour does not serve anyone), so a wait
    that crosses lunch and then closing is a closing notice.
    """
    day = clock.business_day(now)
    closing = clock.closing_at(day)
    if closing is None or now >= closing:
        return None  # a closed day: issuing refuses anyway
    if wait_minutes > clock.open_minutes_between(now, closing):
        return HoursNotice("closing", wait_minutes, closing, None, refuse=not issue_past_closing)
    until_lunch = clock.minutes_until_lunch(now)
    if until_lunch is not None and wait_minutes > until_lunch:
        morning, afternoon = clock.open_intervals(day)
        return HoursNotice("lunch", wait_minutes, morning[1], afternoon[0], refuse=False)
    return None


def take(
    session: Session,
    clock: Clock,
    service: Service,
    *,
    priority: bool,
    lang: str,
    request_id: str | None,
    confirmed: bool,
    issue_past_closing: bool,
    limited: bool = False,
    order: CallOrder = PLAIN,
    rates: estimate.Rates | None = None,
) -> Taken:
    """Issue a kiosk ticket, unless the office hours or the rate limit say otherwise.

    A request id seen before answers with its ticket first, whatever else holds now: a
    retried request after a network drop must find the ticket it already made.
    ``order``: the office's call order, in which the new ticket's place is counted;
    ``rates``: its kept service times (``st.estimate_rates``).
    Raises ``tickets.OfficeClosed`` outside office hours (§10).
    """
    if request_id is not None:
        existing = tickets.find_by_request(session, service.office_id, request_id)
        if existing is not None:
            return Taken(ticket=existing, created=False)
    now = clock.now()
    if not clock.is_open(now):
        raise tickets.OfficeClosed(clock.next_opening(now))
    if limited:
        return Taken(limited=True)
    ahead = outlook(session, clock, service, priority, rates)
    notice = hours_notice(clock, now, ahead.minutes, issue_past_closing)
    if notice is not None and (notice.refuse or not confirmed):
        return Taken(outlook=ahead, notice=notice)
    ticket = tickets.issue(
        session, clock, service, priority=priority, lang=lang, request_id=request_id
    )
    # The talon's place and wait are where the call order puts the new ticket (a due
    # booking, or a visit near its target, comes first), and its quote is kept (issue 19).
    shown, quoted = estimate_inputs.record_issued(session, clock, ticket, order, rates)
    if shown is not None:
        ahead = replace(ahead, position=shown.position, minutes=shown.minutes)
    if quoted is not None:
        ahead = replace(ahead, low=quoted.low_min, high=quoted.high_min)
    return Taken(ticket=ticket, created=True, outlook=ahead, notice=notice)


def cabinets(session: Session, service_id: int, lang: str) -> list[str]:
    """Names of the active service points that serve a service (§12, §14), in the language."""
    return [point.name(lang) for point in tickets.serving_points(session, service_id)]


def current_outlook(
    session: Session,
    clock: Clock,
    ticket: Ticket,
    order: CallOrder = PLAIN,
    rates: estimate.Rates | None = None,
) -> Outlook | None:
    """Position (in the call order) and wait of an existing ticket; None once it no longer
    waits."""
    found, ranged = estimate_inputs.counted(session, clock, ticket, order, rates)  # issue 19
    if found is None:
        return None
    waiting = int(
        session.exec(
            select(sa.func.count())
            .select_from(Ticket)
            .where(
                Ticket.office_id == ticket.office_id,
                Ticket.service_id == ticket.service_id,
                Ticket.business_day == ticket.business_day,
                Ticket.status == Status.waiting,
            )
        ).one()
    )
    low, high = (ranged.low_min, ranged.high_min) if ranged else (None, None)
    return Outlook(waiting, found.position, found.minutes, low, high)
