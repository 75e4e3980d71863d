"""Sending one job to a printer (stateful: opens a connection, logs, never raises).

Why ask for paper status after the job too: a successful send proves nothing (the bytes may
sit in kernel buffers). A printer answers ``DLE EOT`` when it reads the query, and it reads
its input in order, so the answer proves it has taken the whole talon, and says whether the
paper ran out on the way.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from escpos.constants import RT_MASK_ONLINE, RT_STATUS_ONLINE
from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from PIL import Image

from kezek.printing.connectors import Deadline, FilePrinter, SerialPrinter, TcpPrinter, UsbPrinter
from kezek.printing.offline import DummyPrinter, SpoolPrinter
from kezek.printing.talons import QueueTalon
from kezek.printing.text_talons import write_text_talon
from kezek.printing.urls import _SWITCH, DEFAULT_TIMEOUT, PrinterURL, parse_printer_url

__all__ = [
    "PrintOutcome",
    "PrinterStatus",
    "open_printer",
    "print_image",
    "print_text_talon",
    "printer_status",
]

log = logging.getLogger("kezek.printing")

Paper = Literal["ok", "near_end", "out", "unknown"]
# python-escpos paper_status(): 2 plenty, 1 near end, 0 none.
PAPER: dict[int, Paper] = {2: "ok", 1: "near_end", 0: "out"}


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    """What became of one job. ``error`` is short technical English, for logs and staff."""

    ok: bool
    error: str | None
    paper: str  # "ok" | "near_end" | "out" | "unknown"
    bytes_sent: int


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    online: bool | None  # None: the connection cannot tell (file, or status=off)
    paper: str  # "ok" | "near_end" | "out" | "unknown"
    error: str | None = None


def open_printer(url: str | PrinterURL, *, timeout: float = DEFAULT_TIMEOUT) -> Escpos:
    """A new, not yet connected python-escpos printer for one job of at most ``timeout`` s."""
    return _printer(url if isinstance(url, PrinterURL) else parse_printer_url(url), timeout)


def _printer(target: PrinterURL, timeout: float) -> Any:
    deadline = Deadline(timeout)
    profile = {"profile": target.profile}
    options = target.options
    if target.scheme == "tcp":
        return TcpPrinter(target.target, target.port, deadline, **profile)
    if target.scheme == "usb":
        vendor, product = (int(part, 16) for part in target.target.split(":"))
        return UsbPrinter(
            vendor,
            product,
            deadline,
            in_ep=int(options.get("in_ep", "0x82"), 0),
            out_ep=int(options.get("out_ep", "0x01"), 0),
            **profile,
        )
    if target.scheme == "serial":
        return SerialPrinter(
            target.target,
            deadline,
            baudrate=int(options.get("baud", "9600")),
            dsrdtr=_SWITCH[options.get("dsrdtr", "on").lower()],
            **profile,
        )
    if target.scheme == "file":
        return FilePrinter(target.target, deadline, **profile)
    if target.scheme == "spool":
        return SpoolPrinter(target.target, deadline, **profile)
    return DummyPrinter(target.target, deadline, options.get("paper", ""), **profile)


# ---------------------------------------------------------------- jobs


def print_image(
    url: str, image: Image.Image, *, name: str, timeout: float = DEFAULT_TIMEOUT
) -> PrintOutcome:
    """Print a rendered talon and cut. Never raises for a printer fault; a bad URL is a
    ``ValueError`` (configuration, checked at start-up with ``parse_printer_url``)."""

    def send(printer: Any) -> None:
        printer.image(image)
        printer.cut()

    return _run(url, name, timeout, send)


def print_text_talon(
    url: str,
    talon: QueueTalon,
    *,
    name: str | None = None,
    columns: int = 48,
    timeout: float = DEFAULT_TIMEOUT,
) -> PrintOutcome:
    """Opt-in text mode for printers with code page 53 (KZ-1048): ~1 KB instead of ~80 KB.

    ``columns``: 48 for Font A on 80 mm paper, 32 on 58 mm.
    """
    return _run(url, name or talon.code, timeout, lambda p: write_text_talon(p, talon, columns))


def _run(url: str, name: str, timeout: float, send: Callable[[Any], None]) -> PrintOutcome:
    target = parse_printer_url(url)
    printer: Any = None
    paper: Paper = "unknown"
    step = "connecting"
    ok = False
    try:
        printer = _printer(target, timeout)
        printer.open()
        ask = target.status and printer.supports_status
        if ask:
            step = "asking for paper status"
            paper = PAPER[printer.paper_status()]
            if paper == "out":
                # Refuse: the job would sit in the printer and come out after a paper change,
                # long after the visitor left with the number from the screen.
                return _failed(target, name, "paper out", paper, printer.bytes_sent)
        step = "sending the job"
        send(printer)
        if ask:
            step = "confirming the job"
            paper = PAPER[printer.paper_status()]
            if paper == "out":
                return _failed(
                    target, name, "paper ran out during the job", paper, printer.bytes_sent
                )
        step = "finishing the job"
        printer.succeeded(name)
        ok = True
        log.info(
            "printed %s on %s (%d bytes, paper %s)", name, target.url, printer.bytes_sent, paper
        )
        return PrintOutcome(True, None, paper, printer.bytes_sent)
    except Exception as exc:  # a printer fault is an outcome, never an exception
        sent = printer.bytes_sent if printer is not None else 0
        return _failed(target, name, f"{step}: {_reason(exc, timeout)}", paper, sent, exc)
    finally:
        if printer is not None:
            _close(printer, abort=not ok)


def _failed(
    target: PrinterURL,
    name: str,
    error: str,
    paper: Paper,
    sent: int,
    exc: BaseException | None = None,
) -> PrintOutcome:
    # The job name (the ticket code) only: no personal data reaches the log.
    unexpected = exc is not None and not isinstance(exc, OSError | DeviceNotFoundError)
    log.warning("print %s on %s failed: %s", name, target.url, error, exc_info=unexpected)
    return PrintOutcome(False, error, paper, sent)


def _reason(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, TimeoutError):  # socket.timeout is TimeoutError since 3.10
        return f"no answer within {timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, DeviceNotFoundError):
        return " ".join(str(exc.msg).split())  # python-escpos puts the cause on a new line
    if isinstance(exc, OSError):
        if type(exc).__name__ == "SerialTimeoutException":
            return f"no answer within {timeout:g} s"
        return exc.strerror or str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {exc}"


def _close(printer: Any, *, abort: bool) -> None:
    try:
        printer.abort() if abort else printer.close()
    except Exception:  # closing a broken connection may fail again; the outcome is known
        log.debug("closing the printer failed", exc_info=True)


def printer_status(url: str, timeout: float = DEFAULT_TIMEOUT) -> PrinterStatus:
    """Ask a printer whether it is online and has paper. Never raises for printer faults."""
    target = parse_printer_url(url)
    if target.scheme == "file":
        present = os.path.exists(target.target)
        return PrinterStatus(
            None if present else False, "unknown", None if present else "no such device"
        )
    printer: Any = None
    try:
        printer = _printer(target, timeout)
        printer.open()
        if not (target.status and printer.supports_status):
            # Connected (a spool, a dummy, or a printer that does not answer): nothing more.
            return PrinterStatus(True if target.scheme in ("spool", "dummy") else None, "unknown")
        online = not printer.query_status(RT_STATUS_ONLINE)[0] & RT_MASK_ONLINE
        return PrinterStatus(online, PAPER[printer.paper_status()])
    except Exception as exc:
        log.info("printer %s: %s", target.url, _reason(exc, timeout))
        return PrinterStatus(False, "unknown", _reason(exc, timeout))
    finally:
        if printer is not None:
            _close(printer, abort=True)
