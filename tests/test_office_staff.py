"""The staff pages of a second office under /o/<slug>/ (issue 16, finding 5): its cookies,
its redirects and its sessions stay under its own prefix; one office's session opens nothing
of the other's."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.conftest import PASSWORD, make_user
from tests.test_staff_flow import soup

DEMO = "/o/demo"


@pytest.fixture
def profile_name() -> str:
    return "kyzylzhar,demo"


def _login(client: TestClient, prefix: str, username: str, next_path: str = ""):  # type: ignore[no-untyped-def]
    page = client.get(f"{prefix}/staff/login{next_path}")
    assert page.status_code == 200
    token = soup(page).find("input", attrs={"name": "login_token"})["value"]
    sent_next = soup(page).find("input", attrs={"name": "next"})["value"]
    return client.post(
        f"{prefix}/staff/login",
        data={"username": username, "password": PASSWORD, "login_token": token, "next": sent_next},
        follow_redirects=False,
    )


def test_cookies_and_redirects_stay_in_the_second_office(
    client: TestClient, engine: Engine
) -> None:
    offices = client.app.state.offices  # type: ignore[attr-defined]
    make_user(engine, offices["demo"].office_id, "dclerk", "clerk")
    client.headers["accept-language"] = "en"

    form = client.get(f"{DEMO}/staff/login")
    assert f"Path={DEMO}/staff" in form.headers["set-cookie"]
    done = _login(client, DEMO, "dclerk")
    assert done.status_code == 303, done.text  # not "form expired"
    assert done.headers["location"] == f"{DEMO}/staff/"  # not into the first office
    assert f"Path={DEMO}/staff" in done.headers["set-cookie"]

    console = client.get(f"{DEMO}/staff/", follow_redirects=False)
    assert console.status_code == 200  # the session cookie is sent under the prefix
    assert "Dclerk" in console.text
    # The demo office's session opens nothing of the first office's staff pages.
    first = client.get("/staff/", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"].startswith("http://testserver/staff/login")


def test_a_protected_page_brings_the_clerk_back_to_it_in_the_same_office(
    client: TestClient, engine: Engine
) -> None:
    offices = client.app.state.offices  # type: ignore[attr-defined]
    make_user(engine, offices["demo"].office_id, "dclerk", "clerk")
    make_user(engine, offices["kyzylzhar"].office_id, "kclerk", "clerk")
    asked = client.get(f"{DEMO}/staff/password", follow_redirects=False)
    assert asked.headers["location"].startswith(f"http://testserver{DEMO}/staff/login?next=")
    done = _login(client, DEMO, "dclerk", "?next=" + f"{DEMO}/staff/password")
    assert done.headers["location"] == f"{DEMO}/staff/password"
    # A path of another office is no place to go back to: the office's own console.
    other = _login(client, DEMO, "dclerk", "?next=/staff/password")
    assert other.headers["location"] == f"{DEMO}/staff/"
    # A user of the first office cannot log in to the second one.
    refused = _login(client, DEMO, "kclerk")
    assert refused.status_code == 401
    logout_done = client.get("/staff/", follow_redirects=False)
    assert logout_done.status_code == 303
