"""The journal of citizens' complaints (§21–23; appendix 4.1, 4.2).

A complaint gets a yearly number and an answer due date (received + the office profile's
``complaint_term``: so many working or calendar days, from the legal act it names); the head
or deputy records the review (justified or not) and the answer, and whether it satisfied the
complaint (§22; 4.2). After the answer it is closed: corrections are amendments. Names and
contacts are personal data: staff pages only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from kezek.i18n import N_
from kezek.indicators.models import Complaint, ComplaintAmendment
from kezek.profile import ComplaintTerm
from kezek.public_holidays import add_working_days
from kezek.queue.clock import Clock
from kezek.queue.models import Ticket, table_of
from kezek.queue.tickets import InvalidInput, NotFound


@dataclass(frozen=True)
class NewComplaint:
    complainant: str
    contact: str
    about: str
    ticket_code: str | None = None
    received_on: date | None = None  # default: today in the office


def _clean(text: str | None, limit: int) -> str:
    return " ".join((text or "").split())[:limit] if limit <= 200 else (text or "").strip()[:limit]


def next_number(session: Session, office_id: int, year: int) -> int:
    c = table_of(Complaint)
    last = session.execute(
        sa.select(sa.func.max(c.c.number)).where(c.c.office_id == office_id, c.c.year == year)
    ).scalar()
    return int(last or 0) + 1


def answer_due(clock: Clock, received: date, term: ComplaintTerm | int) -> date:
    """The due date: the profile's term (days, working or calendar) from the day received;
    a bare number is calendar days. Working days skip weekends and public holidays."""
    if isinstance(term, int):
        return received + timedelta(days=term)
    if term.kind == "calendar":
        return received + timedelta(days=term.days)
    return add_working_days(received, term.days, clock.schedule.holidays)


def register(
    session: Session,
    clock: Clock,
    office_id: int,
    term: ComplaintTerm | int,
    new: NewComplaint,
    registered_by: int | None,
) -> Complaint:
    """Enter a complaint in the journal. Its number is the next of the year (§22); its
    answer is due by the profile's complaint term (``answer_due``)."""
    complainant = _clean(new.complainant, 200)
    about = _clean(new.about, 2000)
    if not complainant:
        raise InvalidInput(N_("Write who complains."))
    if not about:
        raise InvalidInput(N_("Write what the complaint is about."))
    today = clock.business_day()
    received = new.received_on or today
    if received > today or received < today - timedelta(days=366):
        raise InvalidInput(N_("The date received must be within the past year."))
    code = _clean(new.ticket_code, 16).upper() or None
    ticket_id = None
    if code:
        # The ticket of that day with this code, if there was one (the first row of the visit).
        ticket_id = session.exec(
            select(Ticket.id)
            .where(
                Ticket.office_id == office_id, Ticket.business_day == received, Ticket.code == code
            )
            .order_by(col(Ticket.id))
            .limit(1)
        ).first()
    for _ in range(5):  # two desks registering at once: the unique number makes one retry
        complaint = Complaint(
            office_id=office_id,
            year=received.year,
            number=next_number(session, office_id, received.year),
            received_on=received,
            answer_due=answer_due(clock, received, term),
            complainant=complainant,
            contact=_clean(new.contact, 200),
            ticket_code=code,
            ticket_id=ticket_id,
            about=about,
            registered_by=registered_by,
            registered_at=clock.now(),
        )
        try:
            with session.begin_nested():
                session.add(complaint)
                session.flush()
            return complaint
        except IntegrityError:
            continue
    raise InvalidInput(N_("The system is busy. Please try again."))


def get(session: Session, office_id: int, complaint_id: int) -> Complaint:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None or complaint.office_id != office_id:
        raise NotFound(N_("No such complaint."))
    return complaint


