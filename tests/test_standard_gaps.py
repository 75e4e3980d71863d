"""Issue 13, "what the standard asks and the product does not yet do": a deadline on a closed
day (§7, §10), the §17 suspension named, the §23 complaint talon's place and official, the
"employment" of a registered person with the §25.4 certificate, the §18.2 results list."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek.printing.desk_talons import (
    AcceptanceTalon,
    ComplaintTalon,
    render_acceptance_talon,
    render_complaint_talon,
)
from kezek.printing.talons import LocalizedText
from kezek.queue.clock import ManualClock
from kezek.settings import load_profile
from tests.test_intake_talon import ALL, printed, same
from tests.test_staff_flow import good_iin, login, new_card, post, soup, start_app

OFFICE = load_profile("kyzylzhar").name


def accept(client: TestClient, engine: Engine, token: str, serial: int = 1) -> int:
    """A card whose application is accepted now; its card id."""
    card_id = new_card(client, token, good_iin(date(1990, 3, 15), "f", serial))
    app = start_app(client, engine, token, card_id)
    post(
        client, f"/staff/applications/{app.id}/documents", token, {"documents": ALL, "do": "accept"}
    )
    return card_id


def test_deadline_on_a_closed_day_shows_the_next_open_day(
    client: TestClient, engine: Engine, office_id: int, settings, now: ManualClock
) -> None:  # type: ignore[no-untyped-def]
    now.advance(days=1)  # Wednesday 25 November: + 10 days is Saturday 5 December
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab4"})
    card_id = accept(client, engine, token)
    [image] = printed(Path(settings.spool_dir) / "cab4")
    expected = AcceptanceTalon(
        number="2026-0001",
        accepted_on=date(2026, 11, 25),
        deadline=date(2026, 12, 5),
        cabinet="№4",
        phones=("2-16-50", "2-16-84"),
        office=LocalizedText(kk=OFFICE.kk, ru=OFFICE.ru, en=OFFICE.en),
        open_on=date(2026, 12, 8),  # §10: open Tuesday to Friday
    )
    assert same(image, render_acceptance_talon(expected, 576))
    page = soup(client.get(f"/staff/cards/{card_id}"))
    deadline = " ".join(page.select_one("dd.deadline").get_text().split())
    assert "05.12.2026" in deadline
    assert "The office is closed that day; it is open on 08.12.2026." in deadline


def test_deadline_on_an_open_day_has_no_note(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab4"})
    card_id = accept(client, engine, token)  # Tuesday 24 November: due Friday 4 December
    page = soup(client.get(f"/staff/cards/{card_id}"))
    deadline = " ".join(page.select_one("dd.deadline").get_text().split())
    assert "04.12.2026" in deadline and "closed" not in deadline


def test_suspension_is_named_in_the_case_list_the_card_and_the_report(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab1"})
    card_id = new_card(client, token, good_iin(date(1990, 3, 15), "f"))
    app = start_app(client, engine, token, card_id)
    post(
        client,
        f"/staff/applications/{app.id}/documents",
        token,
        {"documents": ["identity"], "do": "missing"},
    )
    accept(client, engine, token, serial=7)  # another one, accepted: not suspended
    card = soup(client.get(f"/staff/cards/{card_id}"))
    assert card.select_one(".state.suspended").get_text(strip=True) == (
        "Suspended: documents missing (§17.1)"
    )
    login(client, engine, office_id, "head", "supervisor")
    cases = soup(client.get("/staff/cases"))
    section = cases.select_one("#suspended")
    assert "Suspended: documents missing (§17.1): 1" in section.h2.get_text()
    [row] = section.select("tbody tr")
    assert row.select_one(".state").get_text(strip=True) == "Suspended: documents missing (§17.1)"
    assert "24.11.2026" in row.get_text()
    report = soup(client.get("/staff/supervisor/report?period=month&year=2026&month=11"))
    lines = {
        tr["data-state"]: (tr.th.get_text(strip=True), tr.td.get_text(strip=True))
        for tr in report.select("#application-states tr")
    }
    assert lines["suspended"] == ("Suspended: documents missing (§17.1)", "1")
    assert lines["accepted"] == ("Accepted, awaiting the decision", "1")
    assert lines["open"] == ("Documents being collected", "0")


def test_complaint_talon_names_where_and_from_whom_the_answer_comes(
    client: TestClient, engine: Engine, office_id: int, settings
) -> None:  # type: ignore[no-untyped-def]
    token = login(client, engine, office_id)
    done = client.post(
        "/staff/supervisor/complaints/new",
        data={"csrf_token": token, "complainant": "Асқар Б.", "about": "Waited 50 minutes."},
    )
    assert "printed=1" in str(done.url)
    [image] = printed(Path(settings.spool_dir) / "cab1")
    profile = load_profile("kyzylzhar")
    address = profile.address
    expected = ComplaintTalon(
        number="2026-001",
        received_on=date(2026, 11, 24),
        answer_due=date(2026, 12, 1),
        office=LocalizedText(kk=OFFICE.kk, ru=OFFICE.ru, en=OFFICE.en),
        phones=("2-16-50", "2-16-84"),
        answer_place=LocalizedText(
            kk=f"{address.kk}, №1 кабинет",
            ru=f"{address.ru}, Кабинет №1",
            en=f"{address.en}, Room 1",
        ),
        answer_from=LocalizedText(
            kk="Бөлім басшысы немесе оның орынбасары",
            ru="Начальник отдела или его заместитель",
            en="The head of the department or the deputy",
        ),
        answer_phone="2-16-50",
    )
    assert same(image, render_complaint_talon(expected, 576))
    bare = dataclasses.replace(expected, answer_place=None, answer_from=None, answer_phone="")
    assert not same(image, render_complaint_talon(bare, 576))
