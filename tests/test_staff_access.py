"""Staff access: sessions, CSRF, roles, login throttling — through TestClient on a real DB."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.routing import Route
from starlette.testclient import TestClient

from kezek import db
from kezek.queue.clock import ManualClock
from kezek.queue.models import Office, User
from kezek.staff import routes as staff_routes
from kezek.staff import sessions
from kezek.staff.models import LoginThrottle, StaffSession
from tests.conftest import PASSWORD, make_user
from tests.test_staff_flow import csrf_of, flash, login, post, soup

# A concrete URL for every /staff route (path parameters filled with existing-looking ids).
PARAMS = {
    "ticket_id": 1,
    "card_id": 1,
    "app_id": 1,
    "user_id": 1,
    "token_id": 1,
    "device_id": 1,
    "action": "finish",
}


def staff_urls() -> list[tuple[str, str, str]]:
    """(method, path, route name) of every staff route but the login page."""
    found = []
    for route in staff_routes.routes:
        assert isinstance(route, Route)
        if route.name == "staff_login":
            continue
        path = "/staff" + route.path
        for key, value in PARAMS.items():
            path = path.replace(f"{{{key}:int}}", str(value)).replace(f"{{{key}}}", str(value))
        for method in sorted(route.methods or {"GET"}):
            if method != "HEAD":
                found.append((method, path, str(route.name)))
    return found


def _try_login(client: TestClient, username: str, password: str):  # type: ignore[no-untyped-def]
    page = client.get("/staff/login")
    token = soup(page).find("input", attrs={"name": "login_token"})["value"]
    return client.post(
        "/staff/login",
        data={"username": username, "password": password, "login_token": token},
        follow_redirects=False,
    )


def test_every_staff_route_refuses_anonymous(client: TestClient) -> None:
    urls = staff_urls()
    assert len(urls) >= 25
    for method, path, name in urls:
        response = client.request(method, path, follow_redirects=False)
        assert response.status_code in (303, 401), (method, path)
        if response.status_code == 303:
            assert response.headers["location"].startswith("http://testserver/staff/login"), name
        assert "Әбілқасымова" not in response.text


def test_every_state_change_needs_the_csrf_token(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    token = login(client, engine, office_id, "admin1", "admin")
    for method, path, name in staff_urls():
        if method != "POST":
            continue
        response = client.post(path, data={"point": "cab1"}, follow_redirects=False)
        assert response.status_code == 403, (path, response.status_code)
        assert "expired" in flash(response), name
        wrong = client.post(path, data={"csrf_token": token[:-2] + "xx"}, follow_redirects=False)
        assert wrong.status_code == 403 and "This form has expired" in flash(wrong), path
    # The same token as a header (how htmx sends it) is accepted.
    ok = client.post(
        "/staff/point",
        data={"point": "cab1"},
        headers={"x-csrf-token": token, "hx-request": "true"},
    )
    assert ok.status_code == 200


def test_login_gives_a_new_session_and_logout_ends_it(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    make_user(engine, office_id, "clerk1", "clerk")
    client.cookies.set(
        "kezek_staff", "chosen-by-an-attacker", domain="testserver.local", path="/staff"
    )
    done = _try_login(client, "clerk1", PASSWORD)
    cookie = done.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/staff" in cookie
    assert "Secure" not in cookie  # settings.secure_cookies is off in tests
    raw = client.cookies.get("kezek_staff")
    assert raw and raw != "chosen-by-an-attacker"
    with db.reading(engine) as session:
        rows = session.exec(select(StaffSession)).all()
        assert len(rows) == 1 and raw not in rows[0].id_hash  # only the hash is stored
    token = csrf_of(client)
    assert post(client, "/staff/logout", token, follow_redirects=False).status_code == 303
    with db.reading(engine) as session:
        assert session.exec(select(StaffSession)).all() == []
    client.cookies.set("kezek_staff", raw, domain="testserver.local", path="/staff")
    # the old cookie (say, copied before the logout) is worthless now
    assert client.get("/staff/", follow_redirects=False).status_code == 303


def test_secure_cookie_when_configured(settings, engine: Engine, clock) -> None:  # type: ignore[no-untyped-def]

    from kezek.app import create_app

    app = create_app(
        settings.model_copy(update={"secure_cookies": True}), engine=engine, clock=clock
    )
    with TestClient(app, base_url="https://testserver") as client:
        make_user(engine, client.app.state.kezek.office_id, "clerk1", "clerk")  # type: ignore[attr-defined]
        assert "Secure" in _try_login(client, "clerk1", PASSWORD).headers["set-cookie"]


def test_roles_are_refused_with_a_403_page(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    login(client, engine, office_id, "clerk1", "clerk")
    nav = soup(client.get("/staff/")).select_one(".staff-nav").get_text()
    assert "Audit trail" not in nav  # hidden from clerks, and also refused:
    for path in ("/staff/cases", "/staff/audit", "/staff/admin/users", "/staff/admin/office"):
        refused = client.get(path)
        assert refused.status_code == 403 and "role does not allow" in flash(refused), path
    token = csrf_of(client)
    refused = post(
        client, "/staff/admin/users", token, {"username": "x", "password": "p" * 9, "role": "admin"}
    )
    assert refused.status_code == 403 and "role does not allow" in flash(refused)
    login(client, engine, office_id, "head", "supervisor")
    assert client.get("/staff/cases").status_code == 200
    assert client.get("/staff/audit").status_code == 200
    assert client.get("/staff/admin/users").status_code == 403
    login(client, engine, office_id, "boss", "admin")
    assert client.get("/staff/admin/users").status_code == 200
    office = client.get("/staff/admin/office")
    assert office.status_code == 200 and "spool://" in office.text


def test_slow_down_then_lock_and_the_lock_survives_a_restart(
    client: TestClient, engine: Engine, office_id: int, now: ManualClock, app
) -> None:  # type: ignore[no-untyped-def]
    make_user(engine, office_id, "clerk1", "clerk")
    client.headers["accept-language"] = "en"
    for _ in range(3):
        wrong = _try_login(client, "clerk1", "wrong password")
        assert wrong.status_code == 401 and flash(wrong) == "Wrong user name or password."
    slowed = _try_login(client, "clerk1", PASSWORD)  # even the right password must wait
    assert slowed.status_code == 429 and "Wait 5 s" in flash(slowed)
    assert slowed.headers["retry-after"] == "5"
    for _ in range(5):
        now.advance(minutes=1)
        _try_login(client, "clerk1", "wrong password")
    locked = _try_login(client, "clerk1", PASSWORD)
    assert locked.status_code == 429 and "locked for 15 min" in flash(locked)
    # Another user from another address is not affected.
    make_user(engine, office_id, "clerk4", "clerk")
    assert _try_login(client, "clerk4", PASSWORD).status_code == 303
    # The lock is in the database: a restarted app (a new TestClient on it) still refuses.
    with TestClient(app) as again:
        again.headers["accept-language"] = "en"
        assert _try_login(again, "clerk1", PASSWORD).status_code == 429
    now.advance(minutes=16)
    assert _try_login(client, "clerk1", PASSWORD).status_code == 303
    with db.reading(engine) as session:
        keys = session.exec(select(LoginThrottle)).all()
        assert all("clerk1" not in k.key_hash and "testclient" not in k.key_hash for k in keys)


def test_an_address_is_slowed_after_many_names(
    client: TestClient, engine: Engine, office_id: int, now: ManualClock
) -> None:
    for n in range(10):
        now.advance(seconds=30)
        assert _try_login(client, f"nobody{n}", "x").status_code == 401
    assert _try_login(client, "someone-else", "x").status_code == 429


def test_sessions_expire_when_idle(
    client: TestClient, engine: Engine, office_id: int, now: ManualClock
) -> None:
    login(client, engine, office_id)
    now.advance(minutes=59)
    assert client.get("/staff/", follow_redirects=False).status_code == 200  # seen: touched
    now.advance(minutes=61)
    assert client.get("/staff/", follow_redirects=False).status_code == 303


def test_change_own_password(client: TestClient, engine: Engine, office_id: int) -> None:
    token = login(client, engine, office_id)
    bad = post(client, "/staff/password", token, {"current": "nope", "new": "short", "again": ""})
    assert bad.status_code == 422 and "current password is wrong" in flash(bad)
    done = post(
        client,
        "/staff/password",
        token,
        {"current": PASSWORD, "new": "a new long one", "again": "a new long one"},
    )
    assert done.status_code == 200 and "password is changed" in flash(done)
    assert client.get("/staff/").status_code == 200  # this session goes on, with a new id
    client.cookies.clear()
    assert _try_login(client, "clerk1", PASSWORD).status_code == 401
    assert _try_login(client, "clerk1", "a new long one").status_code == 303


def test_admin_manages_users_and_disabling_ends_sessions(
    engine: Engine, office_id: int, app
) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as admin, TestClient(app) as clerk:
        token = login(admin, engine, office_id, "boss", "admin")
        added = post(
            admin,
            "/staff/admin/users",
            token,
            {
                "username": "clerk7",
                "full_name": "Маман №7",
                "role": "clerk",
                "password": "long enough 1",
            },
        )
        assert added.status_code == 200 and "clerk7" in added.text
        clerk.headers["accept-language"] = "en"
        assert _try_login(clerk, "clerk7", "long enough 1").status_code == 303
        assert clerk.get("/staff/").status_code == 200
        with db.reading(engine) as session:
            user_id = session.exec(select(User).where(User.username == "clerk7")).one().id
        disabled = post(admin, f"/staff/admin/users/{user_id}", token, {"action": "disable"})
        assert disabled.status_code == 200
        assert clerk.get("/staff/", follow_redirects=False).status_code == 303
        assert _try_login(clerk, "clerk7", "long enough 1").status_code == 401
        post(admin, f"/staff/admin/users/{user_id}", token, {"action": "enable"})
        post(
            admin,
            f"/staff/admin/users/{user_id}",
            token,
            {"action": "password", "password": "brand new pass"},
        )
        post(
            admin, f"/staff/admin/users/{user_id}", token, {"action": "role", "role": "supervisor"}
        )
        assert _try_login(clerk, "clerk7", "brand new pass").status_code == 303
        assert clerk.get("/staff/cases").status_code == 200
        # An admin cannot lock themselves out.
        with db.reading(engine) as session:
            boss = session.exec(select(User).where(User.username == "boss")).one()
        refused = post(admin, f"/staff/admin/users/{boss.id}", token, {"action": "disable"})
        assert refused.status_code == 409


def test_sessions_belong_to_one_office(client: TestClient, engine: Engine, office_id: int) -> None:
    login(client, engine, office_id)
    with db.transaction(engine) as session:
        other = Office(slug="other", timezone="Asia/Almaty")
        session.add(other)
        session.flush()
        for row in session.exec(select(StaffSession)):
            row.office_id = other.id  # as if made by another office on the same database
            session.add(row)
    sessions.RECENT.forget()  # rows never change office: what was found a second ago is stale
    assert client.get("/staff/", follow_redirects=False).status_code == 303


def test_idle_limit_is_an_hour_by_default() -> None:
    from kezek.settings import load_profile

    assert timedelta(minutes=60) == sessions.IDLE and timedelta(hours=14) == sessions.ABSOLUTE
    assert load_profile("demo").staff_idle_minutes == 60
