"""Issue 14: the edges of the app (headers on every answer, complaints for supervisors)."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from kezek import db
from kezek.queue.clock import ManualClock
from kezek.queue.models import TicketEvent
from tests.test_staff_flow import login


def test_a_404_under_an_unknown_office_prefix_carries_the_security_headers(
    client: TestClient,
) -> None:
    for url in ("/o/elsewhere/", "/o/elsewhere/api/queue", "/o/%00/staff"):
        response = client.get(url)
        assert response.status_code in (400, 404), url  # a NUL is refused before the prefix
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"


def _register(client: TestClient, token: str) -> str:
    done = client.post(
        "/staff/supervisor/complaints/new",
        data={
            "csrf_token": token,
            "complainant": "Асқар Бекұлы",
            "contact": "8 701 000 00 00",
            "about": "Clerk two was rude.",
        },
    )
    assert done.status_code == 200 and "Асқар Бекұлы" in done.text
    return "/staff/supervisor/complaints/1"


def test_complaints_are_for_supervisors_and_the_clerk_who_registered_one_today(
    client: TestClient, engine: Engine, office_id: int, now: ManualClock
) -> None:
    token = login(client, engine, office_id, "clerk1", "clerk")
    url = _register(client, token)
    assert client.get(url).status_code == 200  # the desk may reopen it to reprint the talon
    login(client, engine, office_id, "clerk2", "clerk")
    other = client.get(url)
    assert other.status_code == 403 and "Асқар" not in other.text and "8 701" not in other.text
    assert client.get("/staff/supervisor/complaints/2").status_code == 403  # exists or not
    login(client, engine, office_id, "head", "supervisor")
    assert "Асқар Бекұлы" in client.get(url).text
    now.advance(days=1)
    token = login(client, engine, office_id, "clerk1", "clerk", create=False)
    late = client.get(url)
    assert late.status_code == 403 and "Асқар" not in late.text
    printed = client.post(f"{url}/print", data={"csrf_token": token}, follow_redirects=False)
    assert printed.status_code == 403


def test_kezek_serve_bounds_connections_and_keep_alive_by_default() -> None:
    import uvicorn

    from kezek.cli import parser, serve_limits

    limits = serve_limits(parser().parse_args(["serve"]))
    assert 0 < limits["limit_concurrency"] <= 1000 and 0 < limits["timeout_keep_alive"] <= 15
    config = uvicorn.Config("kezek.app:create_app", factory=True, **limits)
    assert config.limit_concurrency == limits["limit_concurrency"]
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert "client_header_timeout" in readme and "client_body_timeout" in readme


def test_staff_form_routes_refuse_anonymous_uploads_before_parsing_them(
    client: TestClient,
) -> None:
    broken = b"--b\r\nX-Nothing: 1\r\n\r\n" + b"y" * 100_000 + b"\r\n--b--\r\n"  # no name
    for url in ("/staff/admin/users", "/staff/supervisor/complaints/new", "/staff/password"):
        response = client.post(
            url,
            content=broken,
            headers={"content-type": "multipart/form-data; boundary=b"},
            follow_redirects=False,
        )
        assert response.status_code in (303, 401), (url, response.status_code)


def test_an_idle_staff_session_ends_after_the_profiles_hour(
    client: TestClient, engine: Engine, office_id: int, now: ManualClock
) -> None:
    login(client, engine, office_id, "clerk1", "clerk")
    now.advance(minutes=50)
    assert client.get("/staff/", follow_redirects=False).status_code == 200  # an action
    now.advance(minutes=61)
    gone = client.get("/staff/", follow_redirects=False)
    assert gone.status_code == 303 and "/staff/login" in gone.headers["location"]


def test_the_live_stream_does_not_keep_a_session_alive(
    live_server, engine: Engine, office_id: int, now: ManualClock
) -> None:  # type: ignore[no-untyped-def]
    import httpx
    from bs4 import BeautifulSoup

    from tests.conftest import PASSWORD, make_user

    make_user(engine, office_id, "clerk1", "clerk")
    with httpx.Client(base_url=live_server.url, timeout=10) as web:
        form = BeautifulSoup(web.get("/staff/login").text, "html.parser")
        token = form.find("input", attrs={"name": "login_token"})["value"]  # type: ignore[index]
        logged = web.post(
            "/staff/login",
            data={"login_token": token, "username": "clerk1", "password": PASSWORD},
        )
        assert logged.status_code == 303
        now.advance(minutes=50)
        with web.stream("GET", "/staff/events") as stream:
            assert stream.status_code == 200
            next(stream.iter_text())
        now.advance(minutes=15)  # 65 minutes since the last user action
        assert web.get("/staff/").status_code == 303


def test_staff_pages_carry_the_idle_warning(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    from bs4 import BeautifulSoup

    login(client, engine, office_id, "clerk1", "clerk")
    page = BeautifulSoup(client.get("/staff/").text, "html.parser")
    warning = page.select_one("#idle-warning[role=alert][hidden]")
    assert warning is not None and warning["data-idle-seconds"] == "3600"
    assert "logged out in a minute" in warning.get_text()
    kk = BeautifulSoup(client.get("/staff/?lang=kk").text, "html.parser")
    assert "Жүйеде қалу" in kk.select_one("#idle-stay").get_text()  # type: ignore[union-attr]


def test_out_of_range_numbers_are_not_found_never_a_server_error(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    login(client, engine, office_id, "boss", "admin")
    huge = str(2**63)
    for url in (
        f"/staff/cards/{huge}",
        f"/staff/admin/users/{huge}",
        f"/staff/supervisor/complaints/{huge}",
        f"/staff/applications/{huge}/corrected",
        "/staff/audit?card=²",
        f"/staff/audit?card={huge}",
        "/staff/supervisor/targets?year=²",
        "/staff/supervisor/targets?year=99999",
    ):
        response = client.get(url, follow_redirects=False)
        assert response.status_code < 500, (url, response.status_code)
        assert "Traceback" not in response.text


def test_nul_and_control_bytes_never_reach_the_database(
    client: TestClient, clerk_token: str
) -> None:
    for url in ("/t/ab%00cd", "/kiosk/talon/ab%00cd", "/feedback/t/ab%00cd", "/info?lang=%00"):
        response = client.get(url)
        assert response.status_code < 500 and "Traceback" not in response.text, url
        assert response.headers["x-frame-options"] == "DENY"
    page = BeautifulSoup(client.get("/staff/login").text, "html.parser")
    token = page.find("input", attrs={"name": "login_token"})["value"]  # type: ignore[index]
    refused = client.post(
        "/staff/login",
        data={"login_token": token, "username": "clerk\x001", "password": "x"},
        follow_redirects=False,
    )
    assert refused.status_code == 401
    auth = {"authorization": f"Bearer {clerk_token}"}
    first = client.post("/api/tickets", json={"service": "registration"}).json()
    client.post("/api/tickets", json={"service": "registration"})
    called = client.post(
        f"/api/service-points/cab1/call/{first['id'] + 1}",
        json={"reason": "elder\x00 \x1b@\x1dV visitor"},
        headers=auth,
    )
    assert called.status_code == 200, called.text
    with db.reading(client.app.state.kezek.engine) as session:  # type: ignore[attr-defined]
        reasons = [e.detail for e in session.exec(select(TicketEvent)).all() if e.detail]
    assert reasons and not any(ch in str(r) for r in reasons for ch in "\x00\x1b\x1d")
