"""Printers from URLs, faults that must not hang or raise, text mode, and the job worker."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from kezek.printing import offline, send, talons, text_talons, urls
from kezek.printing.decode import decode_image, find_raster_blocks
from kezek.printing.jobs import PrintQueue
from kezek.printing.send import PrintOutcome, print_image, print_text_talon, printer_status
from tests.printing_fakes import FakePrinter, PtyPrinter, free_port
from tests.test_printing_talons import TALON

TIMEOUT = 1.0  # per job, for the tests; the default is 3 s
BOUND = 5.0  # generous: "fails within about the time-out", never a minute


@pytest.fixture(scope="module")
def talon() -> Image.Image:
    return talons.render_queue_talon(TALON)


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    with FakePrinter() as fake:
        yield fake


def printed_image(job: bytes) -> Image.Image:
    image = decode_image(job)
    assert image is not None, "the printer got no raster image"
    return image


def timed(url: str, image: Image.Image, name: str = "А-017") -> tuple[PrintOutcome, float]:
    started = time.monotonic()
    outcome = print_image(url, image, name=name, timeout=TIMEOUT)
    return outcome, time.monotonic() - started


# ---------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("lpt://printer", "unknown kind 'lpt'"),
        ("10.0.0.5:9100", "unknown kind"),
        ("tcp://", "no host"),
        ("tcp://10.0.0.5:99999", "bad port"),
        ("tcp://10.0.0.5?speed=9", "unknown option 'speed'"),
        ("tcp://10.0.0.5?profile=NoSuchPrinter", "unknown python-escpos profile"),
        ("tcp://10.0.0.5?profile=default", "has no pixel width"),
        ("tcp://10.0.0.5?status=maybe", "expected on or off"),
        ("usb://epson", "expected usb://VID:PID"),
        ("serial://", "no device"),
        ("serial:///dev/ttyUSB0?baud=fast", "baud must be a number"),
        ("file://dev/usb/lp0", "absolute path"),
        ("spool://", "no directory"),
        ("dummy://?paper=wet", "paper must be"),
    ],
)
def test_a_bad_url_is_a_value_error_that_names_the_problem(url: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        urls.parse_printer_url(url)


def test_good_urls_parse() -> None:
    tcp = urls.parse_printer_url("tcp://10.0.0.5")
    assert (tcp.scheme, tcp.target, tcp.port, tcp.profile) == ("tcp", "10.0.0.5", 9100, "TM-T20II")
    usb = urls.parse_printer_url("usb://04B8:0E15?out_ep=0x03")
    assert (usb.target, usb.options["out_ep"]) == ("04b8:0e15", "0x03")
    serial = urls.parse_printer_url("serial:///dev/ttyUSB0?baud=115200")
    assert (serial.target, serial.options["baud"]) == ("/dev/ttyUSB0", "115200")
    assert urls.parse_printer_url("file:///dev/usb/lp0").target == "/dev/usb/lp0"
    assert urls.parse_printer_url("spool://var/spool/kiosk").target == "var/spool/kiosk"
    assert urls.parse_printer_url("tcp://p?status=off&profile=POS-5890").status is False


def test_each_job_gets_a_fresh_connection() -> None:
    first = send.open_printer("tcp://127.0.0.1:9100")
    second = send.open_printer("tcp://127.0.0.1:9100")
    assert first is not second


# ---------------------------------------------------------------- a real TCP printer


def test_a_tcp_printer_receives_the_talon(printer: FakePrinter, talon: Image.Image) -> None:
    outcome, _ = timed(printer.url, talon)
    assert outcome == PrintOutcome(True, None, "ok", outcome.bytes_sent)
    printer.stop()
    [job] = printer.jobs
    assert printed_image(job).tobytes() == talon.tobytes()
    assert job.endswith(b"\x10\x04\x04")  # it was asked again after the talon, and answered
    assert b"\x1dV" in job  # and cut
    assert outcome.bytes_sent == len(job)
    assert printer.queries == 2  # paper before, paper after


def test_a_refused_connection_fails_fast_and_the_restarted_printer_prints_the_reprint(
    talon: Image.Image,
) -> None:
    port = free_port()
    outcome, elapsed = timed(f"tcp://127.0.0.1:{port}", talon)
    assert not outcome.ok
    assert outcome.error == "connecting: connection refused"
    assert outcome.bytes_sent == 0
    assert elapsed < 0.5

    with FakePrinter(port=port) as recovered:
        reprint, _ = timed(recovered.url, talon)
    assert reprint.ok
    assert printed_image(recovered.jobs[0]).tobytes() == talon.tobytes()


@pytest.mark.parametrize(
    ("behaviour", "error"),
    [
        ("silent", "asking for paper status: no answer within 1 s"),
        ("slow", "no answer within 1 s"),
        ("paper_out", "paper out"),
    ],
)
def test_a_faulty_printer_fails_in_time_without_raising_and_then_prints_the_reprint(
    behaviour: str, error: str, talon: Image.Image
) -> None:
    with FakePrinter(behaviour) as faulty:  # type: ignore[arg-type]
        outcome, elapsed = timed(faulty.url, talon)
        assert not outcome.ok
        assert outcome.error is not None and error in outcome.error
        assert elapsed < BOUND

        faulty.behaviour = "normal"  # paper changed, jam cleared
        reprint, _ = timed(faulty.url, talon, name="А-017 reprint")
        assert reprint.ok, reprint.error
    assert printed_image(faulty.jobs[-1]).tobytes() == talon.tobytes()


def test_paper_out_refuses_before_sending_the_talon(talon: Image.Image) -> None:
    with FakePrinter("paper_out") as empty:
        outcome, _ = timed(empty.url, talon)
    assert (outcome.ok, outcome.paper) == (False, "out")
    assert outcome.bytes_sent == 3  # only the status query: DLE EOT 4
    assert all(not find_raster_blocks(job) for job in empty.jobs)


def test_paper_near_end_prints_and_says_so(talon: Image.Image) -> None:
    with FakePrinter("near_end") as low:
        outcome, _ = timed(low.url, talon)
    assert (outcome.ok, outcome.paper) == (True, "near_end")


def test_a_slow_printer_is_not_reported_as_printed_too_early(talon: Image.Image) -> None:
    # Bytes accepted by the kernel are not a printed talon: only the printer's answer counts.
    with FakePrinter("slow") as slow:
        outcome, elapsed = timed(slow.url, talon)
    assert not outcome.ok
    assert 0.9 < elapsed < BOUND


def test_status_off_skips_the_queries_for_printers_that_never_answer(
    printer: FakePrinter, talon: Image.Image
) -> None:
    outcome, _ = timed(printer.url + "?status=off", talon)
    assert (outcome.ok, outcome.paper) == (True, "unknown")
    printer.stop()
    assert printer.queries == 0


def test_printer_status(printer: FakePrinter) -> None:
    assert printer_status(printer.url, TIMEOUT) == send.PrinterStatus(True, "ok")
    printer.behaviour = "offline"
    assert printer_status(printer.url, TIMEOUT).online is False
    refused = printer_status(f"tcp://127.0.0.1:{free_port()}", TIMEOUT)
    assert (refused.online, refused.error) == (False, "connection refused")


def test_printer_status_of_a_silent_printer_returns_in_time() -> None:
    with FakePrinter("silent") as silent:
        started = time.monotonic()
        status = printer_status(silent.url, TIMEOUT)
    assert status.online is False
    assert time.monotonic() - started < BOUND


# ---------------------------------------------------------------- files, spool, dummy


def test_spool_writes_the_bytes_and_a_png_of_the_same_image(
    tmp_path: Path, talon: Image.Image
) -> None:
    spool = tmp_path / "spool" / "kiosk"  # created on the first job
    outcome = print_image(f"spool://{spool}", talon, name="А-017")
    assert outcome.ok
    data = (spool / "А-017.bin").read_bytes()
    assert len(data) == outcome.bytes_sent
    with Image.open(spool / "А-017.png") as preview:
        assert preview.convert("1").tobytes() == talon.tobytes()
    assert printed_image(data).tobytes() == talon.tobytes()


def test_a_reprint_never_overwrites_the_earlier_job(tmp_path: Path, talon: Image.Image) -> None:
    blank = Image.new("1", talon.size, 1)
    assert print_image(f"spool://{tmp_path}", talon, name="А-017").ok
    assert print_image(f"spool://{tmp_path}", blank, name="А-017").ok  # the reprint
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "А-017-2.bin",
        "А-017-2.png",
        "А-017.bin",
        "А-017.png",
    ]
    assert printed_image((tmp_path / "А-017.bin").read_bytes()).tobytes() == talon.tobytes()
    assert printed_image((tmp_path / "А-017-2.bin").read_bytes()).tobytes() == blank.tobytes()


def test_spool_names_cannot_leave_the_directory(tmp_path: Path, talon: Image.Image) -> None:
    assert print_image(f"spool://{tmp_path}", talon, name="../../etc/passwd").ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["etc_passwd.bin", "etc_passwd.png"]


def test_the_dummy_printer_keeps_each_job(talon: Image.Image) -> None:
    offline.clear_dummy_jobs("kiosk-test")
    assert print_image("dummy://kiosk-test", talon, name="А-017").ok
    [job] = offline.dummy_jobs("kiosk-test")
    assert job.name == "А-017"
    assert printed_image(job.data).tobytes() == talon.tobytes()


def test_a_dummy_can_play_a_printer_without_paper(talon: Image.Image) -> None:
    outcome = print_image("dummy://empty?paper=out", talon, name="А-017")
    assert (outcome.ok, outcome.error, outcome.paper) == (False, "paper out", "out")
    assert offline.dummy_jobs("empty") == []


def test_a_missing_device_file_fails_without_creating_it(
    tmp_path: Path, talon: Image.Image
) -> None:
    outcome = print_image(f"file://{tmp_path}/lp0", talon, name="А-017")
    assert not outcome.ok and "No such file" in (outcome.error or "")
    assert not (tmp_path / "lp0").exists()


def test_a_device_file_that_stops_reading_times_out(tmp_path: Path, talon: Image.Image) -> None:
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    # Nobody reading: fails at once instead of blocking in open().
    outcome, elapsed = timed(f"file://{fifo}", talon)
    assert not outcome.ok and elapsed < 0.5
    # A reader that never reads: the pipe fills (64 KB < one talon) and the job times out.
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        outcome, elapsed = timed(f"file://{fifo}", talon)
    finally:
        os.close(reader)
    assert not outcome.ok and outcome.error == "sending the job: no answer within 1 s"
    assert elapsed < BOUND


def test_a_device_file_receives_the_talon(tmp_path: Path, talon: Image.Image) -> None:
    device = tmp_path / "lp0"
    device.touch()
    assert print_image(f"file://{device}", talon, name="А-017").ok
    assert printed_image(device.read_bytes()).tobytes() == talon.tobytes()


def test_usb_without_pyusb_is_an_outcome_not_a_crash(talon: Image.Image) -> None:
    outcome = print_image("usb://04b8:0e15", talon, name="А-017", timeout=TIMEOUT)
    assert not outcome.ok
    assert outcome.error == "connecting: USB printing needs the pyusb package"


def test_a_serial_printer_receives_the_talon(talon: Image.Image) -> None:
    with PtyPrinter() as serial_printer:
        outcome = print_image(serial_printer.url, talon, name="А-017", timeout=TIMEOUT)
    assert (outcome.ok, outcome.paper) == (True, "ok")
    assert printed_image(bytes(serial_printer.received)).tobytes() == talon.tobytes()


def test_a_serial_printer_that_stops_reading_times_out(talon: Image.Image) -> None:
    # It answers the paper query, then jams: pyserial would block in write() for ever.
    with PtyPrinter(reads=1000) as jammed:
        outcome, elapsed = timed(jammed.url, talon)
    assert not outcome.ok and (outcome.error or "").startswith("sending the job: no answer")
    assert 0 < outcome.bytes_sent < 84_000
    assert elapsed < BOUND


# ---------------------------------------------------------------- text mode


def test_text_mode_prints_kazakh_letters_in_kz1048_never_question_marks() -> None:
    data = text_talons.text_talon_bytes(TALON)
    assert data.startswith(b"\x1b@\x1bt\x35")  # ESC @, then ESC t 53: INIT must come first
    for letter in "әғқңөұүі":  # those the talon's Kazakh text uses
        assert letter.encode("kz1048") in data, letter
    assert b"?" not in data
    assert "А-017".encode("kz1048") in data
    assert b"\x1d(k" in data  # the QR code is drawn by the printer
    assert TALON.status_url.encode() in data
    assert not find_raster_blocks(data)


def test_text_mode_is_far_smaller_than_the_raster(talon: Image.Image) -> None:
    text = print_text_talon("dummy://sizes", TALON)
    raster = print_image("dummy://sizes", talon, name="А-017")
    assert text.ok and raster.ok
    assert text.bytes_sent * 20 < raster.bytes_sent


def test_text_mode_over_tcp(printer: FakePrinter) -> None:
    outcome = print_text_talon(printer.url, TALON, timeout=TIMEOUT)
    assert outcome.ok
    printer.stop()
    assert "Кезектегі".encode("kz1048") in printer.jobs[0]


# ---------------------------------------------------------------- the job worker


def test_jobs_complete_in_order_and_callbacks_get_the_outcome(
    printer: FakePrinter, talon: Image.Image
) -> None:
    done: list[tuple[str, PrintOutcome]] = []

    def recorder(name: str) -> Callable[[PrintOutcome], None]:
        return lambda outcome: done.append((name, outcome))

    with PrintQueue(timeout=TIMEOUT) as jobs:
        futures = [
            jobs.submit(printer.url, talon, f"А-{n:03}", recorder(f"{n}")) for n in (1, 2, 3)
        ]
        outcomes = [future.result(timeout=BOUND) for future in futures]
    assert all(outcome.ok for outcome in outcomes)
    assert [name for name, _ in done] == ["1", "2", "3"]
    assert [outcome for _, outcome in done] == outcomes
    printer.stop()
    assert len(printer.jobs) == 3


def test_a_failing_printer_does_not_hold_up_another(
    printer: FakePrinter, talon: Image.Image
) -> None:
    with FakePrinter("silent") as silent, PrintQueue(timeout=TIMEOUT) as jobs:
        stuck = [jobs.submit(silent.url, talon, f"А-{n:03}") for n in range(3)]
        started = time.monotonic()
        good = jobs.submit(printer.url, talon, "Б-001").result(timeout=BOUND)
        assert good.ok
        assert time.monotonic() - started < TIMEOUT  # did not wait behind the silent one
        assert not all(future.done() for future in stuck)
        assert not any(future.result(timeout=BOUND).ok for future in stuck)


def test_a_callback_that_raises_is_logged_and_the_worker_carries_on(
    caplog: pytest.LogCaptureFixture, talon: Image.Image
) -> None:
    def explode(outcome: PrintOutcome) -> None:
        raise RuntimeError("bug in the kiosk")

    with caplog.at_level(logging.ERROR, "kezek.printing"), PrintQueue() as jobs:
        first = jobs.submit("dummy://cb", talon, "А-001", explode)
        second = jobs.submit("dummy://cb", talon, "А-002")
        assert first.result(timeout=BOUND).ok
        assert second.result(timeout=BOUND).ok
    assert "print callback for А-001 failed" in caplog.text


def test_a_bad_url_in_the_queue_is_a_failed_outcome(talon: Image.Image) -> None:
    with PrintQueue() as jobs:
        outcome = jobs.submit("lpt://x", talon, "А-001").result(timeout=BOUND)
    assert not outcome.ok and "unknown kind" in (outcome.error or "")


def test_a_job_that_waited_too_long_is_dropped_not_printed(talon: Image.Image) -> None:
    release = threading.Event()

    def slow_print(url: str, image: Image.Image, *, name: str, timeout: float) -> PrintOutcome:
        release.wait(BOUND)
        return PrintOutcome(True, None, "ok", 1)

    with PrintQueue(stale_after=0.2, print_fn=slow_print) as jobs:
        first = jobs.submit("dummy://stale", talon, "А-001")
        second = jobs.submit("dummy://stale", talon, "А-002")
        time.sleep(0.3)
        release.set()
        assert first.result(timeout=BOUND).ok
        late = second.result(timeout=BOUND)
    assert not late.ok and (late.error or "").startswith("not printed: waited")


def test_close_drains_then_refuses(talon: Image.Image) -> None:
    jobs = PrintQueue()
    future = jobs.submit("dummy://drain", talon, "А-001")
    assert jobs.close(timeout=BOUND)
    assert future.result(timeout=0).ok
    refused = jobs.submit("dummy://drain", talon, "А-002").result(timeout=0)
    assert (refused.ok, refused.error) == (False, "print queue is closed")


def test_close_is_bounded_even_when_a_job_hangs(talon: Image.Image) -> None:
    release = threading.Event()

    def hang(url: str, image: Image.Image, *, name: str, timeout: float) -> PrintOutcome:
        release.wait(BOUND)
        return PrintOutcome(False, "hung", "unknown", 0)

    jobs = PrintQueue(print_fn=hang)
    jobs.submit("dummy://hang", talon, "А-001")
    started = time.monotonic()
    assert jobs.close(timeout=0.2) is False
    assert time.monotonic() - started < 1.0
    release.set()
