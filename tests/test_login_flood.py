"""Issue 14 §3: a flood of wrong passwords for a name never locks the real user out."""

from __future__ import annotations

import time

from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.conftest import PASSWORD, make_user


def _attempt(client: TestClient, username: str, password: str) -> int:
    page = BeautifulSoup(client.get("/staff/login").text, "html.parser")
    token = page.find("input", attrs={"name": "login_token"})["value"]  # type: ignore[index]
    response = client.post(
        "/staff/login",
        data={"login_token": token, "username": username, "password": password},
        follow_redirects=False,
    )
    return response.status_code


def test_the_right_password_from_another_address_works_under_a_flood(
    app, engine: Engine, office_id: int
) -> None:  # type: ignore[no-untyped-def]
    make_user(engine, office_id, "clerk4", "clerk")
    with TestClient(app, client=("10.0.0.66", 4000)) as attacker:
        codes = [_attempt(attacker, "clerk4", f"guess{n}") for n in range(12)]
        assert codes[:3] == [401, 401, 401] and codes[-1] == 429  # the pair is held
        assert _attempt(attacker, "clerk4", PASSWORD) == 429  # even the right one, from there
    for address in ("10.0.0.7", "10.0.0.8"):  # the flood goes on from other addresses too
        with TestClient(app, client=(address, 4000)) as other:
            for n in range(3):
                assert _attempt(other, "clerk4", f"more{n}") == 401
    with TestClient(app, client=("10.0.0.20", 4000)) as clerk:
        assert _attempt(clerk, "clerk4", PASSWORD) == 303  # the real clerk logs in


def test_a_flooded_name_only_slows_wrong_answers_down_to_a_low_cap(
    app, engine: Engine, office_id: int
) -> None:  # type: ignore[no-untyped-def]
    make_user(engine, office_id, "admin2", "admin")
    for n in range(4):
        with TestClient(app, client=(f"10.0.1.{n}", 4000)) as someone:
            for m in range(3):
                assert _attempt(someone, "admin2", f"g{n}{m}") == 401
    with TestClient(app, client=("10.0.2.1", 4000)) as someone:
        started = time.monotonic()
        assert _attempt(someone, "admin2", "wrong") == 401  # slowed, never locked
        assert 0.25 <= time.monotonic() - started < 10
        started = time.monotonic()
        assert _attempt(someone, "admin2", PASSWORD) == 303  # the right one is not slowed
        assert time.monotonic() - started < 2


def test_weak_passwords_are_refused_in_the_admin_pages(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    from tests.test_staff_access import csrf_of, post
    from tests.test_staff_flow import login

    login(client, engine, office_id, "boss", "admin")
    token = csrf_of(client)
    for username, password, reason in (
        ("admin3", " " * 10, "at least 10 characters"),
        ("admin3", "short1!", "at least 10 characters"),
        ("admin3x1y2", "admin3x1y2", "must not be the user name"),
        ("admin3", "qwertyuiop", "too common"),
        ("admin3", "aaaaaaaaaaaa", "too common"),
    ):
        refused = post(
            client,
            "/staff/admin/users",
            token,
            {"username": username, "password": password, "role": "admin"},
        )
        assert refused.status_code == 422 and reason in refused.text, (password, reason)
    created = post(
        client,
        "/staff/admin/users",
        token,
        {"username": "admin3", "password": "steppe horse 1991", "role": "admin"},
    )
    assert created.status_code in (200, 303)


def test_the_current_password_check_is_throttled_like_the_login(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    from tests.test_staff_access import csrf_of, post
    from tests.test_staff_flow import login

    login(client, engine, office_id, "clerk5", "clerk")
    token = csrf_of(client)
    codes = [
        post(
            client,
            "/staff/password",
            token,
            {"current": f"guess {n}", "new": "steppe horse 1991", "again": "steppe horse 1991"},
        ).status_code
        for n in range(5)
    ]
    assert codes[:3] == [422, 422, 422] and codes[-1] == 429


def test_a_token_dies_with_a_disable_a_password_reset_or_a_role_change(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    from tests.conftest import make_token
    from tests.test_staff_access import csrf_of, post
    from tests.test_staff_flow import login

    user_id = make_user(engine, office_id, "clerk8", "clerk")
    login(client, engine, office_id, "boss", "admin")
    token = csrf_of(client)
    for change in (
        {"action": "disable"},
        {"action": "password", "password": "steppe horse 1991"},
        {"action": "role", "role": "supervisor"},
    ):
        api = {"authorization": f"Bearer {make_token(engine, 'clerk8')}"}
        assert client.post("/api/service-points/cab1/call-next", headers=api).status_code == 204
        assert post(client, f"/staff/admin/users/{user_id}", token, change).status_code == 200
        post(client, f"/staff/admin/users/{user_id}", token, {"action": "enable"})
        dead = client.post("/api/service-points/cab1/call-next", headers=api)
        assert dead.status_code == 401, change  # and re-enabling brings no old token back
