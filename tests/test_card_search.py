"""Issue 17: a card is found by surname and name in Cyrillic or Latin, partially, each search
in the audit trail (never what was typed); phones are stored in E.164 (libphonenumber)."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from kezek import db
from kezek.intake.models import AuditEntry, Card, CardSearch
from kezek.intake.names import words
from tests.test_intake_indicators import good_iin
from tests.test_staff_flow import CARD, flash, login, post, soup


def make_card(client: TestClient, token: str, serial: int, **fields: str) -> int:
    number = good_iin(date(1990, 3, 15), serial)
    created = post(client, "/staff/cards", token, {**CARD, "iin": number, **fields})
    assert created.status_code == 200, flash(created)
    return int(str(created.url).rstrip("/").rsplit("/", 1)[1])


@pytest.fixture
def cards(client: TestClient, engine: Engine, office_id: int) -> tuple[str, dict[str, int]]:
    token = login(client, engine, office_id)
    made = {
        "nurlan": make_card(client, token, 11, surname="Қасымов", name="Нұрлан", patronymic=""),
        "galiya": make_card(client, token, 12, surname="Әбілова", name="Ғалия", patronymic=""),
        "zhanna": make_card(client, token, 13, surname="Иванова", name="Жанна", patronymic=""),
    }
    return token, made


def search(client: TestClient, token: str, q: str):  # type: ignore[no-untyped-def]
    return post(client, "/staff/cards/search", token, {"q": q})


def found(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [a["href"].rsplit("/", 1)[1] for a in soup(response).select("#search-results a")]


@pytest.mark.parametrize(
    ("typed", "who"),
    [
        ("Нұрлан", "nurlan"),
        ("нурлан", "nurlan"),
        ("Nurlan", "nurlan"),
        ("NURL", "nurlan"),
        ("Kasymov Nurlan", "nurlan"),
        ("Qasym", "nurlan"),
        ("касымов нур", "nurlan"),
        ("Galiya", "galiya"),
        ("Abilova", "galiya"),
        ("Әбіл", "galiya"),
        ("Zhanna", "zhanna"),
        ("Janna Ivan", "zhanna"),
    ],
)
def test_a_card_is_found_however_the_name_is_spelled(
    client: TestClient, cards: tuple[str, dict[str, int]], typed: str, who: str
) -> None:
    token, made = cards
    answer = search(client, token, typed)
    assert answer.status_code == 200
    assert found(answer) == [str(made[who])]


def test_a_search_is_in_the_audit_trail_without_what_was_typed(
    client: TestClient, engine: Engine, cards: tuple[str, dict[str, int]], caplog
) -> None:  # type: ignore[no-untyped-def]
    token, made = cards
    with caplog.at_level(logging.DEBUG):
        assert found(search(client, token, "ова")) == []  # a word's start, not its middle
        assert found(search(client, token, "Ivanova Zh")) == [str(made["zhanna"])]
        assert found(search(client, token, "Serik")) == []
    with db.reading(engine) as session:
        searches = session.exec(select(CardSearch)).all()
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == "search")).all()
    assert [s.results for s in searches] == [0, 1, 0]
    assert [e.card_id for e in entries] == [made["zhanna"]]
    assert all("Ivanova" not in (e.changes or "") for e in entries)
    assert "Serik" not in caplog.text and "Ivanova" not in caplog.text


def test_an_empty_or_short_search_is_refused_with_a_message(
    client: TestClient, cards: tuple[str, dict[str, int]]
) -> None:
    token, _made = cards
    for typed in ("", "н", "!!", "x" * 101):
        answer = search(client, token, typed)
        assert answer.status_code == 422
        assert soup(answer).select_one("#q-error").get_text(strip=True)
    client.cookies.set("kezek_lang", "ru")
    refused = post(client, "/staff/cards/search?lang=ru", token, {"q": "н"})
    assert "Введите" in soup(refused).select_one("#q-error").get_text()


def test_the_folding_rules() -> None:
    assert words("Нұрлан") == words("нурлан") == words("Nurlan") == ["nurlan"]
    assert words("Ерлан") == words("Yerlan") == ["erlan"]
    assert words("Өмірзақ") == words("Omirzaq") == ["omirzak"]
    assert words("Мұхаммед-Әли") == ["muhamed", "ali"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+7 715 221 6500", "+77152216500"),
        ("8 (701) 234-56-78", "+77012345678"),
        ("7012345678", "+77012345678"),
        ("+1 202 555 0100", "+12025550100"),
    ],
)
def test_a_phone_is_stored_in_e164(
    client: TestClient, engine: Engine, office_id: int, typed: str, stored: str
) -> None:
    token = login(client, engine, office_id)
    card_id = make_card(client, token, 21, phone=typed)
    with db.reading(engine) as session:
        card = session.get(Card, card_id)
        assert card is not None and card.phone == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Write the phone with digits"),
        ("12345", "too short"),
        ("+7 000 000 0000", "There is no such phone number"),
    ],
)
def test_a_bad_phone_is_refused_with_a_clear_message(
    client: TestClient, engine: Engine, office_id: int, typed: str, message: str
) -> None:
    token = login(client, engine, office_id)
    refused = post(
        client,
        "/staff/cards",
        token,
        {**CARD, "iin": good_iin(date(1990, 3, 15), 22), "phone": typed},
    )
    assert refused.status_code == 422
    assert message in flash(refused)
