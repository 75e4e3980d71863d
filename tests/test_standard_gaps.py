"""Issue 13, "what the standard asks and the product does not yet do": a deadline on a closed
day (§7, §10), the §17 suspension named, the §23 complaint talon's place and official, the
"employment" of a registered person with the §25.4 certificate, the §18.2 results list."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek.printing.desk_talons import AcceptanceTalon, render_acceptance_talon
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