def review(
    session: Session,
    clock: Clock,
    complaint: Complaint,
    justified: bool,
    answer: str | None,
    answered_by: int | None,
    satisfied: bool | None = None,
) -> Complaint:
    """Record the review (justified or not) and, when given, the answer: its date and
    whether it satisfied the complaint (4.2). After the answer the complaint is closed: a
    change is an ``amend``, never a second answer (issue 13)."""
    if complaint.answered_on is not None:
        raise InvalidInput(N_("This complaint is answered: record a correction as an amendment."))
    text = _clean(answer, 4000)
    if text and satisfied is None:
        raise InvalidInput(N_("Say whether the answer satisfies the complaint."))
    complaint.justified = justified
    complaint.reviewed_on = complaint.reviewed_on or clock.business_day()
    if text:
        complaint.answer = text
        complaint.answered_on = clock.business_day()
        complaint.answered_by = answered_by
        complaint.satisfied = satisfied
    session.add(complaint)
    session.flush()
    return complaint


def amend(
    session: Session,
    clock: Clock,
    complaint: Complaint,
    by: int | None,
    reason: str,
    *,
    justified: bool | None = None,
    satisfied: bool | None = None,
    answer: str | None = None,
) -> ComplaintAmendment:
    """Correct an answered complaint: a new audited entry (who, when, why, what changed).
    The first answer's date stays: 4.2 judges the term by it."""
    if complaint.answered_on is None:
        raise InvalidInput(N_("Only an answered complaint is amended; review it instead."))
    why = _clean(reason, 1000)
    if not why:
        raise InvalidInput(N_("Write why the record is corrected."))
    wanted = {"justified": justified, "satisfied": satisfied, "answer": _clean(answer, 4000)}
    changes = {
        name: [getattr(complaint, name), value]
        for name, value in wanted.items()
        if value not in (None, "") and value != getattr(complaint, name)
    }
    if not changes:
        raise InvalidInput(N_("The amendment changes nothing."))
    for name, (_before, after) in changes.items():
        setattr(complaint, name, after)
    assert complaint.id is not None
    entry = ComplaintAmendment(
        office_id=complaint.office_id,
        complaint_id=complaint.id,
        at=clock.now(),
        by=by,
        reason=why,
        changes=json.dumps(changes, ensure_ascii=False),
    )
    session.add(complaint)
    session.add(entry)
    session.flush()
    return entry


def changes_of(entry: ComplaintAmendment) -> dict[str, list[object]]:
    """What an amendment changed: field -> [before, after]."""
    found: dict[str, list[object]] = json.loads(entry.changes or "{}")
    return found


def amendments(session: Session, complaint: Complaint) -> list[ComplaintAmendment]:
    return list(
        session.exec(
            select(ComplaintAmendment)
            .where(ComplaintAmendment.complaint_id == complaint.id)
            .order_by(col(ComplaintAmendment.id))
        ).all()
    )


def journal(session: Session, office_id: int, start: date, end: date) -> list[Complaint]:
    return list(
        session.exec(
            select(Complaint)
            .where(
                Complaint.office_id == office_id,
                Complaint.received_on >= start,
                Complaint.received_on <= end,
            )
            .order_by(col(Complaint.received_on).desc(), col(Complaint.number).desc())
        ).all()
    )


def open_complaints(session: Session, office_id: int) -> list[Complaint]:
    """Not answered yet, the nearest due date first (supervisors see these)."""
    return list(
        session.exec(
            select(Complaint)
            .where(Complaint.office_id == office_id, Complaint.answered_on.is_(None))  # type: ignore[union-attr]
            .order_by(col(Complaint.answer_due), col(Complaint.number))
        ).all()
    )


def state(complaint: Complaint, today: date) -> str:
    """answered / answered_late / overdue / due_soon (2 days) / open."""
    if complaint.answered_on is not None:
        return "answered" if complaint.answered_on <= complaint.answer_due else "answered_late"
    if complaint.answer_due < today:
        return "overdue"
    if (complaint.answer_due - today).days <= 2:
        return "due_soon"
    return "open"
