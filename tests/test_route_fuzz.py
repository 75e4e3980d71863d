"""Issue 14 §7, from the route table: every route, every path parameter and every query
parameter the app reads, with hostile values (2^63, −1, "²", NUL, 10k characters, a bad
date, a non-UTF-8 percent-escape) and wrong or broken bodies, as anonymous, clerk and admin:
never a 5xx, never a traceback, and a hostile path is a clear 4xx. A route added later is
walked too."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.test_security import STREAMS, concrete, routes
from tests.test_staff_flow import csrf_of, login

HOSTILE = [
    str(2**63),
    "-1",
    "%C2%B2",  # "²": a digit to str.isdigit
    "%00",
    "x" * 10_000,
    "2026-13-45",
    "%FF%FE",  # not UTF-8
    "..%2F..%2Fetc%2Fpasswd",
]
# Every query parameter the app reads (lang, next, the report's period, the audit's card …).
QUERY = [
    "lang", "next", "period", "year", "quarter", "month", "from", "to", "card", "n",
    "saved", "printed", "last_event_id",
]  # fmt: skip
# All of them at once, except the 10k value: a URL has a length limit, so that one goes a few
# at a time. (One URL per value instead of four halves the test's time.)
GROUPS = [QUERY[i : i + 4] for i in range(0, len(QUERY), 4)]
LONG = HOSTILE[4]
SANE = {"ticket_id": "1", "code": "cab1", "token": "t" * 20, "action": "finish", "path": "x"}
SKIP = STREAMS | {"staff_logout"}  # streams never end; a logout would end the session


def targets(app) -> Iterator[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    """(method, url, route name, what is hostile) for every route and hostile value."""
    for path, name, methods in routes(app.routes):
        if name in SKIP:
            continue
        params = re.findall(r"{(\w+)(?::\w+)?}", path)
        for method in sorted(methods):
            if method == "POST":  # wrong and broken bodies
                for kind in BODIES:
                    yield method, concrete(path, SANE), name, kind
            for value in HOSTILE:
                for param in params:
                    yield method, concrete(path, {**SANE, param: value}), name, "path"
                for keys in GROUPS if value == LONG else [QUERY]:
                    query = "&".join(f"{key}={value}" for key in keys)
                    yield method, f"{concrete(path, SANE)}?{query}", name, "query"


BODIES = {
    "json": ("application/json", b'{"service": "\x00' + b"x" * 100),
    "multipart": ("multipart/form-data; boundary=zz", b"--zz\r\nContent-Disposition: form"),
    "form-as-json": ("application/json", b"csrf_token=1&service=registration"),
    "binary": ("application/octet-stream", b"\xff\xfe\x00" * 100),
}


def answer(
    client: TestClient, method: str, url: str, csrf: str | None, where: str
) -> httpx.Response:
    if where in BODIES:
        kind, body = BODIES[where]
        headers = {"content-type": kind, **({"x-csrf-token": csrf} if csrf else {})}
        return client.request(method, url, content=body, headers=headers, follow_redirects=False)
    data = {"csrf_token": csrf} if csrf and method == "POST" else None
    return client.request(method, url, data=data, follow_redirects=False)


@pytest.mark.parametrize("role", ["anonymous", "clerk", "admin"])
def test_hostile_values_in_every_parameter_of_every_route(
    client: TestClient, engine: Engine, office_id: int, role: str
) -> None:
    csrf = None if role == "anonymous" else login(client, engine, office_id, f"fz_{role}", role)
    failures = []
    count = 0
    for method, url, name, where in targets(client.app):
        response = answer(client, method, url, csrf, where)
        count += 1
        status = response.status_code
        body = response.text[:20_000]
        if status >= 500 or "Traceback" in body:
            failures.append((status, method, url[:120], name))
        elif where == "path" and status < 400:
            # A hostile path is refused, or (anonymous, staff page) sent to the login.
            to_login = status == 303 and "/staff/login" in response.headers.get("location", "")
            if not to_login:
                failures.append((status, method, url[:120], name))
        if role != "anonymous" and client.cookies.get("kezek_staff") is None:
            csrf = login(client, engine, office_id, f"fz_{role}", role, create=False)
        elif csrf is not None and method == "POST":
            csrf = csrf_of(client) if name == "staff_login" else csrf
    assert count > 500
    assert failures == [], "\n".join(map(str, failures[:40]))
