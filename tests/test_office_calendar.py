"""The office calendar (issue 13, items 5, 8, 9): Kazakhstan's public holidays from the
`holidays` library merged with the profile's own; the complaint term from the profile, in
working days by its legal act; the boundaries of 1.1 and 4.2 on the due day and the next."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from kezek import db, profile_sync
from kezek.indicators import complaints, data
from kezek.indicators.models import Complaint
from kezek.intake import applications, decisions
from kezek.intake.models import Application, Card
from kezek.profile import ComplaintTerm
from kezek.queue import tickets
from kezek.queue.clock import Clock, ManualClock
from kezek.queue.models import Service
from kezek.settings import load_profile
from tests.test_intake_indicators import ALL, documents, new_application, with_app

ALMATY = ZoneInfo("Asia/Almaty")


@pytest.fixture
def office(engine: Engine) -> int:
    with db.transaction(engine) as session:
        row = profile_sync.sync_profile(session, load_profile("kyzylzhar"))
        assert row.id is not None
        return row.id


def at(now: ManualClock, day: date, hour: int = 10) -> None:
    now.at = datetime(day.year, day.month, day.day, hour, 0, tzinfo=ALMATY)


def issue(engine: Engine, clock: Clock) -> None:
    with db.transaction(engine) as session:
        service = session.exec(select(Service).where(Service.code == "registration")).one()
        tickets.issue(session, clock, service)


@pytest.mark.parametrize("day", [date(2026, 5, 1), date(2026, 5, 7), date(2026, 12, 16)])
def test_the_shipped_profile_refuses_tickets_on_public_holidays(
    engine: Engine, clock: Clock, now: ManualClock, office: int, day: date
) -> None:
    at(now, day)  # a Friday, a Thursday, a Wednesday: office days by §10
    with pytest.raises(tickets.OfficeClosed):
        issue(engine, clock)
    at(now, date(2026, 12, 17))  # the next day the office is open again
    issue(engine, clock)


def test_a_profile_merges_its_own_days_and_may_turn_the_library_off(now: ManualClock) -> None:
    profile = load_profile("kyzylzhar")
    own = profile.model_copy(update={"holidays": [date(2026, 11, 27)]})
    closed = profile_sync.schedule(own).holidays
    assert {date(2026, 11, 27), date(2026, 12, 16), date(2025, 1, 3)} <= closed
    off = own.model_copy(update={"statutory_holidays": False})
    assert profile_sync.schedule(off).holidays == {date(2026, 11, 27)}
    clock = Clock(profile_sync.schedule(off), now)
    assert clock.hours_on(date(2026, 12, 16)) is not None  # the library is off: open


def register(engine: Engine, clock: Clock, office: int, term: ComplaintTerm | int) -> int:
    with db.transaction(engine) as session:
        row = complaints.register(
            session,
            clock,
            office,
            term,
            complaints.NewComplaint(complainant="Асқар Б.", contact="", about="Long wait"),
            None,
        )
        assert row.id is not None
        return row.id


def test_the_complaint_term_is_the_profiles_in_working_days(
    engine: Engine, clock: Clock, office: int
) -> None:
    term = load_profile("kyzylzhar").complaint_term
    assert (term.days, term.kind) == (5, "working") and "88-V" in term.act.en
    first = register(engine, clock, office, term)  # Tuesday 24 November 2026
    calendar = register(engine, clock, office, ComplaintTerm(days=10, kind="calendar"))
    with db.reading(engine) as session:
        assert session.get_one(Complaint, first).answer_due == date(2026, 12, 1)  # Wed–Tue
        assert session.get_one(Complaint, calendar).answer_due == date(2026, 12, 4)


def test_the_info_page_shows_the_term_and_its_source(client: TestClient) -> None:
    page = client.get("/info?lang=en").text
    assert "answered: within 5 working days" in page
    assert 'Law of the Republic of Kazakhstan No. 88-V of 15 April 2013 "On public services"' in (
        page.replace("&#34;", '"').replace("&quot;", '"')
    )
    assert "https://adilet.zan.kz/rus/docs/Z1300000088" in page


@pytest.mark.parametrize(
    ("answered", "in_term"), [(date(2026, 12, 21), 1), (date(2026, 12, 22), 0)]
)
def test_a_complaint_answered_on_its_due_day_is_in_term_and_the_day_after_late(
    engine: Engine, clock: Clock, now: ManualClock, office: int, answered: date, in_term: int
) -> None:
    """Received Friday 11 December: five working days skip the weekend and Independence
    Day (Wednesday 16th): due Monday 21st."""
    at(now, date(2026, 12, 11))
    complaint_id = register(engine, clock, office, load_profile("kyzylzhar").complaint_term)
    at(now, answered)
    with db.transaction(engine) as session:
        row = session.get_one(Complaint, complaint_id)
        assert row.answer_due == date(2026, 12, 21)
        complaints.review(session, clock, row, True, "Answered.", None, True)
    day = date(2026, 12, 11)
    with db.reading(engine) as session:
        assert data.complaint_counts(session, office, day, day, answered) == (1, in_term, 1)


@pytest.mark.parametrize(
    ("decided", "in_term"), [(date(2026, 12, 18), True), (date(2026, 12, 19), False)]
)
def test_an_application_decided_on_day_10_is_in_term_and_on_day_11_late(
    engine: Engine, clock: Clock, now: ManualClock, office: int, decided: date, in_term: bool
) -> None:
    """Accepted Tuesday 8 December: ten calendar days run across a weekend and Independence
    Day to Friday 18th; a decision on Saturday 19th (staff may work) is late."""
    accepted = date(2026, 12, 8)
    at(now, accepted)
    _, app_id = new_application(engine, clock, office, 7)
    documents(engine, clock, app_id, ALL)
    with_app(engine, app_id, lambda s, c, a: applications.accept(s, clock, c, a, None, None))
    at(now, decided)
    with db.transaction(engine) as session:
        app = session.get_one(Application, app_id)
        assert app.deadline == date(2026, 12, 18)
        decisions.decide(
            session, clock, session.get_one(Card, app.card_id), app, None, outcome="registered"
        )
    with db.reading(engine) as session:
        assert session.get_one(Application, app_id).decided_in_term is in_term
        counts = data.intake_counts(session, office, accepted, accepted, decided)["1.1"]
    assert counts == (int(in_term), 1)
