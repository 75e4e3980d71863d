"""The JSON API through Starlette's TestClient on a real SQLite file."""

from __future__ import annotations

from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from kezek.queue.clock import ManualClock


def issue(client: TestClient, service: str = "registration", **extra: object) -> dict:
    response = client.post("/api/tickets", json={"service": service, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def test_issue_numbers_and_position(client: TestClient) -> None:
    first = issue(client)
    second = issue(client, lang="ru")
    assert (first["code"], second["code"]) == ("А-001", "А-002")
    assert (first["position"], second["position"]) == (1, 2)
    assert second["status"] == "waiting" and second["lang"] == "ru"
    assert second["status_url"].startswith("http://testserver/t/")
    # The visitor chose Russian: the phone page of the ticket speaks it without being told.
    phone = BeautifulSoup(client.get(second["status_url"]).text, "html.parser")
    assert phone.html is not None and phone.html["lang"] == "ru"
    assert phone.select_one(".phone-place").get_text() == "Ваше место в очереди: 2"  # type: ignore[union-attr]
    token = second["status_url"].rsplit("/", 1)[1]
    assert client.get(f"/api/tickets/by-token/{token}").json()["position"] == 2


def test_unknown_service_is_422_in_the_visitors_language(client: TestClient) -> None:
    response = client.post(
        "/api/tickets", json={"service": "nope"}, headers={"accept-language": "ru"}
    )
    assert response.status_code == 422
    assert response.json() == {"error": "unknown_service", "message": "Неизвестная услуга nope."}
    kazakh = client.post(
        "/api/tickets", json={"service": "nope"}, headers={"accept-language": "kk"}
    )
    assert kazakh.json()["message"] == "nope деген қызмет жоқ."


def test_closed_office_is_409_with_next_opening(client: TestClient, now: ManualClock) -> None:
    now.advance(days=4)  # Saturday 10:00: closed until Tuesday (§10)
    response = client.post(
        "/api/tickets", json={"service": "registration"}, headers={"accept-language": "kk"}
    )
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "closed"
    assert body["message"] == "Мекеме ашылады: 01.12, сейсенбі, сағат 09:00."
    assert body["next_opening"].startswith("2026-12-01T04:00:00")  # Tuesday 09:00 in Almaty


def test_bad_input_changes_nothing(client: TestClient) -> None:
    for body in (
        {},
        {"service": 5},
        {"service": "registration", "priority": "yes"},
        {"service": "x" * 10_000},
        {"service": "registration", "extra": 1},
        {"service": "registration", "lang": "de"},
    ):
        response = client.post("/api/tickets", json=body)
        assert response.status_code in (413, 422), body
        assert response.json()["message"]
    assert client.post("/api/tickets", content=b"not json").status_code == 422
    assert client.get("/api/queue").json()["services"][0]["waiting"] == 0


def test_same_request_id_gives_the_same_ticket(client: TestClient) -> None:
    a = issue(client, request_id="tap-123456")
    b = issue(client, request_id="tap-123456")
    assert a["id"] == b["id"]
    assert issue(client)["code"] == "А-002"


def test_staff_routes_need_a_token(client: TestClient) -> None:
    ticket = issue(client)
    assert client.post("/api/service-points/cab1/call-next").status_code == 401
    bad = {"authorization": "Bearer kz_wrong"}
    assert client.post("/api/service-points/cab1/call-next", headers=bad).status_code == 401
    assert client.post(f"/api/tickets/{ticket['id']}/finish", headers=bad).status_code == 401


def test_call_serve_and_transfer(client: TestClient, clerk_token: str, now: ManualClock) -> None:
    auth = {"authorization": f"Bearer {clerk_token}"}
    first = issue(client)
    now.advance(minutes=5)
    called = client.post("/api/service-points/cab1/call-next", headers=auth)
    assert called.status_code == 200
    assert called.json()["code"] == first["code"] and called.json()["service_point"] == "cab1"
    # The cabinet has a ticket in hand: calling again is refused until it is dealt with.
    assert client.post("/api/service-points/cab1/call-next", headers=auth).status_code == 409
    assert (
        client.post(f"/api/tickets/{first['id']}/start", headers=auth).json()["status"] == "serving"
    )
    moved = client.post(
        f"/api/tickets/{first['id']}/transfer", json={"service": "certificate"}, headers=auth
    )
    assert moved.status_code == 200
    assert moved.json()["code"] == first["code"] and moved.json()["status"] == "waiting"
    assert moved.json()["service"] == "certificate"
    # Cabinet 4 does not serve certificates (profile); cabinet 1 does.
    assert client.post("/api/service-points/cab4/call-next", headers=auth).status_code == 204
    again = client.post("/api/service-points/cab1/call-next", headers=auth)
    assert again.json()["id"] == moved.json()["id"]
    assert client.post(f"/api/tickets/{first['id']}/finish", headers=auth).status_code == 409
    done = client.post(f"/api/tickets/{moved.json()['id']}/finish", headers=auth)
    assert done.json()["status"] == "served"


def test_call_specific_needs_a_reason_and_a_point_that_serves_it(
    client: TestClient, clerk_token: str
) -> None:
    auth = {"authorization": f"Bearer {clerk_token}"}
    issue(client)
    cert = issue(client, "certificate")
    url = f"/api/service-points/cab4/call/{cert['id']}"
    assert client.post(url, json={"reason": ""}, headers=auth).status_code == 422
    refused = client.post(url, json={"reason": "elderly visitor"}, headers=auth)
    assert refused.status_code == 409
    ok = client.post(
        f"/api/service-points/cab1/call/{cert['id']}",
        json={"reason": "elderly visitor"},
        headers=auth,
    )
    assert ok.status_code == 200 and ok.json()["status"] == "called"


def test_unknown_ticket_point_and_action(client: TestClient, clerk_token: str) -> None:
    auth = {"authorization": f"Bearer {clerk_token}"}
    assert client.get("/api/tickets/999", headers=auth).status_code == 404
    assert client.get("/api/tickets/99999999999999999999999", headers=auth).status_code == 404
    assert client.post("/api/service-points/nope/call-next", headers=auth).status_code == 404
    ticket = issue(client)
    assert client.post(f"/api/tickets/{ticket['id']}/explode", headers=auth).status_code == 404


def test_queue_summary(client: TestClient, now: ManualClock) -> None:
    issue(client)
    now.advance(minutes=12)
    issue(client)
    rows = {row["service"]: row for row in client.get("/api/queue").json()["services"]}
    assert rows["registration"]["waiting"] == 2
    assert rows["registration"]["oldest_wait_minutes"] == 12
    assert rows["certificate"]["waiting"] == 0


def test_openapi_document(client: TestClient) -> None:
    doc = client.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert "/api/service-points/{code}/call-next" in doc["paths"]


def test_security_headers(client: TestClient) -> None:
    response = client.get("/api/queue")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert "server" not in response.headers
