"""The whole route table under attack: who may reach what, headers, and no personal data leaks.

A route added later is classified here or this file fails: public routes are listed by name;
everything under /staff needs a session (and a CSRF token to change anything); the staff API
needs a token.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from kezek import db
from kezek.intake import cards
from kezek.intake.iin import check_digit
from kezek.queue.clock import Clock
from kezek.queue.models import Ticket
from tests.conftest import make_user
from tests.test_staff_flow import flash, login

# What a refused member of staff reads (these logins read the staff pages in English).
EXPIRED = "This form has expired or did not come from this page."
NOT_ALLOWED = "Your role does not allow this page or action."

PUBLIC = {  # route name -> why anyone may open it
    "home": "links to the kiosk, display and staff login",
    "healthz": "only that the process answers",
    "readyz": "which checks pass, by their kind: no URL, no password, no visitor",
    "api_openapi": "the API's description",
    "api_issue": "the kiosk's way to take a ticket",
    "api_ticket_by_token": "codes and positions, by unguessable token; never priority",
    "api_queue": "counts only",
    "kiosk": "the lobby kiosk",
    "kiosk_take": "taking a ticket",
    "kiosk_talon_status": "whether the talon printed, by unguessable token",
    "kiosk_ping": "the kiosk's connection check",
    "kiosk_named": "a named lobby kiosk (issue 20: its own printer)",
    "kiosk_take_named": "taking a ticket at a named kiosk",
    "kiosk_talon_status_named": "whether a named kiosk's talon printed, by unguessable token",
    # Check-in with a booking code or IIN (issue 18): an enrolled kiosk only, the IIN POSTed
    # "I am running late" (issue 17): by unguessable token, once, within the target
    "api_late": "moving one's own ticket back a few places, by unguessable token",
    "ticket_late": "the phone page's button for it: POST, by unguessable token",
    "kiosk_booking": "the booking check-in keypad",
    "kiosk_booking_check_in": "check-in: POST, from an enrolled kiosk only",
    "kiosk_booking_named": "a named kiosk's check-in keypad",
    "kiosk_booking_check_in_named": "a named kiosk's check-in: POST, enrolled only",
    "display": "the waiting-room board",
    "display_events": "its live stream",
    "display_point": "the board over a cabinet door",
    "display_point_events": "its live stream",
    "display_chime": "a sound",
    "display_silence": "a sound",
    "display_voice": "a code and a cabinet, spoken",
    "display_notice_voice": "the hall's current notice, spoken (public text, issue 17)",
    "ticket_status": "the visitor's phone page, by unguessable token",
    "ticket_events": "its live stream, by the same token",
    "ticket_cancel_page": 'the visitor\'s "cancel?" question, by the same token',
    "ticket_cancel": "the visitor cancels their own ticket: POST, by the same token",
    "info": "the standard's public information (§9)",
    "feedback_ticket": "anonymous feedback, by unguessable token",
    "feedback_point": "the feedback tablet by a cabinet door",
    "static": "stylesheets, scripts",
    "staff_login": "the way in",
    "device_enrol": "a one-time code typed on a new kiosk, display or tablet",
    # §10 pre-registration (issue 18): free seats as counts; booking behind a proof of work
    # and a limit per address; cancelling by the manage token; check-in by a kiosk only.
    "api_slots": "free seats per slot: counts only",
    "api_booking_challenge": "a proof-of-work challenge",
    "api_book": "booking, behind the proof of work and the limit per address",
    "api_booking_cancel": "cancelling, with the unguessable manage token",
    "api_booking_check_in": "check-in, from an enrolled kiosk only",
    "api_booking_move": "moving, with the unguessable manage token",
    # The visitor's booking pages: the choices are counts; the IIN is POSTed behind the same
    # proof of work; a booking's pages answer only its manage token (403 otherwise).
    "book": "the booking page: services, days and free seats",
    "book_submit": "booking, behind the proof of work and the limit per address: POST",
    "book_done": "the result page, by the manage token",
    "book_manage": "the booking's page, by the manage token",
    "book_cancel_page": 'the "cancel?" question, by the manage token',
    "book_cancel": "cancelling: POST, by the manage token",
    "book_move_page": "the free slots to move to, by the manage token",
    "book_move": "moving: POST, by the manage token",
}
STAFF_API = {
    "api_ticket",
    "api_call_next",
    "api_next",
    "api_call_specific",
    "api_transfer",
    "api_ticket_action",
    "api_pause",  # issue 17
    "api_resume",
    "api_return",
    "metrics",  # a supervisor's or an admin's token
    "api_clerk_stats",  # a supervisor's or an admin's token (issue 17)
    "api_forecast",  # a supervisor's or an admin's token (issue 19)
    "api_hall_message",  # a supervisor's or an admin's token (issue 17)
    "api_hall_message_withdraw",
}
STREAMS = {"display_events", "display_point_events", "staff_events", "ticket_events"}
ADMIN_ONLY = re.compile(r"^/staff/admin")
# Clerks may see the early warning on their consoles and register a complaint at the desk
# (§22, reviewed by the head); the rest of /staff/supervisor, complaints included, is the
# head's (the registering clerk may reopen one the same day: tests/test_edges.py).
SUPERVISOR_UP = re.compile(
    r"^/staff/(supervisor(?!/warning|/complaints/new)|cases|audit"
    r"|applications/\d+/corrected)"
)

SURNAME, NAME, STREET, PHONE = "Әбілқасымова", "Гүлнар", "Абай көшесі 17", "+7 701 555 12 34"


def routes(app_routes: list, prefix: str = "") -> Iterator[tuple[str, str, set[str]]]:  # type: ignore[type-arg]
    for route in app_routes:
        if isinstance(route, Mount):
            if route.routes:
                yield from routes(route.routes, prefix + route.path)
            else:
                yield prefix + route.path, str(route.name), {"GET"}
        elif isinstance(route, Route):
            yield prefix + route.path, str(route.name), set(route.methods or {"GET"}) - {"HEAD"}


def concrete(path: str, values: dict[str, str]) -> str:
    return re.sub(r"{(\w+)(:\w+)?}", lambda m: values.get(m.group(1), "1"), path)


@pytest.fixture
def seeded(client: TestClient, engine: Engine, office_id: int, clock: Clock) -> dict[str, str]:
    """A ticket and a personal record card with a name, an IIN and an address."""
    ticket = client.post("/api/tickets", json={"service": "registration"}).json()
    first11 = "90031540123"
    while check_digit(first11) is None:
        first11 = str(int(first11) + 1)
    iin = first11 + str(check_digit(first11))
    with db.transaction(engine) as session:
        card = cards.create(
            session,
            office_id,
            cards.CardInput(
                iin=iin,
                surname=SURNAME,
                name=NAME,
                patronymic="Серікқызы",
                birth_date="1990-03-15",
                sex="f",
                category="citizen",
                address=f"Бесқөл ауылы, {STREET}",
                phone=PHONE,
            ),
            None,
            clock.now(),
        )
        cards.link_visit(session, card, session.get_one(Ticket, ticket["id"]), None, clock.now())
    return {
        "token": ticket["status_url"].rsplit("/", 1)[1],
        "ticket_id": str(ticket["id"]),
        "code": "cab1",
        "point": "cab1",
        "lang": "kk",
        "iin": iin,
        "card_id": str(card.id),
        "action": "finish",
        "path": "css/kezek.css",
    }


def test_every_route_is_classified(client: TestClient) -> None:
    unclassified = [
        (path, name)
        for path, name, _ in routes(client.app.routes)  # type: ignore[attr-defined]
        if name not in PUBLIC and name not in STAFF_API and not path.startswith("/staff")
    ]
    assert unclassified == [], unclassified


def test_staff_routes_refuse_anonymous_and_api_needs_a_token(
    client: TestClient, seeded: dict[str, str]
) -> None:
    checked = 0
    for path, name, methods in routes(client.app.routes):  # type: ignore[attr-defined]
        if name in PUBLIC:
            continue
        for method in methods:
            response = client.request(method, concrete(path, seeded), follow_redirects=False)
            if name in STAFF_API:
                assert response.status_code == 401, (method, path)
                assert response.json()["message"] == "Қызметкердің жарамды токені қажет."
            else:
                assert response.status_code in (303, 401, 403), (method, path, response.status_code)
                assert SURNAME not in response.text
            checked += 1
    assert checked > 40


def test_every_staff_state_change_needs_the_csrf_token(
    client: TestClient, engine: Engine, office_id: int, seeded: dict[str, str]
) -> None:
    login(client, engine, office_id, "boss", "admin")
    for path, name, methods in routes(client.app.routes):  # type: ignore[attr-defined]
        if not path.startswith("/staff") or "POST" not in methods or name == "staff_login":
            continue
        response = client.post(
            concrete(path, seeded), data={"point": "cab1"}, follow_redirects=False
        )
        assert response.status_code == 403, (path, response.status_code)
        assert EXPIRED in flash(response), path


@pytest.mark.parametrize("role", ["clerk", "supervisor", "admin"])
def test_role_matrix(
    client: TestClient, engine: Engine, office_id: int, seeded: dict[str, str], role: str
) -> None:
    login(client, engine, office_id, f"user_{role}", role)
    for path, name, methods in routes(client.app.routes):  # type: ignore[attr-defined]
        if not path.startswith("/staff") or "GET" not in methods or name in STREAMS:
            continue
        url = concrete(path, seeded)
        response = client.get(url, follow_redirects=False)
        allowed = (
            role == "admin"
            or (role == "supervisor" and not ADMIN_ONLY.match(url))
            or (role == "clerk" and not ADMIN_ONLY.match(url) and not SUPERVISOR_UP.match(url))
        )
        if allowed:
            assert response.status_code != 403, (role, url)
        else:
            assert response.status_code == 403, (role, url, response.status_code)
            assert flash(response) == NOT_ALLOWED, (role, url)


def test_security_headers_on_every_page(client: TestClient, seeded: dict[str, str]) -> None:
    for path, name, methods in routes(client.app.routes):  # type: ignore[attr-defined]
        if "GET" not in methods or name in STREAMS:
            continue
        response = client.get(concrete(path, seeded), follow_redirects=False)
        csp = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert "frame-ancestors 'none'" in csp and response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "server" not in response.headers, path


def test_no_personal_data_on_public_pages_in_urls_or_the_log(
    client: TestClient,
    engine: Engine,
    office_id: int,
    seeded: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    secrets_ = [seeded["iin"], SURNAME, NAME, STREET, PHONE, seeded["iin"][-4:] + "</"]
    crawled = 0
    for path, name, methods in routes(client.app.routes):  # type: ignore[attr-defined]
        if name not in PUBLIC or name in STREAMS or "GET" not in methods:
            continue
        for lang in ("kk", "ru", "en"):
            response = client.get(concrete(path, seeded) + f"?lang={lang}")
            crawled += 1
            for secret in secrets_:
                assert secret not in response.text, (path, secret)
    assert crawled >= 15
    # Staff work on the card: the pages show it, but no URL and no log line carries it.
    login(client, engine, office_id, "clerk9", "clerk")
    card = client.get(f"/staff/cards/{seeded['card_id']}")
    assert card.status_code == 200 and SURNAME in card.text
    found = client.post(
        "/staff/cards/find", data={"iin": seeded["iin"], "csrf_token": _csrf(card.text)}
    )
    assert seeded["iin"] not in str(found.url)
    for form in re.findall(r"<form[^>]*>", card.text + found.text):
        if "find" in form:
            assert 'method="post"' in form.lower()  # an IIN typed in a search is never in a URL
    for record in caplog.records:
        for secret in secrets_[:5]:
            assert secret not in record.getMessage(), record.getMessage()


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match
    return match.group(1)


def test_hostile_input_is_answered_clearly_and_escaped(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    script = "<script>alert(1)</script>"
    nasty = [script, "x" * 10_000, "\x00\x07\x1b[2J", "\u202eevil\u202c", "-1", "9" * 40, "Ω≈ç√"]
    for value in nasty:
        response = client.post("/api/tickets", json={"service": value})
        assert 400 <= response.status_code < 500 and response.json()["message"]
        assert script not in response.text
        for lang in ("kk", "ru"):
            page = client.get("/kiosk/", params={"lang": lang, "x": value[:200]})
            assert page.status_code < 500 and script not in page.text
    make_user(engine, office_id, "victim", "clerk")
    for value in nasty:
        page = client.post(
            "/staff/login", data={"username": value, "password": value, "login_token": value}
        )
        assert page.status_code < 500 and script not in page.text
