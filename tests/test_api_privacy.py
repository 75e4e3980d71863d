"""Issue 14 §1: a ticket's public read is by its token only; ids are for staff."""

from __future__ import annotations

from starlette.testclient import TestClient

from kezek.api.openapi import openapi


def test_the_id_read_is_for_staff_only(client: TestClient, clerk_token: str) -> None:
    ticket = client.post("/api/tickets", json={"service": "registration"}).json()
    anonymous = client.get(f"/api/tickets/{ticket['id']}")
    assert anonymous.status_code == 401
    assert "status_url" not in anonymous.text and "/t/" not in anonymous.text
    staff = client.get(
        f"/api/tickets/{ticket['id']}", headers={"authorization": f"Bearer {clerk_token}"}
    )
    assert staff.status_code == 200
    assert staff.json()["code"] == ticket["code"]
    assert "status_url" not in staff.json()  # staff never need the visitor's token


def test_a_loop_over_ids_learns_no_token(client: TestClient) -> None:
    tokens = set()
    for _ in range(3):
        taken = client.post("/api/tickets", json={"service": "registration"}).json()
        tokens.add(taken["status_url"].rsplit("/", 1)[1])
    for ticket_id in range(1, 6):
        answer = client.get(f"/api/tickets/{ticket_id}")
        assert answer.status_code in (401, 404)
        assert not any(token in answer.text for token in tokens)


def test_only_the_issuing_request_learns_the_token(client: TestClient, clerk_token: str) -> None:
    taken = client.post("/api/tickets", json={"service": "registration"}).json()
    token = taken["status_url"].rsplit("/", 1)[1]
    auth = {"authorization": f"Bearer {clerk_token}"}
    called = client.post("/api/service-points/cab1/call-next", headers=auth)
    assert called.status_code == 200 and token not in called.text
    followed = client.get(f"/api/tickets/by-token/{token}")
    assert followed.status_code == 200
    assert followed.json()["status"] == "called" and followed.json()["service_point"] == "cab1"
    assert token not in followed.text
    assert client.get("/api/tickets/by-token/" + "x" * 32).status_code == 404


def test_public_answers_never_show_priority(client: TestClient, clerk_token: str) -> None:
    taken = client.post("/api/tickets", json={"service": "registration", "priority": True})
    assert taken.status_code == 201 and "priority" not in taken.json()
    token = taken.json()["status_url"].rsplit("/", 1)[1]
    assert "priority" not in client.get(f"/api/tickets/by-token/{token}").json()
    staff = client.get(
        f"/api/tickets/{taken.json()['id']}", headers={"authorization": f"Bearer {clerk_token}"}
    )
    assert staff.json()["priority"] is True  # the clerk must know (§11)


def test_the_openapi_document_says_so() -> None:
    paths = openapi()["paths"]
    assert paths["/api/tickets/{ticket_id}"]["get"]["security"] == [{"bearer": []}]
    assert "401" in paths["/api/tickets/{ticket_id}"]["get"]["responses"]
    assert "get" in paths["/api/tickets/by-token/{token}"]
    public = openapi()["components"]["schemas"]["PublicTicket"]["properties"]
    assert "priority" not in public
