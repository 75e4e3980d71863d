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
            en=f"{address.en}, Cabinet No. 1",
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
    page = soup(done)
    assert page.select_one("#answer-place").get_text(strip=True) == f"{address.en}, Cabinet No. 1"
    assert page.select_one("#answer-from").get_text(strip=True) == (
        "The head of the department or the deputy, 2-16-50"
    )


def register(client: TestClient, engine: Engine, token: str, serial: int = 1) -> tuple[int, int]:
    """A card registered as unemployed today; (card id, application id)."""
    card_id = accept(client, engine, token, serial)
    [app_id] = [
        int(form["action"].split("/")[-2])
        for form in soup(client.get(f"/staff/cards/{card_id}")).select("form.decision")
    ]
    post(client, f"/staff/applications/{app_id}/decision", token, {"outcome": "registered"})
    return card_id, app_id


def test_placement_into_work_ends_the_registration_and_the_certificate(
    client: TestClient, engine: Engine, office_id: int, now: ManualClock
) -> None:
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab1"})
    card_id, app_id = register(client, engine, token)
    post(
        client,
        f"/staff/cards/{card_id}/referrals",
        token,
        {"kind": "vacancy", "detail": "Welder, Beskol grain elevator"},
    )
    now.advance(days=2)  # Thursday 26 November
    token = login(client, engine, office_id, create=False)
    card = soup(client.get(f"/staff/cards/{card_id}"))
    assert card.select_one(".registration").get_text(strip=True) == (
        "Registered as unemployed since 24.11.2026"
    )
    certificate = soup(client.get(f"/staff/applications/{app_id}/certificate"))
    ru = certificate.select_one("article[lang=ru]").get_text(" ", strip=True)
    assert "с 24.11.2026" in ru and "от 26.11.2026" in ru  # §25.4: says since when
    # A placement through a referral needs the referral.
    refused = post(
        client,
        f"/staff/applications/{app_id}/employment",
        token,
        {"end_kind": "placed_referral", "ended_on": "2026-11-26", "end_reason": "Hired."},
    )
    assert refused.status_code == 409
    assert "Choose the vacancy referral of this card." in soup(refused).get_text()
    [referral] = [
        o["value"] for o in card.select("#referral option") if o["value"]
    ]  # the one vacancy referral of the card
    done = post(
        client,
        f"/staff/applications/{app_id}/employment",
        token,
        {
            "end_kind": "placed_referral",
            "referral": referral,
            "ended_on": "2026-11-25",
            "end_reason": "Hired as a welder.",
        },
    )
    card = soup(done)
    assert card.select_one(".registration.ended").get_text(strip=True) == (
        "Placed into work through a vacancy referral on 25.11.2026: Hired as a welder."
    )
    assert card.select_one("#employment") is None
    assert card.find("a", string="Certificate of registration as unemployed (§25.4)") is None
    gone = client.get(f"/staff/applications/{app_id}/certificate")
    assert gone.status_code == 409
    assert soup(gone).select_one(".flash-error").get_text(strip=True) == (
        "No certificate: the registration as unemployed ended on 25.11.2026 (placed into work"
        " through a vacancy referral); the person is no longer registered."
    )
    login(client, engine, office_id, "head", "supervisor")
    trail = soup(client.get(f"/staff/audit?card={card_id}")).get_text(" ", strip=True)
    assert "recorded the end of the registration" in trail


