"""Printers from URLs, one fresh python-escpos connection per job, and time-outs everywhere.

    tcp://HOST[:9100]                 a network printer (raw port 9100)
    usb://VID:PID                     hex ids, e.g. usb://04b8:0e15 (needs pyusb)
    serial:///dev/ttyUSB0?baud=115200
    file:///dev/usb/lp0               a printer device file (never created)
    spool://DIR                       no hardware: DIR/<name>.bin (ESC/POS) + DIR/<name>.png
    dummy://[LABEL]                   escpos.printer.Dummy; jobs kept for tests: dummy_jobs()

Options, as a query string: ``profile=`` (a python-escpos profile with a pixel width,
default TM-T20II), ``status=off`` for a printer that does not answer ``DLE EOT``,
serial ``baud=`` and ``dsrdtr=0|1``, usb ``in_ep=`` and ``out_ep=``, and for tests
``dummy://LABEL?paper=out|near_end|ok`` (a dummy that answers status queries).

Why a fresh connection and a deadline (DESIGN.md, "python-escpos quirks"): python-escpos's
``Network(timeout=60)`` and ``Usb(timeout=0)`` block for a minute or for ever on a dead
printer, and a failed ``Network`` cannot reopen. Here one deadline covers the whole job:
connect, status query, sending and the final status query; a printer that accepts and
then goes silent costs ``timeout`` seconds, never more.

Why ask for paper status after the job too: a successful send proves nothing (the bytes may
sit in kernel buffers). A printer answers ``DLE EOT`` when it reads the query, and it reads
its input in order, so the answer proves it has taken the whole talon, and says whether the
paper ran out on the way.
"""

from __future__ import annotations

import logging
import os
import re
import select
import socket
import struct
import textwrap
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from escpos.capabilities import CAPABILITIES
from escpos.constants import RT_MASK_ONLINE, RT_STATUS_ONLINE
from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError, ImageWidthError
from escpos.printer import Dummy, File, Network, Serial, Usb
from PIL import Image

from kezek.printing.decode import decode_image
from kezek.printing.raster import raster_blocks
from kezek.printing.talons import QueueTalon, queue_talon_lines

__all__ = [
    "DEFAULT_PROFILE",
    "DEFAULT_TIMEOUT",
    "DummyJob",
    "PrintOutcome",
    "PrinterStatus",
    "PrinterURL",
    "clear_dummy_jobs",
    "dummy_jobs",
    "open_printer",
    "parse_printer_url",
    "print_image",
    "print_text_talon",
    "printer_status",
    "text_talon_bytes",
]

log = logging.getLogger("kezek.printing")

DEFAULT_TIMEOUT = 3.0  # seconds for a whole job; a talon takes well under one
DEFAULT_PROFILE = "TM-T20II"  # 576 dots: image() checks widths and never prints to stdout
SCHEMES = ("tcp", "usb", "serial", "file", "spool", "dummy")

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


@dataclass(frozen=True, slots=True)
class PrinterURL:
    """A parsed, validated printer URL."""

    url: str
    scheme: str
    target: str  # host, device path, spool directory, dummy label, or "VID:PID"
    port: int = 9100
    profile: str = DEFAULT_PROFILE
    status: bool = True  # ask the printer for status (DLE EOT) where the connection can
    options: Mapping[str, str] = field(default_factory=dict)


_OPTIONS: dict[str, frozenset[str]] = {
    "tcp": frozenset({"status"}),
    "usb": frozenset({"status", "in_ep", "out_ep"}),
    "serial": frozenset({"status", "baud", "dsrdtr"}),
    "file": frozenset(),
    "spool": frozenset(),
    "dummy": frozenset({"paper"}),
}
_SWITCH = {"on": True, "1": True, "yes": True, "off": False, "0": False, "no": False}


