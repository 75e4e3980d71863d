"""hypothesis on the forms: whatever a person (or a script) types gets an answer, never a 5xx,
and is escaped wherever it is shown back."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.test_staff_flow import login

pytestmark = pytest.mark.slow
MARK = "<b>x</b>"  # would turn bold if it were not escaped
nasty = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Lo"]), max_size=50),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            MARK,
            "\u202eevil",
            "x" * 10_000,
            "-1",
            "9" * 40,
            "1990-02-30",
            "../../etc/passwd",
            "' OR 1=1 --",
            "%(x)s {x}",
        ]
    ),
)
FUZZ = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
CARD_FIELDS = [
    "iin",
    "surname",
    "name",
    "patronymic",
    "birth_date",
    "sex",
    "category",
    "address",
    "phone",
    "education",
    "profession",
    "last_employment",
]


def answered(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, response.text[:300]
    assert MARK not in response.text and "<script>alert" not in response.text
    return str(response.text)


@FUZZ
@given(service=nasty, lang=nasty, request_id=nasty, priority=nasty)
def test_kiosk_form(
    client: TestClient, service: str, lang: str, request_id: str, priority: str
) -> None:
    answered(
        client.post(
            "/kiosk/ticket",
            data={"service": service, "lang": lang, "request_id": request_id, "priority": priority},
        )
    )


@FUZZ
@given(username=nasty, password=nasty, token=nasty)
def test_login_form(client: TestClient, username: str, password: str, token: str) -> None:
    client.cookies.clear()
    answered(
        client.post(
            "/staff/login", data={"username": username, "password": password, "login_token": token}
        )
    )


def test_card_and_complaint_forms(client: TestClient, engine: Engine, office_id: int) -> None:
    csrf = login(client, engine, office_id, "fuzzclerk", "clerk")

    @FUZZ
    @given(values=st.fixed_dictionaries({name: nasty for name in CARD_FIELDS}))
    def card(values: dict[str, str]) -> None:
        answered(client.post("/staff/cards", data={"csrf_token": csrf, **values}))

    @FUZZ
    @given(
        values=st.fixed_dictionaries(
            {
                name: nasty
                for name in ("complainant", "contact", "about", "ticket_code", "received_on")
            }
        )
    )
    def complaint(values: dict[str, str]) -> None:
        answered(
            client.post("/staff/supervisor/complaints/new", data={"csrf_token": csrf, **values})
        )

    card()
    complaint()


def test_a_nul_byte_in_any_staff_field_is_dropped_not_a_500(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    """Hypothesis found it on PostgreSQL, which cannot store NUL in text."""
    csrf = login(client, engine, office_id, "nulclerk", "clerk")
    complaint = {
        "complainant": "Ай\x00гүл",
        "contact": "\x00",
        "about": "кезек\x00",
        "ticket_code": "",
        "received_on": "2026-11-24",
    }
    answered(
        client.post("/staff/supervisor/complaints/new", data={"csrf_token": csrf, **complaint})
    )
    card = {name: "\x00" for name in CARD_FIELDS}
    answered(client.post("/staff/cards", data={"csrf_token": csrf, **card}))