def test_de_registration_needs_a_reason_and_a_date_within_the_registration(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab1"})
    card_id, app_id = register(client, engine, token)
    url = f"/staff/applications/{app_id}/employment"
    early = post(
        client,
        url,
        token,
        {"end_kind": "deregistered", "ended_on": "2026-11-23", "end_reason": "x"},
    )
    assert early.status_code == 409
    assert "The date must be between the registration and today." in soup(early).get_text()
    bare = post(client, url, token, {"end_kind": "deregistered", "ended_on": "2026-11-24"})
    assert "Write the reason." in soup(bare).get_text()
    post(
        client,
        url,
        token,
        {"end_kind": "deregistered", "ended_on": "2026-11-24", "end_reason": "Moved away."},
    )
    ended = soup(client.get(f"/staff/cards/{card_id}")).select_one(".registration.ended")
    assert ended.get_text(strip=True) == "De-registered on 24.11.2026: Moved away."
    assert client.get(f"/staff/applications/{app_id}/certificate").status_code == 409


def test_results_not_collected_in_time_are_listed_until_collected(
    client: TestClient, engine: Engine, office_id: int, now: ManualClock
) -> None:
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab1"})
    card_id, app_id = register(client, engine, token)
    result = soup(client.get(f"/staff/cards/{card_id}")).select_one("td.result")
    assert result.get_text(" ", strip=True).startswith("prepared on 24.11.2026")
    now.advance(days=30)  # 24 December: 30 days, not more than 30
    login(client, engine, office_id, "head", "supervisor")
    shown = soup(client.get("/staff/cases")).select_one("#uncollected")
    assert "(§18.2): 0" in shown.h2.get_text()
    now.advance(days=1)
    login(client, engine, office_id, "head", "supervisor", create=False)
    shown = soup(client.get("/staff/cases")).select_one("#uncollected")
    assert "Results not collected for more than 30 days (§18.2): 1" in shown.h2.get_text()
    [row] = shown.select("tbody tr")
    assert row.select_one(".prepared").get_text(strip=True) == "24.11.2026"
    assert "Registered as unemployed" in row.get_text()
    token = login(client, engine, office_id, create=False)
    post(client, f"/staff/applications/{app_id}/collected", token, {"collected_on": "2026-12-25"})
    result = soup(client.get(f"/staff/cards/{card_id}")).select_one("td.result")
    assert result.get_text(" ", strip=True) == "prepared on 24.11.2026 collected on 25.12.2026"
    login(client, engine, office_id, "head", "supervisor", create=False)
    shown = soup(client.get("/staff/cases")).select_one("#uncollected")
    assert "(§18.2): 0" in shown.h2.get_text()


def test_the_migration_keeps_the_cases_and_dates_the_results_of_decisions(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    """Revision 8e4f2a6c1d37 down and up again on a database with a decided case: every row
    stays, and the decided application's result is prepared on the day of its decision."""
    from alembic import command

    from kezek import migrate

    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab1"})
    card_id, app_id = register(client, engine, token)
    command.downgrade(migrate.config(engine), "5d1e7a2c9b60")
    migrate.upgrade(engine)
    card = soup(client.get(f"/staff/cards/{card_id}"))
    assert card.select_one(".registration").get_text(strip=True) == (
        "Registered as unemployed since 24.11.2026"
    )
    result = card.select_one("td.result").get_text(" ", strip=True)
    assert result.startswith("prepared on 24.11.2026")


def test_kezek_report_counts_the_suspended_applications(
    client: TestClient, engine: Engine, office_id: int, database_url: str, tmp_path: Path
) -> None:
    from tests.test_profile_cli import kezek

    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab1"})
    card_id = new_card(client, token, good_iin(date(1990, 3, 15), "f"))
    app = start_app(client, engine, token, card_id)
    post(client, f"/staff/applications/{app.id}/documents", token, {"do": "missing"})
    done = kezek(
        tmp_path,
        *("report", "--from", "2026-11-01", "--to", "2026-11-30", "--lang", "en", "--quiet"),
        KEZEK_PROFILE="kyzylzhar",
        KEZEK_DATABASE_URL=database_url,
    )
    assert done.returncode == 0, done.stderr
    lines = [line.strip() for line in done.stdout.splitlines()]
    assert "Suspended: documents missing (§17.1): 1" in lines
    assert "Documents being collected: 0" in lines
