"""The kiosk talon: built from a ticket, printed after the commit, decoded back from the bytes.

A loopback ESC/POS printer (``FakePrinter``, below) takes the jobs of the running app; the
fault cases (refused, silent, slow, out of paper) each end with the ticket issued within a
second, the failure recorded on the ticket, and a reprint that prints.
"""

from __future__ import annotations

import dataclasses
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from escpos.printer import Dummy
from PIL import Image, ImageChops
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from kezek import db
from kezek.cli import main as cli_main
from kezek.kiosk import printer_state, talon_content, talon_jobs
from kezek.printing.decode import decode_image
from kezek.printing.jobs import PrintFunction, PrintQueue
from kezek.printing.talons import KAZAKH_LETTERS, LocalizedText, font, render_queue_talon
from kezek.queue import tickets
from kezek.queue.clock import ManualClock
from kezek.queue.models import Ticket, TicketEvent
from kezek.settings import PROFILES_DIR, load_profile
from tests.conftest import wait_until

GS_V0 = b"\x1dv0"
DLE_EOT = b"\x10\x04"
ESC_T_KZ1048 = b"\x1bt\x35"  # text mode: code page 53
PAPER_BYTE = {"ok": 0x12, "near_end": 0x1E, "out": 0x72}  # DLE EOT 4 answers


