"""Issue 14 §5: API tokens are created with an expiry and a scope, listed and revoked (CLI
and admin pages), stored hashed, and act only as the console lets their user act."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from kezek import db
from kezek.cli import main
from kezek.queue.clock import ManualClock
from kezek.queue.models import ApiToken
from tests.conftest import make_user
from tests.test_staff_access import post
from tests.test_staff_flow import login, soup


def kezek(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as done:
        main(list(argv))
    out = capsys.readouterr()
    return int(done.value.code or 0), out.out + out.err


@pytest.fixture
def cli_env(
    monkeypatch: pytest.MonkeyPatch, database_url: str, profile_name: str
) -> Iterator[None]:
    """``kezek …`` in this process; the engines each command makes (a process of its own
    would just exit) are closed after the test."""
    monkeypatch.setenv("KEZEK_DATABASE_URL", database_url)
    monkeypatch.setenv("KEZEK_PROFILE", profile_name)
    made: list[Engine] = []
    real = db.make_engine

    def make_engine(*args: Any, **kwargs: Any) -> Engine:
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(db, "make_engine", make_engine)
    yield
    for engine in made:
        engine.dispose()


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def issue(client: TestClient, service: str = "registration") -> dict:  # type: ignore[type-arg]
    taken = client.post("/api/tickets", json={"service": service})
    assert taken.status_code == 201, taken.text
    return taken.json()  # type: ignore[no-any-return]


def test_the_cli_creates_lists_and_revokes_tokens_stored_hashed(
    client: TestClient, engine: Engine, office_id: int, cli_env: None, capsys
) -> None:  # type: ignore[no-untyped-def]
    make_user(engine, office_id, "clerk4", "clerk")
    code, out = kezek(capsys, "token", "create", "clerk4", "--expires", "30", "--points", "cab4")
    assert code == 0
    secret = out.strip()
    assert secret.startswith("kz_")
    with db.reading(engine) as session:
        row = session.exec(select(ApiToken)).one()
    assert row.token_hash != secret and secret not in row.token_hash  # only its hash is kept
    assert row.points == "cab4" and row.expires_at is not None
    assert (row.expires_at - row.created_at).days == 30  # type: ignore[operator]
    assert (
        client.post("/api/service-points/cab4/call-next", headers=bearer(secret)).status_code == 204
    )
    code, out = kezek(capsys, "token", "list")
    line = next(x for x in out.splitlines() if "clerk4" in x)
    assert line.split()[0] == str(row.id) and "cab4" in line and "never" not in line  # used
    code, out = kezek(capsys, "token", "list", "nobody")
    assert "clerk4" not in out
    assert kezek(capsys, "token", "revoke", str(row.id))[0] == 0
    assert (
        client.post("/api/service-points/cab4/call-next", headers=bearer(secret)).status_code == 401
    )
    assert "clerk4" not in kezek(capsys, "token", "list")[1]
    code, out = kezek(capsys, "token", "revoke", str(row.id))
    assert code == 2 and "no live token" in out
    code, out = kezek(capsys, "token", "create", "clerk4", "--points", "cab9")
    assert code == 2 and "unknown service point 'cab9'" in out
    code, out = kezek(capsys, "token", "create", "clerk4", "--expires", "0")
    assert code == 2 and "1 to 730 days" in out


def test_a_token_expires(
    client: TestClient, engine: Engine, office_id: int, now: ManualClock
) -> None:
    from kezek import tokens
    from kezek.queue.models import User

    make_user(engine, office_id, "clerk4", "clerk")
    with db.transaction(engine) as session:
        user = session.exec(select(User).where(User.username == "clerk4")).one()
        secret = tokens.create(session, user, days=2, now=now()).secret
    url = "/api/service-points/cab1/call-next"
    assert client.post(url, headers=bearer(secret)).status_code == 204
    now.advance(days=2)
    assert client.post(url, headers=bearer(secret)).status_code == 401


def test_a_scoped_token_acts_only_on_its_points(
    client: TestClient, engine: Engine, office_id: int, cli_env: None, capsys
) -> None:  # type: ignore[no-untyped-def]
    make_user(engine, office_id, "clerk4", "clerk")
    secret = kezek(capsys, "token", "create", "clerk4", "--points", "cab4")[1].strip()
    ticket = issue(client)
    refused = client.post(
        "/api/service-points/cab1/call-next", headers={**bearer(secret), "accept-language": "ru"}
    )
    assert refused.status_code == 403 and "cab1" in refused.json()["message"]
    assert "Токен" in refused.json()["message"]  # in the request's language
    assert (
        client.get(f"/api/tickets/{ticket['id']}", headers=bearer(secret)).json()["status"]
        == "waiting"
    )


def test_a_clerks_token_is_held_to_the_consoles_ownership_rules(
    client: TestClient, engine: Engine, office_id: int, clerk_token: str
) -> None:
    """clerk1 sits at cab1 in the console and calls a ticket; clerk4's token can neither
    call to cab1 nor mark clerk1's ticket a no-show — the console refuses both too."""
    first, second = issue(client), issue(client)
    csrf = login(client, engine, office_id, "clerk4b", "clerk")
    post(client, "/staff/point", csrf, {"point": "cab1"})
    assert post(client, "/staff/call-next", csrf).status_code == 200
    mine = bearer(clerk_token)  # clerk1's token; clerk4b holds cab1 today
    held = client.post("/api/service-points/cab1/call-next", headers=mine)
    assert held.status_code == 403 and "Clerk4B" in held.json()["message"]
    assert client.post(f"/api/tickets/{first['id']}/no-show", headers=mine).status_code == 403
    called = client.post(
        f"/api/service-points/cab1/call/{second['id']}", json={"reason": "r"}, headers=mine
    )
    assert called.status_code == 403
    # clerk1 takes cab4 through the API; clerk4b's console cannot act on its ticket either.
    assert client.post("/api/service-points/cab4/call-next", headers=mine).status_code == 200
    with db.reading(engine) as session:
        from kezek.queue.models import Ticket

        at_cab4 = session.exec(select(Ticket).where(Ticket.status == "called")).all()
    theirs = next(t for t in at_cab4 if t.id == second["id"])
    refused = post(client, f"/staff/tickets/{theirs.id}/no-show", csrf)
    assert refused.status_code == 409
    assert "handled at another service point" in soup(refused).get_text()
    taken = post(client, "/staff/point", csrf, {"point": "cab4"})
    assert taken.status_code == 409 and "Clerk1 works at this service point today" in taken.text
    assert client.post(f"/api/tickets/{second['id']}/finish", headers=mine).status_code == 200


