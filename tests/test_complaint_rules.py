"""4.2 and the closed complaint (issue 13, items 3, 4, 9), with complaints made by the
journal functions the pages use: satisfied in term counts; rejected on the merits does not;
after the answer a complaint is closed and a correction is an audited amendment."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError
from starlette.testclient import TestClient

from kezek import db, profile_sync
from kezek.indicators import complaints, data
from kezek.indicators.models import Complaint, ComplaintAmendment
from kezek.queue.clock import Clock, ManualClock
from kezek.queue.errors import InvalidInput
from kezek.settings import load_profile
from tests.test_staff_flow import login


@pytest.fixture
def office(engine: Engine) -> int:
    with db.transaction(engine) as session:
        row = profile_sync.sync_profile(session, load_profile("kyzylzhar"))
        assert row.id is not None
        return row.id


def register(engine: Engine, clock: Clock, office: int, days: int = 5) -> int:
    with db.transaction(engine) as session:
        row = complaints.register(
            session,
            clock,
            office,
            days,
            complaints.NewComplaint(complainant="Асқар Б.", contact="", about="Long wait"),
            None,
        )
        assert row.id is not None
        return row.id


def answer(engine: Engine, clock: Clock, complaint_id: int, satisfied: bool) -> Complaint:
    with db.transaction(engine) as session:
        row = session.get_one(Complaint, complaint_id)
        return complaints.review(session, clock, row, True, "Answered.", None, satisfied)


def counts(engine: Engine, office: int, day: date) -> tuple[int, int, int]:
    with db.reading(engine) as session:
        return data.complaint_counts(session, office, day, day, day)


def test_4_2_counts_only_justified_complaints_answered_in_term_and_satisfied(
    engine: Engine, clock: Clock, office: int
) -> None:
    day = clock.business_day()
    satisfied = register(engine, clock, office)
    rejected = register(engine, clock, office)
    answer(engine, clock, satisfied, True)
    answer(engine, clock, rejected, False)  # rejected on the merits: answered, not satisfied
    assert counts(engine, office, day) == (2, 1, 2)
    unsaid = register(engine, clock, office)
    with db.transaction(engine) as session, pytest.raises(InvalidInput):
        row = session.get_one(Complaint, unsaid)
        complaints.review(session, clock, row, True, "An answer without the outcome", None)


def test_an_answered_complaint_is_closed_and_corrected_by_an_audited_amendment(
    engine: Engine, clock: Clock, now: ManualClock, office: int
) -> None:
    day = clock.business_day()
    complaint_id = register(engine, clock, office)
    answer(engine, clock, complaint_id, True)
    now.advance(days=9)  # past the due date
    with db.transaction(engine) as session, pytest.raises(InvalidInput):
        row = session.get_one(Complaint, complaint_id)
        complaints.review(session, clock, row, False, "Again", None, True)
    with db.transaction(engine) as session:
        row = session.get_one(Complaint, complaint_id)
        with pytest.raises(InvalidInput):
            complaints.amend(session, clock, row, None, "   ", justified=False)
        entry = complaints.amend(session, clock, row, None, "Misfiled", satisfied=False)
        assert entry.at == clock.now() and entry.reason == "Misfiled"
        assert complaints.changes_of(entry) == {"satisfied": [True, False]}
    with db.reading(engine) as session:
        row = session.get_one(Complaint, complaint_id)
        assert row.answered_on == day and row.satisfied is False  # the date stays
    assert counts(engine, office, day) == (1, 0, 1)
    with db.transaction(engine) as session:
        entry = complaints.amend(
            session, clock, session.get_one(Complaint, complaint_id), None, "Undo", satisfied=True
        )
    assert counts(engine, office, day) == (1, 1, 1)  # in term: by the first answer's date
    with pytest.raises(DatabaseError), db.transaction(engine) as session:  # append-only
        session.execute(sa.update(ComplaintAmendment).values(reason="rewritten"))


def test_reposting_the_review_form_changes_nothing_after_the_answer(
    client: TestClient, engine: Engine, office_id: int, now: ManualClock
) -> None:
    token = login(client, engine, office_id, "head", "supervisor")
    client.post(
        "/staff/supervisor/complaints/new",
        data={"csrf_token": token, "complainant": "Асқар Б.", "about": "Long wait"},
    )
    url = "/staff/supervisor/complaints/1"
    form = {"csrf_token": token, "justified": "yes", "answer": "Sorry.", "satisfied": "no"}
    page = BeautifulSoup(client.post(url + "/review", data=form).text, "html.parser")
    assert page.select_one("#satisfied").get_text(strip=True) == "no"
    assert page.select_one("form#amend") is not None  # closed: only an amendment now
    now.advance(days=8)
    token = login(client, engine, office_id, "head", "supervisor", create=False)
    again = client.post(url + "/review", data={**form, "csrf_token": token, "justified": "no"})
    assert again.status_code == 409 and "amendment" in again.text
    with db.reading(engine) as session:
        row = session.get_one(Complaint, 1)
        assert (row.justified, row.answered_on) == (True, date(2026, 11, 24))
    amended = client.post(
        url + "/amend",
        data={"csrf_token": token, "satisfied": "yes", "reason": "The answer granted it."},
    )
    page = BeautifulSoup(amended.text, "html.parser")
    cells = [td.get_text(" ", strip=True) for td in page.select("#amendments tbody td")]
    assert cells[1:] == [
        "Head",
        "The answer granted it.",
        "The answer satisfied the complaint: no → yes",
    ]
    assert page.select_one("#satisfied").get_text(strip=True) == "yes"
    assert "(24.11.2026)" in page.get_text()  # the answer's date stays
