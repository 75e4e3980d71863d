"""Every documented operation, called for real: each answer matches the schema the OpenAPI
document gives for its status code, and every /api route is in the document (issue 12)."""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
from sqlalchemy.engine import Engine
from starlette.routing import Route
from starlette.testclient import TestClient

from kezek.queue.clock import ManualClock
from kezek.queue.models import Status
from tests.booking_helpers import iin_number, solved_challenge
from tests.conftest import enrol_device, make_token, make_user


def _checker(doc: dict[str, Any]):  # type: ignore[no-untyped-def]
    def check(method: str, path: str, response: Any) -> None:
        answers = doc["paths"][path][method]["responses"]
        code = str(response.status_code)
        assert code in answers, f"{method} {path}: {code} is not documented"
        content = answers[code].get("content")
        if content is None:
            assert not response.content, f"{method} {path}: {code} has a body"
            seen.add((method, path))
            return
        schema = {**content["application/json"]["schema"], "components": doc["components"]}
        errors = [
            e.message for e in jsonschema_rs.validator_for(schema).iter_errors(response.json())
        ]
        assert not errors, f"{method} {path} {code}: {errors}"
        seen.add((method, path))

    seen: set[tuple[str, str]] = set()
    check.seen = seen  # type: ignore[attr-defined]
    return check


