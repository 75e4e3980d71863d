"""Printer faults end to end through the running server (uvicorn on 127.0.0.1): a refused,
silent, slow or paper-out kiosk printer never holds up a ticket; the clerk reprints once the
printer is back."""

from __future__ import annotations

import time

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from sqlmodel import select

from kezek import db
from kezek.printing.decode import decode_image
from kezek.queue.models import Ticket
from tests.conftest import LiveServer, wait_until
from tests.test_staff_flow import login
from tests.test_talons import FakePrinter, printer, profile_name, text_mode  # noqa: F401

pytestmark = pytest.mark.slow


def row(engine: Engine, code: str) -> Ticket:
    with db.reading(engine) as session:
        return session.exec(select(Ticket).where(Ticket.code == code)).one()


@pytest.mark.parametrize("printer", ["refused", "silent", "slow", "paper_out"], indirect=True)
def test_a_printer_fault_through_the_running_server(
    live_server: LiveServer,
    engine: Engine,
    printer: FakePrinter,  # noqa: F811  (the fixture imported above)
) -> None:
    fault = printer.mode
    with httpx.Client(base_url=live_server.url, timeout=10, follow_redirects=True) as http:
        start = BeautifulSoup(http.get("/kiosk/?lang=kk").text, "html.parser")
        request_id = start.select_one("input[name=request_id]")["value"]  # type: ignore[index]
        began = time.perf_counter()
        taken = http.post(
            "/kiosk/ticket",
            data={"service": "registration", "lang": "kk", "request_id": request_id},
        )
        took = time.perf_counter() - began
        assert taken.status_code == 201 and took < 1.0, (taken.status_code, took)
        code = BeautifulSoup(taken.text, "html.parser").select_one(".kiosk-code").get_text()  # type: ignore[union-attr]
        assert wait_until(lambda: row(engine, code).print_status == "failed", seconds=15), fault
        ticket = row(engine, code)
        assert ticket.status == "waiting"  # the ticket stays valid
        status = http.get(f"/kiosk/talon/{ticket.public_token}?lang=en&n=2").text
        assert f"remember your number: {code}" in status

        printer.mode = "ok"  # paper loaded, cable back
        if fault == "refused":
            printer.listen()
        jobs = len(printer.jobs)
        token = login(http, engine, ticket.office_id, "desk1", "clerk")  # type: ignore[arg-type]
        http.post("/staff/point", data={"csrf_token": token, "point": "cab1"})
        console = http.get("/staff/").text
        assert code in console  # the failed talon is listed for the clerk
        done = http.post(
            f"/staff/tickets/{ticket.id}/reprint", data={"csrf_token": token, "where": "kiosk"}
        )
        assert done.status_code == 200
        assert wait_until(lambda: row(engine, code).print_status == "printed", seconds=15)
        # The reprint is the job served once the printer was fixed: a slow printer's cut job
        # may end after it.
        assert wait_until(lambda: "ok" in printer.modes[jobs:])
        reprinted = printer.jobs[jobs + printer.modes[jobs:].index("ok")]
        assert decode_image(reprinted) is not None  # a whole raster talon arrived
