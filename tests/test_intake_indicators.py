"""3.2 and 1.1 with data made by the intake and queue functions the desk pages use (issue 13,
items 2 and 9): the first visit of an application decides 3.2; a decision on day 10 is in
term and on day 11 late, across a weekend and a public holiday."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from kezek import db, profile_sync
from kezek.indicators import data
from kezek.intake import applications, cards, iin
from kezek.intake.models import Application, Card
from kezek.queue import tickets
from kezek.queue.clock import Clock, ManualClock
from kezek.queue.models import Service, ServicePoint, Ticket
from kezek.settings import load_profile

ALMATY = ZoneInfo("Asia/Almaty")
ALL = {"identity", "work_history", "income"}


@pytest.fixture
def office(engine: Engine) -> int:
    with db.transaction(engine) as session:
        row = profile_sync.sync_profile(session, load_profile("kyzylzhar"))
        assert row.id is not None
        return row.id


def good_iin(born: date, serial: int) -> str:
    century = "3" if born.year < 2000 else "5"
    stem = born.strftime("%y%m%d") + century + f"{serial:04d}"
    return stem + str(iin.check_digit(stem))


def visit(engine: Engine, clock: Clock) -> int:
    """A registration ticket issued and called at cab1: the visit in hand."""
    with db.transaction(engine) as session:
        service = session.exec(select(Service).where(Service.code == "registration")).one()
        tickets.issue(session, clock, service)
        point = session.exec(select(ServicePoint).where(ServicePoint.code == "cab1")).one()
        called = tickets.call_next(session, clock, point, None)
        assert called is not None and called.id is not None
        return called.id


def finish(engine: Engine, clock: Clock, ticket_id: int) -> None:
    with db.transaction(engine) as session:
        tickets.finish(session, clock, session.get_one(Ticket, ticket_id), None)


def new_application(engine: Engine, clock: Clock, office: int, serial: int) -> tuple[int, int]:
    """A card and its application opened at a visit (the ticket in hand): (card, app) ids."""
    ticket_id = visit(engine, clock)
    with db.transaction(engine) as session:
        card = cards.create(
            session,
            office,
            cards.CardInput(
                iin=good_iin(date(1990, 3, 15), serial),
                surname="Сейітова",
                name="Әлия",
                birth_date="1990-03-15",
                sex="f",
                category="citizen",
                address="Бескөл ауылы",
            ),
            None,
            clock.now(),
        )
        app = applications.start(session, card, None, clock.now(), ticket_id=ticket_id)
        assert card.id is not None and app.id is not None
        return card.id, app.id


def with_app(engine: Engine, app_id: int, fn) -> Application:  # type: ignore[no-untyped-def]
    with db.transaction(engine) as session:
        app = session.get_one(Application, app_id)
        card = session.get_one(Card, app.card_id)
        fn(session, card, app)
        return app


def documents(engine: Engine, clock: Clock, app_id: int, codes: set[str]) -> None:
    with_app(
        engine,
        app_id,
        lambda s, card, app: applications.set_documents(s, card, app, codes, None, clock.now()),
    )


def accept(engine: Engine, clock: Clock, app_id: int) -> Application:
    return with_app(
        engine, app_id, lambda s, card, app: applications.accept(s, clock, card, app, None, None)
    )


def first_time(engine: Engine, office: int, day: date) -> tuple[int, int]:
    with db.reading(engine) as session:
        return data.intake_counts(session, office, day, day, day)["3.2"]


def test_a_set_completed_at_a_later_visit_was_not_complete_the_first_time(
    engine: Engine, clock: Clock, now: ManualClock, office: int
) -> None:
    """The first visit ends with neither a slip nor acceptance; the applicant comes back the
    next day with the rest and is accepted: 3.2 counts it as not complete the first time."""
    day = clock.business_day()
    _, app_id = new_application(engine, clock, office, 1)
    first_ticket = with_app(engine, app_id, lambda *_: None).ticket_id
    documents(engine, clock, app_id, {"identity"})
    assert first_ticket is not None
    finish(engine, clock, first_ticket)  # the visit ends: no slip, no acceptance
    now.advance(days=1)  # Wednesday: a second visit
    visit(engine, clock)
    documents(engine, clock, app_id, ALL)
    assert accept(engine, clock, app_id).complete_on_first_visit is False
    assert first_time(engine, office, day) == (0, 1)


def test_a_set_accepted_at_the_first_visit_is_complete_the_first_time(
    engine: Engine, clock: Clock, office: int
) -> None:
    day = clock.business_day()
    _, app_id = new_application(engine, clock, office, 2)
    documents(engine, clock, app_id, ALL)
    assert accept(engine, clock, app_id).complete_on_first_visit is True
    assert first_time(engine, office, day) == (1, 1)