def parse_printer_url(url: str) -> PrinterURL:
    """Check a printer URL; a ``ValueError`` names what is wrong with it."""
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in SCHEMES:
        raise ValueError(
            f"printer URL {url!r}: unknown kind {scheme!r}, expected one of "
            + ", ".join(f"{s}://" for s in SCHEMES)
        )
    parts = urlsplit(url)
    try:
        options = dict(parse_qsl(parts.query, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        raise ValueError(f"printer URL {url!r}: cannot read the options {parts.query!r}") from None
    profile = options.pop("profile", DEFAULT_PROFILE)
    _check_profile(url, profile)
    unknown = sorted(set(options) - _OPTIONS[scheme])
    if unknown:
        allowed = ", ".join(sorted(_OPTIONS[scheme] | {"profile"}))
        raise ValueError(
            f"printer URL {url!r}: unknown option {unknown[0]!r} for {scheme}:// (known: {allowed})"
        )
    status = _switch(url, options.pop("status", "on"))
    common = PrinterURL(url=url, scheme=scheme, target="", profile=profile, status=status)

    if scheme == "tcp":
        try:
            host, port = parts.hostname, parts.port or 9100
        except ValueError as exc:
            raise ValueError(f"printer URL {url!r}: bad port ({exc})") from None
        if not host:
            raise ValueError(f"printer URL {url!r}: no host, expected tcp://HOST:9100")
        if parts.path not in ("", "/"):
            raise ValueError(f"printer URL {url!r}: a tcp:// URL has no path")
        return replace(common, target=host, port=port, options=options)
    if scheme == "usb":
        ids = parts.netloc or parts.path.strip("/")
        if not re.fullmatch(r"[0-9a-fA-F]{1,4}:[0-9a-fA-F]{1,4}", ids):
            raise ValueError(
                f"printer URL {url!r}: expected usb://VID:PID in hex, e.g. usb://04b8:0e15"
            )
        for key in ("in_ep", "out_ep"):
            if key in options:
                _integer(url, key, options[key], 0, 0xFF)
        return replace(common, target=ids.lower(), options=options)
    if scheme == "serial":
        device = unquote(parts.path) or parts.netloc  # serial:///dev/ttyUSB0 or serial://COM3
        if not device:
            raise ValueError(f"printer URL {url!r}: no device, expected serial:///dev/ttyUSB0")
        if "baud" in options:
            _integer(url, "baud", options["baud"], 50, 4_000_000)
        if "dsrdtr" in options:
            _switch(url, options["dsrdtr"])
        return replace(common, target=device, options=options)
    if scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ValueError(f"printer URL {url!r}: expected an absolute path, file:///dev/usb/lp0")
        return replace(common, target=unquote(parts.path), options=options)
    if scheme == "spool":
        # Everything after spool:// is the directory: spool://var/spool is relative.
        directory = unquote(rest.split("?", 1)[0])
        if not directory:
            raise ValueError(f"printer URL {url!r}: no directory, expected spool://DIR")
        return replace(common, target=directory, options=options)
    # dummy
    if options.get("paper", "ok") not in ("ok", "near_end", "out"):
        raise ValueError(f"printer URL {url!r}: paper must be ok, near_end or out")
    return replace(common, target=rest.split("?", 1)[0].strip("/"), options=options)


def _check_profile(url: str, profile: str) -> None:
    data = CAPABILITIES["profiles"].get(profile)
    if data is None:
        raise ValueError(f"printer URL {url!r}: unknown python-escpos profile {profile!r}")
    if not isinstance(data["media"]["width"].get("pixels"), int):
        # Without a pixel width python-escpos prints a warning to stdout on every image.
        raise ValueError(f"printer URL {url!r}: profile {profile!r} has no pixel width")


def _switch(url: str, value: str) -> bool:
    if value.lower() not in _SWITCH:
        raise ValueError(f"printer URL {url!r}: expected on or off, not {value!r}")
    return _SWITCH[value.lower()]


def _integer(url: str, key: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value, 0)
    except ValueError:
        raise ValueError(f"printer URL {url!r}: {key} must be a number, not {value!r}") from None
    if not low <= number <= high:
        raise ValueError(f"printer URL {url!r}: {key} must be from {low} to {high}")
    return number


# ---------------------------------------------------------------- connections


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"timed out after {self.seconds:g} s")
        return left


class _Job:
    """What every Kezek printer adds to its python-escpos connection: a deadline for every
    read and write, a count of the bytes sent, and a hook run when the job succeeded."""

    supports_status: bool = False  # can read a DLE EOT answer
    _device: Any  # python-escpos: False (never opened), None, or the open connection
    deadline: _Deadline
    bytes_sent: int

    def _job_setup(self, deadline: _Deadline) -> None:
        self.deadline = deadline
        self.bytes_sent = 0

    def _raw(self, msg: bytes) -> None:
        self._write(msg)
        self.bytes_sent += len(msg)

    def _write(self, msg: bytes) -> None:
        raise NotImplementedError

    def image(self, img_source: Any, *args: Any, **kwargs: Any) -> None:
        """A 1-bit image goes straight to ``GS v 0``, the same bytes python-escpos would send
        (tests check) in a fraction of the time; anything else goes through python-escpos."""
        if (
            isinstance(img_source, Image.Image)
            and img_source.mode == "1"
            and not args
            and set(kwargs) <= {"fragment_height"}
        ):
            pixels = self.profile.profile_data["media"]["width"]["pixels"]  # type: ignore[attr-defined]
            if isinstance(pixels, int) and img_source.width > pixels:
                raise ImageWidthError(f"{img_source.width} > {pixels}")
            for block in raster_blocks(img_source, kwargs.get("fragment_height", 960)):
                self._raw(block)
            return
        super().image(img_source, *args, **kwargs)  # type: ignore[misc]

    def succeeded(self, name: str) -> None:
        """Called once the job went through (the spool writes its files here)."""

    def abort(self) -> None:
        """Drop the connection without waiting for unsent data."""
        self.close()  # type: ignore[attr-defined]


class TcpPrinter(_Job, Network):
    supports_status = True

    def __init__(self, host: str, port: int, deadline: _Deadline, **kwargs: Any) -> None:
        Network.__init__(self, host=host, port=port, timeout=deadline.seconds, **kwargs)
        self._job_setup(deadline)

    def open(self, raise_not_found: bool = True) -> None:
        # create_connection closes its socket when connecting fails (no ResourceWarning),
        # unlike Network.open, and takes what is left of the deadline.
        self._device = socket.create_connection(
            (self.host, self.port), timeout=self.deadline.remaining()
        )

    def _write(self, msg: bytes) -> None:
        self._device.settimeout(self.deadline.remaining())
        self._device.sendall(msg)  # since 3.5 the timeout bounds the whole sendall

    def _read(self) -> bytes:
        self._device.settimeout(self.deadline.remaining())
        data: bytes = self._device.recv(16)
        if not data:
            raise ConnectionError("the printer closed the connection")
        return data

    def abort(self) -> None:
        if self._device:
            # RST rather than FIN: many printers take one connection at a time, and a
            # half-closed one with unsent data would keep the reprint waiting.
            linger = struct.pack("ii", 1, 0)  # struct linger: on, 0 seconds
            self._device.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            self._device.close()
            self._device = False


class UsbPrinter(_Job, Usb):
    supports_status = True

    def __init__(
        self,
        vendor: int,
        product: int,
        deadline: _Deadline,
        *,
        in_ep: int,
        out_ep: int,
        **kwargs: Any,
    ) -> None:
        Usb.__init__(
            self,
            idVendor=vendor,
            idProduct=product,
            in_ep=in_ep,
            out_ep=out_ep,
            timeout=self._ms(deadline.seconds),
            **kwargs,
        )
        self._job_setup(deadline)

    @staticmethod
    def _ms(seconds: float) -> int:
        return max(1, int(seconds * 1000))  # pyusb counts milliseconds; 0 would mean never

    def open(self, raise_not_found: bool = True) -> None:
        if not self.is_usable():
            raise DeviceNotFoundError("USB printing needs the pyusb package")
        super().open(raise_not_found)

    def _write(self, msg: bytes) -> None:
        self._device.write(self.out_ep, msg, self._ms(self.deadline.remaining()))

    def _read(self) -> bytes:
        data = self._device.read(self.in_ep, 16, self._ms(self.deadline.remaining()))
        return bytes(data)

    def close(self) -> None:
        # Usb.close raises when pyusb is missing, and close runs again from __del__.
        if self._device:
            import usb.util  # only reachable once pyusb opened the device

            usb.util.dispose_resources(self._device)
        self._device = False


class SerialPrinter(_Job, Serial):
    supports_status = True

    def __init__(
        self, device: str, deadline: _Deadline, *, baudrate: int, dsrdtr: bool, **kwargs: Any
    ) -> None:
        Serial.__init__(
            self,
            devfile=device,
            baudrate=baudrate,
            timeout=deadline.seconds,
            dsrdtr=dsrdtr,
            **kwargs,
        )
        self._job_setup(deadline)

    def _write(self, msg: bytes) -> None:
        # pyserial's write blocks for ever without a write_timeout (flow control held off).
        self._device.write_timeout = self.deadline.remaining()
        self._device.write(msg)

    def _read(self) -> bytes:
        # read(16) would wait out the whole timeout for the 15 bytes that never come.
        self._device.timeout = self.deadline.remaining()
        first: bytes = self._device.read(1)
        if not first:
            raise TimeoutError("no answer from the printer")
        return first + self._device.read(self._device.in_waiting)

    def succeeded(self, name: str) -> None:
        # close() would wait (tcdrain, closing_wait) for the output with no time limit.
        while self._device.out_waiting:
            self.deadline.remaining()
            time.sleep(0.01)

    def close(self) -> None:
        if self._device and self._device.is_open:
            self._device.reset_output_buffer()  # whatever is left would block close()
            self._device.close()
        self._device = False


class FilePrinter(_Job, File):
    """A device file written without blocking, so a stalled printer cannot hang the job."""

    def __init__(self, path: str, deadline: _Deadline, **kwargs: Any) -> None:
        File.__init__(self, devfile=path, **kwargs)
        self._job_setup(deadline)

    def open(self, raise_not_found: bool = True) -> None:
        # No O_CREAT: a missing /dev/usb/lp0 means the printer is unplugged, and a typo
        # must not quietly fill a file. O_NONBLOCK: a FIFO with no reader fails at once.
        fd = os.open(self.devfile, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        self._device = os.fdopen(fd, "wb", buffering=0)

    def _write(self, msg: bytes) -> None:
        fd = self._device.fileno()
        view = memoryview(msg)
        while view:
            try:
                view = view[os.write(fd, view) :]
            except BlockingIOError:
                select.select([], [fd], [], self.deadline.remaining())

    def close(self) -> None:
        if self._device:
            self._device.close()
        self._device = False


class SpoolPrinter(_Job, Dummy):
    """No hardware: each job's bytes to ``DIR/<name>.bin``, and a PNG decoded from them."""

    def __init__(self, directory: str, deadline: _Deadline, **kwargs: Any) -> None:
        Dummy.__init__(self, **kwargs)
        self._job_setup(deadline)
        self.directory = Path(directory)

    def _write(self, msg: bytes) -> None:
        Dummy._raw(self, msg)

    def succeeded(self, name: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        data = self.output
        stem = _keep_new(self.directory, _file_name(name), data)
        image = decode_image(data)
        if image is not None:  # a text-mode job has no raster to preview
            temporary = stem.with_suffix(".png.tmp")
            image.save(temporary, format="PNG")
            temporary.replace(stem.with_suffix(".png"))


class DummyPrinter(_Job, Dummy):
    """``escpos.printer.Dummy``; each finished job is kept for tests (``dummy_jobs``)."""

    def __init__(self, label: str, deadline: _Deadline, paper: str = "", **kwargs: Any) -> None:
        Dummy.__init__(self, **kwargs)
        self._job_setup(deadline)
        self.label = label
        self.paper = paper  # when set, answers status queries as a printer with this paper
        self.supports_status = bool(paper)

    def _write(self, msg: bytes) -> None:
        Dummy._raw(self, msg)

    def query_status(self, mode: bytes) -> bytes:
        self._raw(mode)
        if mode == RT_STATUS_ONLINE:
            return b"\x12"  # DLE EOT 1: online
        # DLE EOT 4: 0x12 plenty of paper, 0x1E near end, 0x72 out.
        return {"ok": b"\x12", "near_end": b"\x1e", "out": b"\x72"}[self.paper]

    def succeeded(self, name: str) -> None:
        with _DUMMY_LOCK:
            _DUMMY_JOBS.setdefault(self.label, deque(maxlen=100)).append(
                DummyJob(name, self.output)
            )


@dataclass(frozen=True, slots=True)
class DummyJob:
    name: str
    data: bytes


_DUMMY_LOCK = threading.Lock()
_DUMMY_JOBS: dict[str, deque[DummyJob]] = {}


def dummy_jobs(label: str = "") -> list[DummyJob]:
    """The last jobs (up to 100) printed to ``dummy://LABEL``, oldest first."""
    with _DUMMY_LOCK:
        return list(_DUMMY_JOBS.get(label, ()))


def clear_dummy_jobs(label: str = "") -> None:
    with _DUMMY_LOCK:
        _DUMMY_JOBS.pop(label, None)


def _file_name(name: str) -> str:
    # Ticket codes are Cyrillic ("А-017"): keep letters of any script, nothing that walks
    # out of the directory.
    safe = re.sub(r"[^\w.-]+", "_", name).strip("._")[:80]
    return safe or "job"


def _keep_new(directory: Path, name: str, data: bytes) -> Path:
    """Write ``DIR/<name>.bin`` whole, never over an earlier job of the same name (a reprint
    is ``<name>-2``); returns the path without its suffix."""
    temporary = directory / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
    temporary.write_bytes(data)
    try:
        for n in range(1, 1000):
            stem = directory / (name if n == 1 else f"{name}-{n}")
            try:
                os.link(temporary, stem.with_suffix(".bin"))  # fails if taken: no overwrite
            except FileExistsError:
                continue
            return stem
        raise OSError(f"spool {directory}: 999 jobs named {name}")
    finally:
        temporary.unlink()


def open_printer(url: str | PrinterURL, *, timeout: float = DEFAULT_TIMEOUT) -> Escpos:
    """A new, not yet connected python-escpos printer for one job of at most ``timeout`` s."""
    return _printer(url if isinstance(url, PrinterURL) else parse_printer_url(url), timeout)


def _printer(target: PrinterURL, timeout: float) -> Any:
    deadline = _Deadline(timeout)
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


# ---------------------------------------------------------------- text mode


def _enable_kz1048() -> None:
    # python-escpos knows code page 53 (RK1048) but not how to encode it, so every Kazakh
    # letter became "?". Python's codec is named kz1048 (DESIGN.md, text mode).
    CAPABILITIES["encodings"]["RK1048"].setdefault("python_encode", "kz1048")


# Characters a talon may contain that KZ-1048 lacks, and what to print instead.
_KZ1048_FALLBACK = str.maketrans({"≈": "~", "‑": "-", "−": "-", "…": "...", "\u00a0": " "})


def kz1048_text(text: str) -> str:
    """``text`` with only characters KZ-1048 has (none would print as "?")."""
    text = text.translate(_KZ1048_FALLBACK)
    return "".join(ch if _kz1048_encodable(ch) else "-" for ch in text)


def _kz1048_encodable(ch: str) -> bool:
    try:
        ch.encode("kz1048")
    except UnicodeEncodeError:
        return False
    return True


def write_text_talon(printer: Any, talon: QueueTalon, columns: int = 48) -> None:
    """The queue talon as printer text in KZ-1048 with a native QR (``GS ( k``)."""
    _enable_kz1048()
    printer.hw("INIT")  # ESC @ resets the code page, so it goes first
    printer.charcode("RK1048")  # ESC t 53

    def lines(text: str, width: int = columns) -> None:
        for line in textwrap.wrap(kz1048_text(text), width) or [""]:
            printer.text(line + "\n")

    content = queue_talon_lines(talon)
    printer.set(align="center", bold=True)
    lines(content.office[0])
    printer.set(bold=False)
    for other in content.office[1:]:
        lines(other)
    printer.text("-" * columns + "\n")
    printer.set(bold=True)
    lines(content.service[0])
    printer.set(bold=False)
    for other in content.service[1:]:
        lines(other)
    lines(content.your_number)
    # 4x4 characters: the code reads from across the hall like the raster one.
    printer.set(align="center", bold=True, custom_size=True, width=4, height=4)
    lines(talon.code, columns // 4)
    printer.set(normal_textsize=True, bold=False)
    lines(talon.issued_at)
    printer.text("-" * columns + "\n")
    printer.set(align="left")
    for labels, value in content.rows:
        label = " / ".join(labels)
        if len(label) + len(value) + 1 <= columns:
            printer.text(kz1048_text(label + " " * (columns - len(label) - len(value)) + value))
            printer.text("\n")
        else:
            lines(label)
            printer.set(align="right", bold=True)
            lines(value)
            printer.set(align="left", bold=False)
    printer.set(align="center")
    if content.hours:
        printer.text("-" * columns + "\n")
        lines(content.hours_title)
        for line in content.hours:
            lines(line)
    printer.text("-" * columns + "\n")
    for line in content.guidance:
        lines(line)
    if talon.status_url:
        printer.qr(talon.status_url, native=True, size=6)  # centred by ESC a 1 above
        for line in content.scan:
            lines(line)
    printer.cut()


def text_talon_bytes(talon: QueueTalon, columns: int = 48, profile: str = DEFAULT_PROFILE) -> bytes:
    """The text-mode stream of a talon, without a printer (for tests and the benchmark)."""
    printer = Dummy(profile=profile)
    write_text_talon(printer, talon, columns)
    return bytes(printer.output)