def test_every_answer_matches_its_documented_schema(
    client: TestClient, clerk_token: str, engine: Engine, office_id: int, now: ManualClock
) -> None:
    doc = client.get("/api/openapi.json").json()
    check = _checker(doc)
    staff = {"authorization": f"Bearer {clerk_token}"}
    t = "/api/tickets/{ticket_id}"

    issued = client.post("/api/tickets", json={"service": "registration", "lang": "ru"})
    check("post", "/api/tickets", issued)
    check("post", "/api/tickets", client.post("/api/tickets", json={"service": "nope"}))
    ticket = issued.json()
    token = ticket["status_url"].rsplit("/", 1)[1]
    check("get", "/api/tickets/by-token/{token}", client.get(f"/api/tickets/by-token/{token}"))
    check("get", "/api/tickets/by-token/{token}", client.get(f"/api/tickets/by-token/{'x' * 20}"))
    late = "/api/tickets/by-token/{token}/late"  # issue 17: nobody behind, 409
    check("post", late, client.post(f"/api/tickets/by-token/{token}/late"))
    check("post", late, client.post(f"/api/tickets/by-token/{'x' * 20}/late"))
    check("get", t, client.get(f"/api/tickets/{ticket['id']}", headers=staff))
    check("get", t, client.get(f"/api/tickets/{ticket['id']}"))
    check("get", "/api/queue", client.get("/api/queue"))

    nxt = "/api/service-points/{code}/call-next"
    check("post", nxt, client.post("/api/service-points/cab1/call-next", headers=staff))
    check("post", nxt, client.post("/api/service-points/cab1/call-next", headers=staff))  # 204
    check("post", nxt, client.post("/api/service-points/nope/call-next", headers=staff))
    for action in ("recall", "start", "finish"):
        path = f"/api/tickets/{ticket['id']}/{action}"
        check("post", f"{t}/{action}", client.post(path, headers=staff))
    again = client.post(f"/api/tickets/{ticket['id']}/finish", headers=staff)
    assert again.status_code == 409
    check("post", f"{t}/finish", again)

    # Next in one action: finish the one in hand, call the next (issue 17).
    nxt1 = "/api/service-points/{code}/next"
    check("post", nxt1, client.post("/api/service-points/cab1/next", headers=staff))
    check("post", nxt1, client.post("/api/service-points/cab1/next", headers=staff))  # 204
    other = client.post("/api/tickets", json={"service": "registration"}).json()
    chosen = client.post(
        f"/api/service-points/cab1/call/{other['id']}", json={"reason": "asked"}, headers=staff
    )
    check("post", "/api/service-points/{code}/call/{ticket_id}", chosen)
    moved = client.post(
        f"/api/tickets/{other['id']}/transfer", json={"service": "vacancies"}, headers=staff
    )
    check("post", f"{t}/transfer", moved)
    bad = client.post(f"/api/tickets/{other['id']}/transfer", json={"service": 5}, headers=staff)
    check("post", f"{t}/transfer", bad)
    for action in ("no-show", "cancel"):
        fresh = client.post("/api/tickets", json={"service": "certificate"}).json()
        check(
            "post",
            f"{t}/{action}",
            client.post(f"/api/tickets/{fresh['id']}/{action}", headers=staff),
        )

    # Issue 17: pause and resume the point; a no-show comes back.
    pz, rs = "/api/service-points/{code}/pause", "/api/service-points/{code}/resume"
    at_cab1 = "/api/service-points/cab1"
    check("post", pz, client.post(f"{at_cab1}/pause", json={"reason": "break"}, headers=staff))
    check("post", pz, client.post(f"{at_cab1}/pause", json={"reason": "break"}, headers=staff))
    check("post", pz, client.post(f"{at_cab1}/pause", json={"reason": "nap"}, headers=staff))
    check("post", rs, client.post(f"{at_cab1}/resume", headers=staff))
    check("post", rs, client.post(f"{at_cab1}/resume", headers=staff))
    late = client.post("/api/tickets", json={"service": "registration"}).json()
    client.post(f"{at_cab1}/call/{late['id']}", json={"reason": "late one"}, headers=staff)
    client.post(f"/api/tickets/{late['id']}/no-show", headers=staff)
    back = client.post(f"/api/tickets/{late['id']}/return", headers=staff)
    assert back.status_code == 200, back.text
    check("post", f"{t}/return", back)
    check("post", f"{t}/return", client.post(f"/api/tickets/{late['id']}/return", headers=staff))
    # Issue 17: the statistics per clerk and per cabinet, for supervisors.
    make_user(engine, office_id, "head", "supervisor")
    head = {"authorization": f"Bearer {make_token(engine, 'head')}"}
    stats = "/api/stats/clerks"
    period = "?from=2026-01-01&to=2026-12-31"
    check("get", stats, client.get(stats + period, headers=head))
    check("get", stats, client.get(stats + period))  # 401
    check("get", stats, client.get(stats + period, headers=staff))  # 403: a clerk's token
    check("get", stats, client.get(stats + "?from=2026-12-31&to=2026-01-01", headers=head))
    # Issue 17: the hall's notice, for supervisors.
    msg = "/api/displays/message"
    notice = {"text": {"kk": "№3 кабинет жабық", "ru": "Кабинет №3 закрыт"}, "minutes": 30}
    check("post", msg, client.post(msg, json=notice, headers=head))  # 201
    check("post", msg, client.post(msg, json=notice))  # 401
    check("post", msg, client.post(msg, json=notice, headers=staff))  # 403
    check("post", msg, client.post(msg, json={**notice, "minutes": 481}, headers=head))  # 422
    check("post", msg, client.post(msg, content=b"x" * 5000, headers=head))  # 413
    check("delete", msg, client.delete(msg, headers=head))  # 204
    check("delete", msg, client.delete(msg, headers=head))  # 409: none shown
    check("delete", msg, client.delete(msg))  # 401
    check("delete", msg, client.delete(msg, headers=staff))  # 403
    # Issue 19: the plan, for a supervisor's token only (no history here: a quiet day).
    forecast = "/api/forecast?date=2026-11-27"
    check("get", "/api/forecast", client.get(forecast))
    check("get", "/api/forecast", client.get(forecast, headers=staff))
    check("get", "/api/forecast", client.get("/api/forecast?date=x", headers=staff))
    make_user(engine, office_id, "planner", "supervisor")
    head = {"authorization": f"Bearer {make_token(engine, 'planner')}"}
    check("get", "/api/forecast", client.get("/api/forecast?date=x", headers=head))
    check("get", "/api/forecast", client.get(forecast, headers=head))

    _bookings(client, check, engine, office_id, now)
    documented = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert documented - check.seen == set(), "documented operations never called"  # type: ignore[attr-defined]


