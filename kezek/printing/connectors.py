"""python-escpos connections with a deadline (stateful: sockets, devices, files).

One fresh connection per job (DESIGN.md, "python-escpos quirks"): python-escpos's
``Network(timeout=60)`` and ``Usb(timeout=0)`` block for a minute or for ever on a dead
printer, and a failed ``Network`` cannot reopen. Here one deadline covers the whole job:
connect, status query, sending and the final status query; a printer that accepts and
then goes silent costs ``timeout`` seconds, never more.

python-escpos ships no type information, so its classes are ``Any`` to mypy; subclassing
them is allowed for this module (and ``offline``) in pyproject's mypy overrides.
"""

from __future__ import annotations

import os
import select
import socket
import struct
import time
from typing import Any

from escpos.exceptions import DeviceNotFoundError, ImageWidthError
from escpos.printer import File, Network, Serial, Usb
from PIL import Image

from kezek.printing.raster import raster_blocks

__all__ = ["Deadline", "FilePrinter", "Job", "SerialPrinter", "TcpPrinter", "UsbPrinter"]


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"timed out after {self.seconds:g} s")
        return left


class Job:
    """What every Kezek printer adds to its python-escpos connection: a deadline for every
    read and write, a count of the bytes sent, and a hook run when the job succeeded."""

    supports_status: bool = False  # can read a DLE EOT answer
    _device: Any  # python-escpos: False (never opened), None, or the open connection
    deadline: Deadline
    bytes_sent: int

    def _job_setup(self, deadline: Deadline) -> None:
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


class TcpPrinter(Job, Network):
    supports_status = True

    def __init__(self, host: str, port: int, deadline: Deadline, **kwargs: Any) -> None:
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


class UsbPrinter(Job, Usb):
    supports_status = True

    def __init__(
        self,
        vendor: int,
        product: int,
        deadline: Deadline,
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


class SerialPrinter(Job, Serial):
    supports_status = True

    def __init__(
        self, device: str, deadline: Deadline, *, baudrate: int, dsrdtr: bool, **kwargs: Any
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
        rest: bytes = self._device.read(self._device.in_waiting)
        return first + rest

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


class FilePrinter(Job, File):
    """A device file written without blocking, so a stalled printer cannot hang the job."""

    def __init__(self, path: str, deadline: Deadline, **kwargs: Any) -> None:
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
