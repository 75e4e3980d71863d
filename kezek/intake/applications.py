"""Applications for registration: documents (§12), acceptance (§15) with its deadline (§7),
the decision (§17), corrections (indicator 2.2), referrals (§25)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from kezek.i18n import N_
from kezek.intake import audit, documents
from kezek.intake.cards import IntakeError
from kezek.intake.models import (
    Application,
    ApplicationDocument,
    AppStatus,
    Card,
    IntakeCounter,
)
from kezek.queue.clock import Clock
from kezek.queue.models import IN_HAND, Ticket, table_of
from kezek.queue.reads import latest

TERM_DAYS = 10  # §3, §7: no later than 10 calendar days from the submission of documents
DUE_SOON_DAYS = 2  # supervisors see a case this many days before its deadline
IN_PROGRESS = (AppStatus.open, AppStatus.accepted)


def deadline(accepted_on: date) -> date:
    """§7: the decision is due no later than 10 calendar days after acceptance (weekends and
    month ends included: calendar days, not working days)."""
    return accepted_on + timedelta(days=TERM_DAYS)


def get(session: Session, office_id: int, application_id: int) -> Application | None:
    app = session.get(Application, application_id)
    return app if app is not None and app.office_id == office_id else None


def current(session: Session, card: Card) -> Application | None:
    """The card's application still in progress (documents being collected or awaiting decision)."""
    return session.exec(
        select(Application)
        .where(Application.card_id == card.id, col(Application.status).in_(IN_PROGRESS))
        .order_by(col(Application.id).desc())
    ).first()


def presented(session: Session, app: Application) -> set[str]:
    return set(
        session.exec(
            select(ApplicationDocument.code).where(ApplicationDocument.application_id == app.id)
        ).all()
    )


def start(
    session: Session, card: Card, actor_id: int | None, at: datetime, ticket_id: int | None = None
) -> Application:
    """A new application on a card; one at a time."""
    if current(session, card) is not None:
        raise IntakeError(N_("This card already has an application in progress."))
    assert card.id is not None
    app = Application(
        office_id=card.office_id,
        card_id=card.id,
        category=card.category,
        opened_at=at,
        opened_by=actor_id,
        ticket_id=ticket_id,
    )
    audit.save(session, app, card, actor_id, at, "application", application_id=app.id)
    return app


def _require(app: Application, *allowed: AppStatus) -> None:
    if app.status not in allowed:
        raise IntakeError(N_("This is not possible for the application in its present state."))


def set_documents(
    session: Session,
    card: Card,
    app: Application,
    codes: set[str],
    actor_id: int | None,
    at: datetime,
) -> set[str]:
    """Record which §12 documents of the card's category were presented."""
    _require(app, AppStatus.open)
    app.category = card.category  # the checklist follows the category on the card (§6)
    allowed = {doc.value for doc in documents.required(card.category)}
    codes = codes & allowed
    before = presented(session, app)
    for code in before - codes:
        row = session.get(ApplicationDocument, (app.id, code))
        if row is not None:
            session.delete(row)
    assert app.id is not None
    for code in sorted(codes - before):
        session.add(
            ApplicationDocument(
                application_id=app.id,
                code=code,
                office_id=app.office_id,
                presented_at=at,
                recorded_by=actor_id,
            )
        )
    session.add(app)
    session.flush()
    if codes != before:
        audit.write(
            session,
            card,
            actor_id,
            at,
            "documents",
            {"documents": [sorted(before), sorted(codes)]},
            application_id=app.id,
        )
    return codes


def at_first_visit(session: Session, clock: Clock, app: Application) -> bool:
    """Whether the application's first visit is still going on (indicator 3.2: it decides).

    It is the visit it was opened at: the same office day and, when it was opened with a
    ticket, that visitor still in hand at a desk (a later ticket is a later visit).
    """
    assert app.opened_at is not None
    if clock.business_day(app.opened_at) != clock.business_day():
        return False
    ticket = session.get(Ticket, app.ticket_id) if app.ticket_id is not None else None
    return ticket is None or latest(session, ticket).status in IN_HAND