class FakePrinter:
    """An ESC/POS network printer on 127.0.0.1 for tests.

    ``mode``: ``ok``; ``silent`` (accepts, never reads or answers); ``slow`` (reads 512 bytes
    every 50 ms through a small receive buffer); ``dying`` (answers the status query, then
    drops the connection once the talon starts); ``paper_out``; ``refused`` (not listening).
    It answers ``DLE EOT n`` in order with the rest of the stream and skips raster data, so
    image bytes that happen to spell ``DLE EOT`` are not taken for a query. The bytes of
    every connection that sent an image are kept in ``jobs``.
    """

    def __init__(self, mode: str = "ok", port: int = 0) -> None:
        self.mode = mode
        self.jobs: list[bytes] = []
        self.modes: list[str] = []  # the mode each of ``jobs`` was served in
        self.port = port
        self._stop = threading.Event()
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        if mode == "refused":
            with socket.socket() as probe:  # a port nobody listens on
                probe.bind(("127.0.0.1", 0))
                self.port = probe.getsockname()[1]
        else:
            self.listen()

    def listen(self) -> None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(8)
        sock.settimeout(0.1)
        self.port = sock.getsockname()[1]
        self._listener = sock
        self._spawn(self._accept, sock)

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self, sock: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._spawn(self._serve, conn, self.mode)

    def _serve(self, conn: socket.socket, mode: str) -> None:
        deadline = time.monotonic() + 15  # every connection ends, whatever the client does
        received = bytearray()
        position = 0
        with conn:
            conn.settimeout(0.1)
            while not self._stop.is_set() and time.monotonic() < deadline:
                if mode == "silent":
                    time.sleep(0.05)
                    continue
                try:
                    data = conn.recv(512 if mode == "slow" else 65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not data:
                    break
                received += data
                if mode == "dying" and GS_V0 in received:
                    break  # it answered the status query, then died mid-job
                position = self._answer(conn, received, position, mode)
                if mode == "slow":
                    time.sleep(0.05)
        if GS_V0 in received or ESC_T_KZ1048 in received:  # a talon, not a status reading
            self.jobs.append(bytes(received))
            self.modes.append(mode)

    @staticmethod
    def _answer(conn: socket.socket, data: bytearray, position: int, mode: str) -> int:
        while position < len(data):
            rest = bytes(data[position : position + 8])
            if rest.startswith(GS_V0):
                if len(rest) < 8:
                    return position
                size = int.from_bytes(rest[4:6], "little") * int.from_bytes(rest[6:8], "little")
                if len(data) < position + 8 + size:
                    return position
                position += 8 + size
            elif rest.startswith(DLE_EOT):
                if len(rest) < 3:
                    return position
                paper = PAPER_BYTE["out" if mode == "paper_out" else "ok"]
                answer = paper if rest[2] == 4 else 0x12  # online, and the paper sensor
                try:
                    conn.sendall(bytes([answer]))
                except OSError:
                    return len(data)
                position += 3
            elif len(rest) < 3 and (GS_V0.startswith(rest) or DLE_EOT.startswith(rest)):
                return position  # the start of a command: wait for the rest
            else:
                position += 1
        return position

    def close(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.close()
        for thread in self._threads:
            thread.join(timeout=2)


def same_image(a: Image.Image, b: Image.Image) -> bool:
    difference = ImageChops.difference(a.convert("L"), b.convert("L"))
    return a.size == b.size and difference.getbbox() is None


# --- fixtures: the office's kiosk printer is the fake one -------------------------------------


@pytest.fixture
def printer(request: pytest.FixtureRequest) -> Iterator[FakePrinter]:
    mode = getattr(request, "param", "ok")
    fake = FakePrinter(mode)
    yield fake
    fake.close()


@pytest.fixture
def text_mode(request: pytest.FixtureRequest) -> bool:
    return bool(getattr(request, "param", False))


@pytest.fixture
def profile_name(tmp_path: Path, printer: FakePrinter, text_mode: bool) -> str:
    """The Kyzylzhar profile with its lobby printer at the fake printer's address."""
    text = (PROFILES_DIR / "kyzylzhar.toml").read_text(encoding="utf-8")
    text = text.replace(
        'lobby = "spool://var/spool/kiosk"', f'lobby = "tcp://127.0.0.1:{printer.port}"'
    )
    if text_mode:
        text = text.replace("paper_width = 576", "paper_width = 576\ntext_mode = true")
    path = tmp_path / "office.toml"
    path.write_text(text, encoding="utf-8")
    assert load_profile(str(path)).printers.kiosk == {"lobby": f"tcp://127.0.0.1:{printer.port}"}
    return str(path)


def short_printers(print_fn: PrintFunction | None = None) -> PrintQueue:
    """A print queue with a one-second printer time-out, to keep the tests short."""
    return (
        PrintQueue(timeout=1.0) if print_fn is None else PrintQueue(timeout=1.0, print_fn=print_fn)
    )


@pytest.fixture
def seams() -> dict[str, Any]:
    return {"printers": short_printers}


@pytest.fixture
def st(client: TestClient):  # type: ignore[no-untyped-def]
    """The running app's state."""
    return client.app.state.kezek  # type: ignore[attr-defined]


def take(client: TestClient, lang: str = "kk", service: str = "registration") -> tuple[float, str]:
    """Tap a service at the kiosk: (seconds the answer took, the code on the screen)."""
    page = BeautifulSoup(client.get(f"/kiosk/?lang={lang}").text, "html.parser")
    request_id = page.select_one("input[name=request_id]")["value"]  # type: ignore[index]
    began = time.perf_counter()
    response = client.post(
        "/kiosk/ticket", data={"service": service, "lang": lang, "request_id": request_id}
    )
    took = time.perf_counter() - began
    assert response.status_code == 201, response.text
    code = BeautifulSoup(response.text, "html.parser").select_one(".kiosk-code").get_text()  # type: ignore[union-attr]
    return took, code


def ticket_row(engine: Engine, code: str) -> Ticket:
    with db.reading(engine) as session:
        return session.exec(select(Ticket).where(Ticket.code == code)).one()


def expected_talon(st, engine: Engine, code: str) -> Image.Image:  # type: ignore[no-untyped-def]
    """The talon as the kiosk renders it for this ticket now."""
    with db.reading(engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.code == code)).one()
        url = f"http://testserver/t/{ticket.public_token}?lang={ticket.lang}"
        talon = talon_content.queue_talon(session, st, ticket, url)
    return render_queue_talon(talon, st.profile.printers.paper_width)


# --- the bytes ------------------------------------------------------------------------------------


def test_escpos_dummy_bytes_decode_to_the_rendered_talon(
    client: TestClient, st, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    _, code = take(client)
    rendered = expected_talon(st, engine, code)
    printer = Dummy(profile="TM-T20II")  # python-escpos's own encoder, not Kezek's fast path
    printer.image(rendered)
    printer.cut()
    decoded = decode_image(printer.output)
    assert decoded is not None and same_image(decoded, rendered)
    assert rendered.width == 576


def test_kazakh_letters_print_as_themselves_not_as_question_marks_or_boxes() -> None:
    face = font(28, 700)
    question, box = bytes(face.getmask("?")), bytes(face.getmask("\ue000"))  # U+E000: no glyph
    for letter in KAZAKH_LETTERS + KAZAKH_LETTERS.upper():
        glyph = bytes(face.getmask(letter))
        assert glyph not in (question, box), letter
    talon = talon_jobs.QueueTalon(
        code="Ә-017",
        lang="kk",
        office=LocalizedText("Әғқңөұүһі", "Офис"),
        service=LocalizedText("Қызмет: әғқңөұүһі", "Услуга"),
        issued_at="24.11.2026 10:00",
        position=1,
        wait_minutes=0,
        cabinets=("№1",),
        hours=(),
        status_url="",
    )
    asked = dataclasses.replace(
        talon,
        code="?-017",
        office=LocalizedText("?????????", "Офис"),
        service=LocalizedText("?ызмет: ?????????", "Услуга"),
    )
    printer = Dummy(profile="TM-T20II")
    printer.image(render_queue_talon(talon))
    decoded = decode_image(printer.output)
    assert decoded is not None and same_image(decoded, render_queue_talon(talon))
    assert not same_image(decoded, render_queue_talon(asked))


# --- the running app prints to a TCP printer ---------------------------------------------------


def test_a_tcp_printer_receives_the_talon(
    client: TestClient, st, engine: Engine, printer: FakePrinter
) -> None:  # type: ignore[no-untyped-def]
    took, code = take(client)
    assert took < 1.0 and code == "А-001"
    assert wait_until(lambda: ticket_row(engine, code).print_status == "printed")
    assert wait_until(lambda: len(printer.jobs) == 1)
    decoded = decode_image(printer.jobs[0])
    assert decoded is not None and same_image(decoded, expected_talon(st, engine, code))
    assert printer.jobs[0].endswith(b"\x1dV\x00") or b"\x1dV" in printer.jobs[0][-8:]  # cut
    with db.reading(engine) as session:
        ticket = ticket_row(engine, code)
        kinds = session.exec(
            select(TicketEvent.kind)
            .where(TicketEvent.ticket_id == ticket.id)
            .order_by(TicketEvent.id)
        ).all()
    assert kinds == ["issued", "printed"]
    page = BeautifulSoup(client.get(f"/kiosk/talon/{ticket.public_token}?n=2").text, "html.parser")
    assert page.select_one("#talon-status").get_text(strip=True) == "Талоныңызды алыңыз."  # type: ignore[union-attr]


@pytest.mark.parametrize("text_mode", [True], indirect=True)
def test_text_mode_prints_kazakh_in_code_page_53(
    client: TestClient, st, engine: Engine, printer: FakePrinter
) -> None:  # type: ignore[no-untyped-def]
    assert st.profile.printers.text_mode
    took, code = take(client)
    assert took < 1.0
    assert wait_until(lambda: ticket_row(engine, code).print_status == "printed")
    assert wait_until(lambda: len(printer.jobs) == 1)
    data = printer.jobs[0]
    assert GS_V0 not in data and len(data) < 5_000  # ~1 KB instead of ~80 KB of raster
    words = data.decode("kz1048", errors="replace")
    assert "Жұмыссыз ретінде тіркеу" in words and "А-001" in words
    assert "?" not in words.split("\x1d(k")[0]  # no Kazakh letter lost (before the QR)


FAULTS = {
    "refused": "connecting: connection refused",
    "silent": "asking for paper status: no answer within 1 s",
    "slow": "no answer within 1 s",
    "paper_out": "paper out",
}


@pytest.mark.parametrize("printer", list(FAULTS), indirect=True)
def test_printer_faults_never_hold_up_the_ticket_and_a_reprint_prints(
    client: TestClient, st, engine: Engine, printer: FakePrinter
) -> None:  # type: ignore[no-untyped-def]
    mode = printer.mode
    took, code = take(client, "ru")
    assert took < 1.0 and code == "А-001"  # the number is on the screen at once
    assert wait_until(lambda: ticket_row(engine, code).print_status == "failed")
    ticket = ticket_row(engine, code)
    assert ticket.status == "waiting"  # the ticket stays valid
    assert FAULTS[mode] in (ticket.print_error or ""), ticket.print_error
    screen = BeautifulSoup(
        client.get(f"/kiosk/talon/{ticket.public_token}?n=2").text, "html.parser"
    )
    assert screen.select_one("#talon-status").get_text(strip=True) == (  # type: ignore[union-attr]
        "Принтер неисправен. Запомните ваш номер: А-001. Ваша очередь сохранена."
    )
    with db.reading(engine) as session:
        assert [
            t.code for t in talon_jobs.failed_talons(session, st.office_id, ticket.business_day)
        ] == [code]
    # Known now: the kiosk says so up front, to the next visitor.
    start = BeautifulSoup(client.get("/kiosk/?lang=en").text, "html.parser")
    warning = start.select_one(".kiosk-warn").get_text()  # type: ignore[union-attr]
    assert ("out of paper" if mode == "paper_out" else "is not working") in warning

    # The printer is fixed (paper loaded, cable back); staff reprint.
    jobs_before = len(printer.jobs)
    printer.mode = "ok"
    if mode == "refused":
        printer.listen()
    talon_jobs.reprint(st, ticket.id)
    assert wait_until(lambda: ticket_row(engine, code).print_status == "printed")
    assert ticket_row(engine, code).print_error is None
    # The failed job's connection may end after the reprint's (a slow printer keeps reading
    # what was sent): the reprint is the job served once the printer was fixed.
    assert wait_until(lambda: "ok" in printer.modes[jobs_before:])
    decoded = decode_image(printer.jobs[jobs_before + printer.modes[jobs_before:].index("ok")])
    assert decoded is not None and same_image(decoded, expected_talon(st, engine, code))
    with db.reading(engine) as session:
        kinds = session.exec(
            select(TicketEvent.kind)
            .where(TicketEvent.ticket_id == ticket.id)
            .order_by(TicketEvent.id)
        ).all()
        assert talon_jobs.failed_talons(session, st.office_id, ticket.business_day) == []
    assert kinds == ["issued", "print_failed", "reprint", "printed"]
    start = BeautifulSoup(client.get("/kiosk/?lang=en").text, "html.parser")
    assert start.select_one(".kiosk-warn") is None  # it printed: the warning is gone


@pytest.mark.parametrize(
    ("printer", "words"),
    [("paper_out", "закончилась бумага"), ("refused", "не работает"), ("silent", "не работает")],
    indirect=["printer"],
)
def test_kiosk_says_before_anyone_takes_a_ticket_that_no_talon_will_print(
    client: TestClient, printer: FakePrinter, words: str
) -> None:
    def warned() -> bool:
        page = BeautifulSoup(client.get("/kiosk/?lang=ru").text, "html.parser")
        warning = page.select_one(".kiosk-warn")
        return warning is not None and words in warning.get_text()

    # The first screen starts a status reading in the background; it never waits for it.
    assert wait_until(warned, seconds=5)


@pytest.mark.parametrize("printer", ["slow", "dying"], indirect=True)
def test_the_kiosk_keeps_warning_while_every_talon_fails_until_one_prints(
    client: TestClient, st, engine: Engine, printer: FakePrinter
) -> None:  # type: ignore[no-untyped-def]
    def warning() -> str | None:
        page = BeautifulSoup(client.get("/kiosk/?lang=en").text, "html.parser")
        found = page.select_one(".kiosk-warn")
        return None if found is None else found.get_text()

    def reading_done() -> bool:  # the status reading in the background has finished
        lock = st.status_locks[printer_url]
        if not lock.acquire(blocking=False):
            return False
        lock.release()
        return True

    printer_url = f"tcp://127.0.0.1:{printer.port}"
    _, code = take(client, "en")
    assert wait_until(lambda: ticket_row(engine, code).print_status == "failed")
    assert "is not working" in (warning() or "")
    # 30 s later the status poll runs: this printer answers it ("ok"), yet fails every job.
    for _ in range(2):
        checked, condition = st.paper[printer_url]
        assert checked is not None
        st.paper[printer_url] = (checked - printer_state.STATUS_EVERY - 1, condition)
        assert "is not working" in (warning() or "")  # starts the reading
        assert wait_until(reading_done)
        assert "is not working" in (warning() or ""), "the next visitor must be warned"
    # Only a talon that prints ends the warning.
    printer.mode = "ok"
    _, code = take(client, "en")
    assert wait_until(lambda: ticket_row(engine, code).print_status == "printed")
    assert warning() is None


def test_reprint_refuses_finished_and_foreign_tickets(
    client: TestClient, st, engine: Engine, clerk_token: str
) -> None:  # type: ignore[no-untyped-def]
    _, code = take(client)
    ticket = ticket_row(engine, code)
    with pytest.raises(tickets.NotFound):
        talon_jobs.reprint(st, 10_000)
    auth = {"authorization": f"Bearer {clerk_token}"}
    client.post("/api/service-points/cab1/call-next", headers=auth)
    client.post(f"/api/tickets/{ticket.id}/finish", headers=auth)
    with pytest.raises(tickets.IllegalTransition):
        talon_jobs.reprint(st, ticket.id)


def test_failed_talons_are_the_days_unfinished_ones(
    client: TestClient, st, engine: Engine, now: ManualClock
) -> None:  # type: ignore[no-untyped-def]
    codes = [take(client)[1] for _ in range(3)]
    assert wait_until(lambda: ticket_row(engine, codes[-1]).print_status == "printed")
    with db.transaction(engine) as session:
        for row in session.exec(select(Ticket)):
            row.print_status = "failed" if row.code != "А-002" else "printed"
            row.status = "cancelled" if row.code == "А-003" else row.status
            session.add(row)
    day = st.clock.business_day()
    with db.reading(engine) as session:
        assert [t.code for t in talon_jobs.failed_talons(session, st.office_id, day)] == ["А-001"]
        assert talon_jobs.failed_talons(session, st.office_id + 1, day) == []


# --- plain values ------------------------------------------------------------------------------


def test_talon_values_for_the_kyzylzhar_office(client: TestClient, st, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    take(client)
    _, code = take(client, "ru")
    with db.reading(engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.code == code)).one()
        talon = talon_content.queue_talon(session, st, ticket, "http://x/t/abc")
    assert talon.code == "А-002" and talon.lang == "ru"
    assert talon.office.kk.startswith("Қызылжар ауданының")
    assert talon.service.ru == "Регистрация в качестве безработного"
    assert talon.issued_at == "24.11.2026 10:00"
    assert (talon.position, talon.wait_minutes) == (2, 5)
    assert talon.cabinets == ("№1", "№4")
    assert talon.hours == (
        "вторник–пятница / сейсенбі–жұма 09:00–18:00",
        "обед 13:00–14:00 / түскі үзіліс 13:00–14:00",
    )
    assert talon.status_url == "http://x/t/abc"


def test_relative_spool_directories(tmp_path: Path) -> None:
    assert talon_jobs.resolve_spool("tcp://10.0.0.5:9100", "x") == "tcp://10.0.0.5:9100"
    assert talon_jobs.resolve_spool("spool:///srv/spool", "x") == "spool:///srv/spool"
    assert (
        talon_jobs.resolve_spool("spool://var/spool/kiosk", str(tmp_path))
        == f"spool://{tmp_path}/kiosk"
    )
    assert (
        talon_jobs.resolve_spool("spool://talons", str(tmp_path))
        == f"spool://{Path.cwd() / 'talons'}"
    )


# --- kezek printer test URL ---------------------------------------------------------------------


def test_cli_prints_the_test_talon(
    printer: FakePrinter, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        cli_main(["printer", "test", f"tcp://127.0.0.1:{printer.port}"])
    assert done.value.code == 0
    assert re.search(r"printed the test talon, \d+ bytes \(paper: ok\)", capsys.readouterr().out)
    assert wait_until(lambda: len(printer.jobs) == 1)
    image = decode_image(printer.jobs[0])
    assert image is not None and image.width == 576
    with pytest.raises(SystemExit) as done:
        cli_main(["printer", "test", f"spool://{tmp_path}/spool", "--width", "384"])
    assert done.value.code == 0
    with Image.open(tmp_path / "spool" / "test-talon.png") as preview:
        assert preview.width == 384


@pytest.mark.parametrize("printer", ["refused"], indirect=True)
def test_cli_reports_a_dead_printer(
    printer: FakePrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        cli_main(["printer", "test", f"tcp://127.0.0.1:{printer.port}", "--timeout", "1"])
    assert done.value.code == 1
    assert "FAILED: connecting: connection refused" in capsys.readouterr().out
