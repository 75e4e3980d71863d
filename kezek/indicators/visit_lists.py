"""The visits behind 1.2 and 4.1's denominator, counted as ``kezek.indicators.waits`` counts
them, so each list adds up exactly to its figure (issue 13, items 1 and 6).

A visit is its first ticket row with the rows its transfers made; it belongs to the service
it was first issued for, and only the services the appendix measures (``Service.appendix``)
are listed. Its summed wait and verdict are on its first row; how its wait ended (called or
not, and its status) is on its last row, as ``waits.visit_counts`` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from kezek.i18n import N_
from kezek.indicators.listing import DENOMINATOR, LEFT_OUT, LIMIT, NUMERATOR, Entry, Listing
from kezek.queue.models import Service, Status, Ticket


@dataclass(frozen=True)
class Visit:
    first: Ticket  # the root row: the visit's service, summed wait and verdict
    last: Ticket  # the row its wait ended on (the root itself unless transferred)
    service: Service


def visits(session: Session, office_id: int, start: date, end: date) -> list[Visit]:
    """The visits of the measured services issued in the period, in the order issued."""
    rows = session.exec(
        select(Ticket, Service)
        .join(Service, col(Service.id) == col(Ticket.service_id))
        .where(
            Ticket.office_id == office_id,
            Ticket.business_day >= start,
            Ticket.business_day <= end,
            col(Ticket.parent_id).is_(None),
            col(Service.appendix).is_(True),  # §1, §3: the appendix's service (issue 13, 6)
        )
        .order_by(col(Ticket.issued_at), col(Ticket.id))
        .limit(LIMIT)
    ).all()
    last = {t.id: t for t, _ in rows}
    moving = {t.id: t.id for t, _ in rows if t.status == Status.transferred}
    while moving:  # follow the transfers' rows down to the last of each visit
        children = session.exec(select(Ticket).where(col(Ticket.parent_id).in_(moving))).all()
        step: dict[int | None, int | None] = {}
        for child in children:
            root = moving[child.parent_id]
            last[root] = child
            if child.status == Status.transferred:
                step[child.id] = root
        moving = step
    return [Visit(t, last[t.id], s) for t, s in rows]


def _wait_rule(visit: Visit) -> tuple[str, str]:
    first, end = visit.first, visit.last
    if first.wait_seconds is None:
        return LEFT_OUT, N_("still waiting: not counted yet")
    if first.within_target is None:
        return LEFT_OUT, N_("left before the target: waited %(wait)s, out of 1.2")
    if first.within_target:
        if end.status == Status.no_show:
            return NUMERATOR, N_("called in time, then did not come: waited %(wait)s")
        return NUMERATOR, N_("called in time: waited %(wait)s")
    if end.called_at is None and end.status == Status.closed:
        return DENOMINATOR, N_("closed unserved at the end of the day: waited %(wait)s")
    if end.called_at is None:
        return DENOMINATOR, N_("left after the target had passed: waited %(wait)s")
    return DENOMINATOR, N_("called late: waited %(wait)s")


def waits(session: Session, office_id: int, start: date, end: date, lang: str) -> Listing:
    """1.2: each visit once, with its summed wait and its verdict."""
    listing = Listing("1.2")
    for visit in visits(session, office_id, start, end):
        part, rule = _wait_rule(visit)
        wait = "{}:{:02d}".format(*divmod(visit.first.wait_seconds or 0, 60))  # 40:01
        first = visit.first
        entry = Entry(
            part, rule, {"wait": wait}, first.code, first.business_day, visit.service.name(lang)
        )
        listing.entries.append(entry)
    return listing


def served(session: Session, office_id: int, start: date, end: date, lang: str) -> list[Entry]:
    """4.1's denominator: the visits of the measured services that ended served."""
    rule = N_("an applicant served")
    return [
        Entry(DENOMINATOR, rule, {}, v.first.code, v.first.business_day, v.service.name(lang))
        for v in visits(session, office_id, start, end)
        if v.first.wait_seconds is not None and v.last.status == Status.served
    ]
