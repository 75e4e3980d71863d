"""``/metrics`` (issue 16): the numbers after real actions — tickets taken at the kiosk and
printed on a (fake) network printer, one called through the API after 45 minutes — read
back from the Prometheus text that a supervisor's token gets."""

from __future__ import annotations

import httpx
import pytest
from bs4 import BeautifulSoup
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek.queue.clock import ManualClock
from tests.conftest import PASSWORD, LiveServer, make_token, make_user, wait_until
from tests.test_talons import FakePrinter, printer, profile_name, take, text_mode  # noqa: F401

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def scrape(client: TestClient | httpx.Client, token: str) -> Samples:
    answer = client.get("/metrics", headers={"authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    return parse(answer.text)


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_only_a_supervisor_or_admin_token_reads_the_metrics(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    make_user(engine, office_id, "clerk1", "clerk")
    make_user(engine, office_id, "head", "supervisor")
    assert client.get("/metrics").status_code == 401
    clerk = {"authorization": f"Bearer {make_token(engine, 'clerk1')}"}
    assert client.get("/metrics", headers=clerk).status_code == 403
    assert (
        "kezek_tickets_issued_total"
        in client.get(
            "/metrics", headers={"authorization": f"Bearer {make_token(engine, 'head')}"}
        ).text
    )


def test_the_numbers_after_real_actions(
    client: TestClient,
    engine: Engine,
    office_id: int,
    now: ManualClock,
    printer: FakePrinter,  # noqa: F811  (the fixture imported above)
) -> None:
    make_user(engine, office_id, "clerk1", "clerk")
    make_user(engine, office_id, "boss", "admin")
    clerk = {"authorization": f"Bearer {make_token(engine, 'clerk1')}"}
    boss = make_token(engine, "boss")
    for service in ("registration", "registration", "vacancies"):
        take(client, service=service)
    now.advance(minutes=45)  # past the 40-minute target (appendix 1.2)
    called = client.post("/api/service-points/cab1/call-next", headers=clerk)
    assert called.status_code == 200, called.text
    assert wait_until(lambda: len(printer.jobs) == 3)

    office = {"office": "kyzylzhar"}
    reg, vac = {**office, "service": "registration"}, {**office, "service": "vacancies"}
    found = wait_until(
        lambda: (
            (s := scrape(client, boss))
            and value(
                s, "kezek_print_jobs_total", printer="kiosk/lobby", outcome="printed", **office
            )
            == 3
            and s
        )
    )
    assert value(found, "kezek_tickets_issued_total", **reg) == 2
    assert value(found, "kezek_tickets_issued_total", **vac) == 1
    assert value(found, "kezek_tickets_called_total", **reg) == 1
    assert value(found, "kezek_tickets_called_total", **vac) == 0
    assert value(found, "kezek_waiting", **reg) == 1
    assert value(found, "kezek_waiting", **vac) == 1
    assert value(found, "kezek_longest_wait_seconds", **vac) == 45 * 60
    assert value(found, "kezek_wait_target_seconds", **reg) == 40 * 60
    # The one wait (45 min) is over the target: not in the 2400 s bucket, in the 3600 s one.
    assert value(found, "kezek_wait_seconds_bucket", le="1800.0", **reg) == 0
    assert value(found, "kezek_wait_seconds_bucket", le="2400.0", **reg) == 0
    assert value(found, "kezek_wait_seconds_bucket", le="3600.0", **reg) == 1
    assert value(found, "kezek_wait_seconds_count", **reg) == 1
    assert value(found, "kezek_wait_seconds_sum", **reg) == 45 * 60
    # Latency per route template, never per raw path.
    route = {"method": "POST", "route": "/api/service-points/{code}/call-next"}
    assert value(found, "kezek_request_seconds_count", **route) == 1
    assert value(found, "kezek_request_seconds_count", method="POST", route="/kiosk/ticket") == 3
    assert not [k for k in found if ("route", "/api/service-points/cab1/call-next") in k[1]]
    assert value(found, "kezek_open_streams", kind="display", **office) == 0


@pytest.mark.parametrize("printer", ["paper_out"], indirect=True)
def test_a_printer_out_of_paper_is_counted_and_shown_in_readyz(
    client: TestClient,
    engine: Engine,
    office_id: int,
    printer: FakePrinter,  # noqa: F811
) -> None:
    make_user(engine, office_id, "boss", "admin")
    boss = make_token(engine, "boss")
    take(client)
    labels = {"office": "kyzylzhar", "printer": "kiosk/lobby", "outcome": "paper_out"}
    assert wait_until(lambda: value(scrape(client, boss), "kezek_print_jobs_total", **labels) == 1)
    ready = client.get("/readyz")
    assert ready.status_code == 200  # the kiosk still issues numbers: a warning, not a failure
    lobby = [c for c in ready.json()["checks"] if c["name"] == "printer kiosk/lobby"]
    assert lobby[0]["status"] == "warn" and lobby[0]["detail"] == "out of paper"


def test_open_display_and_console_streams_are_counted(
    live_server: LiveServer, engine: Engine, office_id: int
) -> None:
    make_user(engine, office_id, "clerk1", "clerk")
    make_user(engine, office_id, "boss", "admin")
    boss = make_token(engine, "boss")
    office = {"office": "kyzylzhar"}

    def streams(scraper: httpx.Client) -> tuple[float, float]:
        found = scrape(scraper, boss)
        return (
            value(found, "kezek_open_streams", kind="display", **office),
            value(found, "kezek_open_streams", kind="console", **office),
        )

    with (
        httpx.Client(base_url=live_server.url, timeout=10) as desk,
        httpx.Client(base_url=live_server.url, timeout=10) as hall,
        httpx.Client(base_url=live_server.url, timeout=10) as scraper,
    ):
        form = BeautifulSoup(desk.get("/staff/login").text, "html.parser")
        token = form.select_one("input[name=login_token]")["value"]  # type: ignore[index]
        login = {"username": "clerk1", "password": PASSWORD, "login_token": token}
        assert desk.post("/staff/login", data=login).status_code == 303
        assert streams(scraper) == (0, 0)
        with hall.stream("GET", "/display/events"), desk.stream("GET", "/staff/events"):
            assert wait_until(lambda: streams(scraper) == (1, 1))
        assert wait_until(lambda: streams(scraper) == (0, 0))


def test_a_404_inside_a_mount_is_timed_as_unmatched(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    make_user(engine, office_id, "boss", "admin")
    assert client.get("/api/nothing-here").status_code == 404
    assert client.get("/kiosk/nothing/here").status_code == 404
    found = scrape(client, make_token(engine, "boss"))
    assert value(found, "kezek_request_seconds_count", method="GET", route="unmatched") == 2
