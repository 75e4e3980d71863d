"""The clerk's whole path through Starlette's TestClient on a real SQLite file: log in, take a
cabinet, call the next ticket, open the personal record card, tick the documents, accept
(the acceptance talon prints at the desk), decide. Helpers here are shared by the other
test_staff_* and test_intake_* files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from kezek import db
from kezek.intake import iin
from kezek.intake.models import Application, AuditEntry, Card, CardVisit
from kezek.printing.decode import decode_image
from kezek.queue.clock import ManualClock
from tests.conftest import PASSWORD, make_user


def good_iin(born: date, sex: str = "m", serial: int = 1) -> str:
    """A valid IIN for a birth date: the check digit computed the official way."""
    century = {1800: 1, 1900: 3, 2000: 5}[born.year // 100 * 100] + (0 if sex == "m" else 1)
    for n in range(serial, serial + 50):
        first = f"{born:%y%m%d}{century}{n:04d}"
        digit = iin.check_digit(first)
        if digit is not None:
            return first + str(digit)
    raise AssertionError("no serial gives a check digit")


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def csrf_of(client: TestClient) -> str:
    page = client.get("/staff/password")
    assert page.status_code == 200, page.text
    return str(soup(page).find("meta", attrs={"name": "csrf-token"})["content"])


def login(
    client: TestClient,
    engine: Engine,
    office_id: int,
    username: str = "clerk1",
    role: str = "clerk",
    *,
    create: bool = True,
) -> str:
    """Log in (creating the user) and return the session's CSRF token."""
    if create:
        make_user(engine, office_id, username, role)
    client.cookies.clear()
    client.headers["accept-language"] = "en"  # assertions read English; kk/ru have own tests
    page = client.get("/staff/login")
    token = soup(page).find("input", attrs={"name": "login_token"})["value"]
    done = client.post(
        "/staff/login",
        data={"username": username, "password": PASSWORD, "login_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    return csrf_of(client)


def post(client: TestClient, url: str, token: str, data: dict | None = None, **kw):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kw)


def issue(client: TestClient, service: str = "registration") -> dict:
    response = client.post("/api/tickets", json={"service": service})
    assert response.status_code == 201, response.text
    return response.json()


def flash(response) -> str:  # type: ignore[no-untyped-def]
    found = soup(response).select(".flash, .field-error")
    return " ".join(p.get_text(" ", strip=True) for p in found)


CARD = {
    "surname": "Әбілқасымова",
    "name": "Гүлнұр",
    "patronymic": "Серікқызы",
    "birth_date": "1990-03-15",
    "sex": "f",
    "category": "citizen",
    "address": "СҚО, Қызылжар ауданы, Бесқөл ауылы, Мира к-сі 5",
    "phone": "+7 715 221 6500",
    "education": "higher",
    "profession": "бухгалтер",
    "last_employment": "ЖШС Астық, 2023",
}


def test_from_call_next_to_decision(
    client: TestClient, engine: Engine, office_id: int, now: ManualClock, settings
) -> None:  # type: ignore[no-untyped-def]
    token = login(client, engine, office_id)
    ticket = issue(client)
    now.advance(minutes=7)
    assert post(client, "/staff/point", token, {"point": "cab1"}).status_code == 200
    page = client.get("/staff/")
    rows = soup(page).select("table.queue tbody tr")
    assert [r.select_one(".code-cell").get_text(strip=True) for r in rows] == [ticket["code"]]
    assert rows[0].select_one(".minutes").get_text(strip=True).startswith("7")

    called = post(client, "/staff/call-next", token)
    assert soup(called).select_one(".in-hand .code").get_text(strip=True) == ticket["code"]

    # A wrong IIN is refused with a message; the right one opens a new card form.
    number = good_iin(date(1990, 3, 15), "f")
    wrong = number[:11] + str((int(number[11]) + 1) % 10)
    refused = post(client, "/staff/cards/find", token, {"iin": wrong})
    assert refused.status_code == 422 and "check digit" in flash(refused)
    form = post(client, "/staff/cards/find", token, {"iin": number})
    assert soup(form).select_one("#iin")["value"] == number
    assert soup(form).select_one("#birth_date")["value"] == "1990-03-15"  # read off the IIN
    created = post(client, "/staff/cards", token, {"iin": number, **CARD})
    assert created.status_code == 200 and "/staff/cards/" in str(created.url)
    card_page = soup(created)
    assert number in card_page.select_one(".card-head").get_text()
    # A citizen's checklist: three documents (§12 (1)–(3)).
    assert len(card_page.select('input[name="documents"]')) == 3

    with db.reading(engine) as session:
        card = session.exec(select(Card)).one()
        app = session.exec(select(Application)).one()
        assert session.exec(select(CardVisit)).one().ticket_id == ticket["id"]
    accepted = post(
        client,
        f"/staff/applications/{app.id}/documents",
        token,
        {"documents": ["identity", "work_history", "income"], "do": "accept"},
    )
    page = soup(accepted)
    assert page.select_one(".app-number").get_text(strip=True) == "2026-0001"
    # §7: accepted Tuesday 24 November 2026 -> due Friday 4 December.
    assert page.select_one(".deadline").get_text(" ", strip=True).startswith("04.12.2026")
    assert "Printed at the desk" in flash(accepted) or page.select_one(".flash-notice")

    spool = Path(settings.spool_dir) / "cab1"
    talons = sorted(spool.glob("*.bin"))
    assert len(talons) == 1 and decode_image(talons[0].read_bytes()) is not None

    decided = post(
        client,
        f"/staff/applications/{app.id}/decision",
        token,
        {"outcome": "registered", "registered_on": "2026-11-24"},
    )
    assert decided.status_code == 200
    with db.reading(engine) as session:
        app = session.get_one(Application, app.id)
        assert app.status == "registered" and app.decided_in_term is True
        assert app.complete_on_first_visit is True
        actions = [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert {
        "create",
        "visit",
        "application",
        "documents",
        "accept",
        "print",
        "decide",
        "view",
    } <= set(actions)
    cert = client.get(f"/staff/applications/{app.id}/certificate")
    assert cert.status_code == 200
    text = soup(cert).get_text(" ", strip=True)
    assert "АНЫҚТАМА" in text and "СПРАВКА" in text and card.iin in text
    # Issue 15, defect 13: the card says she is a woman; the seal has its place.
    assert "зарегистрирована в качестве безработной" in text and "(а)" not in text
    assert [p.get_text(strip=True) for p in soup(cert).select(".seal")] == ["М.О.", "М.П."]


def new_card(client: TestClient, token: str, number: str, **fields: str) -> int:
    """Open a card over HTTP (find by IIN, then the new-card form); returns its id."""
    post(client, "/staff/cards/find", token, {"iin": number})
    created = post(client, "/staff/cards", token, {**CARD, "iin": number, **fields})
    assert created.status_code == 200 and "/staff/cards/" in str(created.url), flash(created)
    return int(str(created.url).rstrip("/").rsplit("/", 1)[1])


def current_app(engine: Engine, card_id: int) -> Application | None:
    with db.reading(engine) as session:
        return session.exec(
            select(Application)
            .where(Application.card_id == card_id)
            .order_by(Application.id.desc())
        ).first()  # type: ignore[union-attr]


def start_app(client: TestClient, engine: Engine, token: str, card_id: int) -> Application:
    post(client, f"/staff/cards/{card_id}/applications", token)
    app = current_app(engine, card_id)
    assert app is not None
    return app