def next_number(session: Session, office_id: int, year: int) -> int:
    """Atomically take the next application number of the year: an upsert on the counter row."""
    table = table_of(IntakeCounter)
    insert: sa.Insert
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        insert = pg_insert(table)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        insert = sqlite_insert(table)
    stmt = (
        insert.values(office_id=office_id, year=year, last_number=1)
        .on_conflict_do_update(
            index_elements=["office_id", "year"], set_={"last_number": table.c.last_number + 1}
        )
        .returning(table.c.last_number)
    )
    return int(session.execute(stmt).scalar_one())


def accept(
    session: Session,
    clock: Clock,
    card: Card,
    app: Application,
    actor_id: int | None,
    point_id: int | None,
) -> Application:
    """§15: all required documents handed in — number, acceptance date, deadline (§7)."""
    _require(app, AppStatus.open)
    lacking = documents.missing(card.category, presented(session, app))
    if lacking:
        raise IntakeError(
            N_("The set of documents is not complete: %(count)s missing."), count=len(lacking)
        )
    now = clock.now()
    today = clock.business_day(now)
    app.number = f"{today.year}-{next_number(session, app.office_id, today.year):04d}"
    app.status, app.accepted_at, app.accepted_by = AppStatus.accepted, now, actor_id
    app.accepted_point_id, app.deadline = point_id, deadline(today)
    app.category = card.category
    if app.complete_on_first_visit is None:  # indicator 3.2: the first visit decides
        app.complete_on_first_visit = at_first_visit(session, clock, app)
    audit.save(
        session,
        app,
        card,
        actor_id,
        now,
        "accept",
        {"number": app.number, "deadline": app.deadline.isoformat()},
        application_id=app.id,
    )
    return app


def mark_incomplete(
    session: Session, clock: Clock, card: Card, app: Application, actor_id: int | None
) -> list[documents.Document]:
    """The set is incomplete: the applicant gets the list of what to bring (§12, §17.1)."""
    _require(app, AppStatus.open)
    lacking = documents.missing(card.category, presented(session, app))
    if not lacking:
        raise IntakeError(N_("Nothing is missing: accept the application."))
    now = clock.now()
    app.incomplete_at = app.incomplete_at or now
    if app.complete_on_first_visit is None:  # indicator 3.2: not complete at the first visit
        app.complete_on_first_visit = False
    audit.save(
        session,
        app,
        card,
        actor_id,
        now,
        "incomplete",
        {"missing": [doc.value for doc in lacking]},
        application_id=app.id,
    )
    return lacking


def record_print(
    session: Session,
    card: Card,
    app: Application,
    kind: str,
    error: str | None,
    actor_id: int | None,
    at: datetime,
) -> None:
    """The outcome of a desk print, kept so a failed one is shown with a retry."""
    app.print_kind = kind
    app.print_status = "failed" if error else "printed"
    app.print_error = error[:200] if error else None
    session.add(app)
    audit.write(
        session,
        card,
        actor_id,
        at,
        "print",
        {"kind": kind, "ok": error is None},
        application_id=app.id,
    )


@dataclass(frozen=True)
class DueCase:
    application: Application
    card: Card
    days_left: int  # negative: overdue by that many days


def due(
    session: Session, clock: Clock, office_id: int, soon_days: int = DUE_SOON_DAYS
) -> tuple[list[DueCase], list[DueCase]]:
    """(due soon, overdue): accepted applications without a decision, by deadline (§7)."""
    today = clock.business_day()
    rows = session.exec(
        select(Application, Card)
        .join(Card, col(Card.id) == col(Application.card_id))
        .where(
            Application.office_id == office_id,
            Application.status == AppStatus.accepted,
            col(Application.deadline) <= today + timedelta(days=soon_days),
        )
        .order_by(col(Application.deadline), col(Application.id))
    ).all()
    cases = [DueCase(app, card, (app.deadline - today).days) for app, card in rows if app.deadline]
    return [c for c in cases if c.days_left >= 0], [c for c in cases if c.days_left < 0]


def registered(session: Session, card: Card) -> Application | None:
    """The card's latest registration as unemployed (for the §25.4 certificate)."""
    return session.exec(
        select(Application)
        .where(Application.card_id == card.id, Application.status == AppStatus.registered)
        .order_by(col(Application.id).desc())
    ).first()
