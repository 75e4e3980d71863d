"""Every kiosk prints on its own printer, and a burst of talons waits for its printer instead
of being refused (issue 20). Real loopback TCP printers (tests/test_talons.FakePrinter)."""

from __future__ import annotations

import secrets
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from kezek import db
from kezek.devices import enrolment, gate
from kezek.queue.clock import utcnow
from kezek.queue.models import Ticket
from kezek.settings import PROFILES_DIR, load_profile
from tests.conftest import wait_until
from tests.test_staff_flow import login
from tests.test_talons import FakePrinter

BURST = 120


class PacedPrinter(FakePrinter):
    """A printer that takes ``seconds`` per talon before it reads it, like a real one."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__("ok")

    def _serve(self, conn: socket.socket, mode: str) -> None:
        time.sleep(self.seconds)
        super()._serve(conn, mode)


@pytest.fixture
def lobby() -> Iterator[FakePrinter]:
    printer = PacedPrinter(0.1)  # a burst outruns it
    yield printer
    printer.close()


@pytest.fixture
def hall() -> Iterator[FakePrinter]:
    printer = FakePrinter("ok")
    yield printer
    printer.close()


@pytest.fixture
def profile_name(tmp_path: Path, lobby: FakePrinter, hall: FakePrinter) -> str:
    """Kyzylzhar with two kiosks, "lobby" and "hall", each with its own TCP printer."""
    text = (PROFILES_DIR / "kyzylzhar.toml").read_text(encoding="utf-8")
    text = text.replace(
        'lobby = "spool://var/spool/kiosk"',
        f'lobby = "tcp://127.0.0.1:{lobby.port}"\nhall = "tcp://127.0.0.1:{hall.port}"',
    )
    # A burst's queue runs past closing: issue anyway (§10 says so on the screen).
    text = text.replace("issue_past_closing = false", "issue_past_closing = true")
    path = tmp_path / "office.toml"
    path.write_text(text, encoding="utf-8")
    assert list(load_profile(str(path)).printers.kiosk) == ["lobby", "hall"]
    return str(path)


def tap(client: TestClient, kiosk: str = "", **headers: str) -> str:
    """Take a registration ticket at the kiosk's address; the code on its screen."""
    response = client.post(
        f"/kiosk/{kiosk}ticket",
        data={
            "service": "registration",
            "lang": "ru",
            "request_id": secrets.token_urlsafe(12),
            "confirm": "1",  # §10: a long queue runs past closing; take it anyway
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    found = BeautifulSoup(response.text, "html.parser").select_one(".kiosk-code")
    assert found is not None
    return found.get_text()


def statuses(engine: Engine) -> dict[str, str]:
    with db.reading(engine) as session:
        return {t.code: t.print_status for t in session.exec(select(Ticket))}


def test_two_kiosks_print_on_their_own_printers(
    client: TestClient, engine: Engine, office_id: int, lobby: FakePrinter, hall: FakePrinter
) -> None:
    start = client.get("/kiosk/hall/?lang=ru").text
    assert 'action="http://testserver/kiosk/hall/ticket"' in start  # the form stays on it
    at_hall = tap(client, "hall/")
    assert wait_until(lambda: statuses(engine).get(at_hall) == "printed")
    assert len(hall.jobs) == 1 and not lobby.jobs
    # An enrolled kiosk is named by its device: this one is "lobby".
    with db.transaction(engine) as session:
        cookie = enrolment.enrol_directly(session, office_id, "kiosk", "lobby", utcnow())
    client.cookies.set(gate.COOKIE, cookie)
    at_lobby = tap(client)
    assert wait_until(lambda: statuses(engine).get(at_lobby) == "printed")
    assert len(hall.jobs) == 1 and len(lobby.jobs) == 1
    assert at_lobby.encode() not in hall.jobs[0]  # talons are images: nothing to confuse
    assert client.get("/kiosk/nowhere/").status_code == 404


def test_the_clerk_reprints_a_talon_at_the_kiosk_it_came_from(
    client: TestClient, engine: Engine, office_id: int, lobby: FakePrinter, hall: FakePrinter
) -> None:
    """The hall kiosk's printer ran out of paper: once it is loaded, "reprint at the kiosk"
    prints where the visitor is standing, not on the lobby's printer."""
    hall.mode = "paper_out"
    code = tap(client, "hall/")
    assert wait_until(lambda: statuses(engine).get(code) == "failed")
    hall.mode = "ok"
    printed_before = len(hall.jobs)
    token = login(client, engine, office_id, "desk1", "clerk")
    client.post("/staff/point", data={"csrf_token": token, "point": "cab1"})
    assert code in client.get("/staff/").text  # listed for reprint
    with db.reading(engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.code == code)).one()
    done = client.post(
        f"/staff/tickets/{ticket.id}/reprint", data={"csrf_token": token, "where": "kiosk"}
    )
    assert done.status_code == 200
    assert wait_until(lambda: statuses(engine).get(code) == "printed")
    assert len(hall.jobs) == printed_before + 1 and not lobby.jobs


def test_a_printer_that_is_down_is_shown_on_its_own_kiosk_only(
    client: TestClient, hall: FakePrinter
) -> None:
    hall.close()  # the hall's printer is gone: its next talon fails

    def warned(kiosk: str) -> bool:
        page = BeautifulSoup(client.get(f"/kiosk/{kiosk}?lang=en").text, "html.parser")
        return page.select_one(".kiosk-warn") is not None

    tap(client, "hall/")
    assert wait_until(lambda: warned("hall/"))
    assert not warned("lobby/")


def test_a_burst_of_talons_waits_for_the_printer_and_none_is_lost(
    client: TestClient, engine: Engine, lobby: FakePrinter
) -> None:
    codes = [tap(client) for _ in range(BURST)]  # an unnamed kiosk: the first printer
    # The printer takes 0.1 s a talon: most of the burst waits in its queue.
    assert wait_until(lambda: "pending" not in statuses(engine).values(), seconds=BURST * 0.5)
    assert set(statuses(engine).values()) == {"printed"}
    assert len(codes) == len(set(codes)) == BURST
    assert len(lobby.jobs) == BURST
