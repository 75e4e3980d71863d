"""The back-office lines of a replay: cards, visits, decisions, feedback and complaints,
through the functions the staff pages and the survey call. They may fall on any day: staff
may work when the office is closed to visitors."""

from __future__ import annotations

from sqlmodel import Session

from kezek.indicators import complaints, feedback
from kezek.indicators.models import Complaint
from kezek.intake import applications, cards, decisions, iin
from kezek.intake.cards import CardInput
from kezek.intake.models import Application, Card
from kezek.replay import lines
from kezek.replay.context import Replay, ReplayError


def card(run: Replay, session: Session, line: lines.NewCard, actor: int | None) -> None:
    run.new_label("card", line.label)
    born = line.birth_date or iin.birth_date(line.iin)
    data = CardInput(
        iin=line.iin,
        surname=line.surname,
        name=line.name,
        patronymic=line.patronymic,
        birth_date=born.isoformat() if born else "",
        sex=line.sex or iin.sex(line.iin) or "",
        category=line.category,
        address=line.address,
        phone=line.phone,
    )
    try:
        row = cards.create(session, run.office_id, data, actor, run.clock.now())
    except cards.CardInvalid as exc:
        raise ReplayError(f"the card is refused: {', '.join(sorted(exc.errors))}") from None
    run.name("card", line.label, row.id)


def _card(run: Replay, session: Session, label: str) -> Card:
    row = run.get(session, "card", label)
    assert isinstance(row, Card)
    return row


def _application(run: Replay, session: Session, label: str) -> tuple[Card, Application]:
    app = run.get(session, "application", label)
    assert isinstance(app, Application)
    row = session.get(Card, app.card_id)
    assert row is not None
    return row, app


def visit(run: Replay, session: Session, line: lines.Visit, actor: int | None) -> None:
    """A visit at the desk: the ticket in hand is linked to the card, the application opens
    at its first visit, the checklist is ticked, then accepted, a missing list, or neither."""
    now = run.clock.now()
    person = _card(run, session, line.card)
    ticket = run.ticket(session, line.ticket) if line.ticket else None
    if ticket is not None:
        cards.link_visit(session, person, ticket, actor, now)
    if line.application in run.labels["application"]:
        found, app = _application(run, session, line.application)
        if found.id != person.id:
            raise ReplayError(f"the application {line.application!r} is on another card")
    else:
        run.new_label("application", line.application)
        app = applications.start(session, person, actor, now, ticket.id if ticket else None)
        run.name("application", line.application, app.id)
    applications.set_documents(session, person, app, set(line.documents), actor, now)
    point_id = ticket.service_point_id if ticket else None
    if line.point is not None:
        point_id = run.point(session, line.point).id
    if point_id is None and line.outcome != "none":
        raise ReplayError("the talon prints at a desk: give the visit a ticket in hand or a point")
    if line.outcome == "accepted":
        applications.accept(session, run.clock, person, app, actor, point_id)
    elif line.outcome == "missing":
        applications.mark_incomplete(session, run.clock, person, app, actor)


def decide(run: Replay, session: Session, line: lines.Decide, actor: int | None) -> None:
    person, app = _application(run, session, line.application)
    decisions.decide(
        session,
        run.clock,
        person,
        app,
        actor,
        outcome=line.result,
        ground=line.ground or "",
        comment=line.comment,
        registered_on=line.registered_on,
    )


def corrected(run: Replay, session: Session, line: lines.Corrected, actor: int | None) -> None:
    person, app = _application(run, session, line.application)
    decisions.mark_corrected(session, run.clock, person, app, actor, line.reason)


QUESTION_OF = {q.indicator: q.column for q in feedback.QUESTIONS}


def give_feedback(run: Replay, session: Session, line: lines.Feedback, actor: int | None) -> None:
    ticket = run.ticket(session, line.ticket)
    answers = {QUESTION_OF[code]: feedback.parse_answer(raw) for code, raw in line.answers.items()}
    feedback.submit(session, ticket, answers, line.lang)


def complaint(run: Replay, session: Session, line: lines.NewComplaint, actor: int | None) -> None:
    run.new_label("complaint", line.label)
    code = run.ticket(session, line.ticket).code if line.ticket else None
    new = complaints.NewComplaint(
        complainant=line.name, contact=line.contact, about=line.text, ticket_code=code
    )
    row = complaints.register(
        session, run.clock, run.office_id, run.profile.complaint_term, new, actor
    )
    run.name("complaint", line.label, row.id)


def _complaint(run: Replay, session: Session, label: str) -> Complaint:
    row = run.get(session, "complaint", label)
    assert isinstance(row, Complaint)
    return row


def review(run: Replay, session: Session, line: lines.Review, actor: int | None) -> None:
    row = _complaint(run, session, line.complaint)
    complaints.review(session, run.clock, row, line.justified, None, actor)


def answer(run: Replay, session: Session, line: lines.AnswerComplaint, actor: int | None) -> None:
    """The answer, with whether it satisfied the complaint (4.2); an answer to a complaint
    found unjustified satisfies nothing, unless the line says so."""
    row = _complaint(run, session, line.complaint)
    satisfied = line.satisfied if line.satisfied is not None or line.justified else False
    complaints.review(
        session, run.clock, row, line.justified, line.text, actor, satisfied=satisfied
    )