def _bookings(  # type: ignore[no-untyped-def]
    client: TestClient, check, engine: Engine, office_id: int, now: ManualClock
) -> None:
    """Issue 18: the booking operations, each status the document names that a client meets."""
    check("get", "/api/slots", client.get("/api/slots?service=registration&date=2026-11-24"))
    check("get", "/api/slots", client.get("/api/slots?service=nope&date=2026-11-24"))
    check("get", "/api/bookings/challenge", client.get("/api/bookings/challenge"))
    body = {"service": "registration", "date": "2026-11-24", "start": "11:00"}
    made = client.post(
        "/api/bookings", json=body | {"iin": iin_number(1), "challenge": solved_challenge(client)}
    )
    check("post", "/api/bookings", made)
    full = body | {"iin": iin_number(2), "challenge": solved_challenge(client)}
    check("post", "/api/bookings", client.post("/api/bookings", json=full))
    check("post", "/api/bookings", client.post("/api/bookings", json=body | {"iin": "1"}))
    code = made.json()["code"]
    c = "/api/bookings/{code}/cancel"
    check("post", c, client.post(f"/api/bookings/{code}/cancel", json={"token": "x"}))
    ci = "/api/bookings/{code}/check-in"
    check("post", ci, client.post(f"/api/bookings/{code}/check-in"))  # 403: not a kiosk
    enrol_device(engine, office_id, "kiosk", client)
    check("post", ci, client.post(f"/api/bookings/{code}/check-in"))  # 409: too early
    check("post", ci, client.post("/api/bookings/0000-0000/check-in"))  # 404
    now.advance(minutes=45)
    check("post", ci, client.post(f"/api/bookings/{code}/check-in"))  # 201
    token = made.json()["manage_url"].split("?t=")[1]
    check("post", c, client.post(f"/api/bookings/{code}/cancel", json={"token": token}))  # 409
    other = body | {"start": "11:30", "iin": iin_number(3), "challenge": solved_challenge(client)}
    again = client.post("/api/bookings", json=other).json()
    mine = again["manage_url"].split("?t=")[1]
    m, moving = "/api/bookings/{code}/move", f"/api/bookings/{again['code']}/move"
    to = {"date": "2026-11-24", "start": "12:00"}
    check("post", m, client.post(moving, json=to | {"token": "x"}))  # 403
    check("post", m, client.post(moving, json=to | {"token": mine, "start": "11:00"}))  # 409
    check("post", m, client.post(moving, json=to | {"token": mine, "date": "2026-11-23"}))  # 422
    check("post", m, client.post(moving, json=to | {"token": mine}))  # 200
    check("post", c, client.post(f"/api/bookings/{again['code']}/cancel", json={"token": mine}))


def test_every_api_route_is_documented(client: TestClient) -> None:
    doc = client.get("/api/openapi.json").json()
    mount = next(r for r in client.app.routes if getattr(r, "path", "") == "/api")  # type: ignore[attr-defined]
    documented = {re.sub(r"\{(\w+)\}", "{}", path) for path in doc["paths"]}
    for route in mount.routes:
        assert isinstance(route, Route)
        path = re.sub(r"\{(\w+)(:\w+)?\}", "{}", "/api" + route.path)
        if route.name == "api_openapi":
            continue
        if path == "/api/tickets/{}/{}":  # one route, one documented path per action
            assert {p for p in documented if p.startswith("/api/tickets/{}/")} >= {
                "/api/tickets/{}/finish"
            }
            continue
        assert path in documented, f"{route.name} {path} is not in the OpenAPI document"


def test_the_status_enum_is_the_models() -> None:
    from kezek.api.openapi import openapi

    assert openapi()["components"]["schemas"]["Status"]["enum"] == [s.value for s in Status]