def test_the_admin_pages_create_list_and_revoke_tokens(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    make_user(engine, office_id, "clerk4", "clerk")
    csrf = login(client, engine, office_id, "boss", "admin")
    page = soup(client.get("/staff/admin/tokens"))
    clerk4 = page.select_one("#token-user option:-soup-contains('clerk4')")
    assert clerk4 is not None
    made = post(
        client,
        "/staff/admin/tokens",
        csrf,
        {"user": clerk4["value"], "days": "7", "points": ["cab1", "cab4"]},
    )
    assert made.status_code == 201
    secret = soup(made).select_one("code.token-secret").get_text()  # type: ignore[union-attr]
    row = next(r for r in soup(made).select("table.tokens tbody tr") if "clerk4" in r.get_text())
    cells = [td.get_text(strip=True) for td in row.select("td")]
    assert cells[2] == "cab1, cab4" and cells[3] and cells[4] == "never"
    assert secret not in client.get("/staff/admin/tokens").text  # shown once
    assert (
        client.post("/api/service-points/cab4/call-next", headers=bearer(secret)).status_code == 204
    )
    revoke = soup(made).select_one(f"table.tokens form[action$='/tokens/{cells[0]}/revoke']")
    assert revoke is not None
    assert post(client, f"/staff/admin/tokens/{cells[0]}/revoke", csrf).status_code == 200
    assert (
        client.post("/api/service-points/cab4/call-next", headers=bearer(secret)).status_code == 401
    )
    bad = post(client, "/staff/admin/tokens", csrf, {"user": clerk4["value"], "days": "9999"})
    assert bad.status_code == 422
    clerk = login(client, engine, office_id, "clerk9", "clerk")
    assert post(client, "/staff/admin/tokens", clerk, {"user": "1", "days": "7"}).status_code == 403


def test_a_disabled_users_token_stops_at_once_though_grants_are_cached(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    """Issue 20: a token's grant is kept a few seconds (one database session less per
    request); disabling its user, or revoking it, still ends it on the next request."""
    from tests.conftest import make_token

    user_id = make_user(engine, office_id, "clerk4", "clerk")
    secret = make_token(engine, "clerk4")
    url = "/api/service-points/cab1/call-next"
    assert client.post(url, headers=bearer(secret)).status_code == 204
    assert client.post(url, headers=bearer(secret)).status_code == 204  # from the cache
    csrf = login(client, engine, office_id, "boss", "admin")
    assert (
        post(client, f"/staff/admin/users/{user_id}", csrf, {"action": "disable"}).status_code
        == 200
    )
    assert client.post(url, headers=bearer(secret)).status_code == 401
