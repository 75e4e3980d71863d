"""Issue 14 §1: a ticket's public read is by its token only; ids are for staff."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

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
    staff_only = {"authorization": f"Bearer {clerk_token}"}  # issue 14 §2: priority by staff
    taken = client.post(
        "/api/tickets", json={"service": "registration", "priority": True}, headers=staff_only
    )
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


def test_a_huge_body_is_refused_before_it_is_read(client: TestClient) -> None:
    pulled = []

    def body():  # type: ignore[no-untyped-def]
        for _ in range(200):
            pulled.append(1)
            yield b"x" * 1_000_000

    declared = client.post(
        "/api/tickets",
        content=body(),
        headers={"content-type": "application/json", "content-length": "200000000"},
    )
    assert declared.status_code == 413 and declared.json()["error"] == "too_large"
    assert len(pulled) <= 1  # 200 MB announced: not a megabyte more is read
    assert client.get("/api/queue").json()["services"][0]["waiting"] == 0


def test_a_chunked_body_is_not_read_past_the_limit(live_server) -> None:  # type: ignore[no-untyped-def]
    """No Content-Length (chunked): the server answers 413 once the limit is passed, while
    the client is still sending (before, it waited for all of it)."""
    url = urlsplit(live_server.url)
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(
            b"POST /api/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"x" * 16_384
        sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))  # and never the rest
        answer = sock.recv(200)
    assert answer.startswith(b"HTTP/1.1 413")
