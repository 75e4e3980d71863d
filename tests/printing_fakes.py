"""A receipt printer on 127.0.0.1 for the printing tests: a socket server in a thread that
speaks enough ESC/POS to answer status queries, and can misbehave on demand."""

from __future__ import annotations

import os
import select
import socket
import threading
import time
from types import TracebackType
from typing import Literal

Behaviour = Literal["normal", "silent", "slow", "paper_out", "near_end", "offline"]

DLE_EOT = b"\x10\x04"
GS_V0 = b"\x1dv0"
PAPER_BYTE = {"ok": 0x12, "near_end": 0x1E, "out": 0x72}  # DLE EOT 4 answers


class FakePrinter:
    """A network printer on port 9100's protocol, on a free loopback port.

    ``normal``: reads everything, answers DLE EOT. ``silent``: accepts, never reads or answers.
    ``slow``: answers, but reads 64 bytes every 50 ms (a jammed printer). ``paper_out`` and
    ``near_end``: answer the paper query so. ``behaviour`` can change while it runs (a
    printer that recovers). ``jobs``: the bytes received on each connection, in the order
    the connections came (read them after ``stop()``).
    """

    def __init__(self, behaviour: Behaviour = "normal", port: int = 0) -> None:
        self.behaviour: Behaviour = behaviour
        self._connections: list[bytearray] = []
        self.queries = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # A small receive buffer, like a printer's, so a slow reader holds the sender back.
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self._listener.bind(("127.0.0.1", port))
        self._listener.listen(4)
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self.url = f"tcp://127.0.0.1:{self.port}"
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, name="fake-printer", daemon=True)

    def __enter__(self) -> FakePrinter:
        self._acceptor.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def jobs(self) -> list[bytes]:
        with self._lock:
            return [bytes(data) for data in self._connections if data]

    def stop(self) -> None:
        self._stop.set()
        self._acceptor.join(5)
        for thread in self._threads:
            thread.join(5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        received = bytearray()
        with self._lock:
            self._connections.append(received)
        parser = _Parser()
        with conn:
            conn.settimeout(0.05)
            while not self._stop.is_set():
                behaviour = self.behaviour
                if behaviour == "silent":
                    time.sleep(0.02)  # holds the connection, never reads
                    continue
                try:
                    chunk = conn.recv(64 if behaviour == "slow" else 65536)
                except TimeoutError:
                    continue
                except OSError:  # the client gave up and reset the connection
                    return
                if not chunk:
                    return
                with self._lock:
                    received += chunk
                for query in parser.feed(chunk):
                    with self._lock:
                        self.queries += 1
                    try:
                        conn.sendall(bytes([self._answer(query)]))
                    except OSError:
                        return
                if behaviour == "slow":
                    time.sleep(0.05)

    def _answer(self, query: int) -> int:
        if query == 1:  # printer status: bit 3 set = offline
            return 0x1A if self.behaviour == "offline" else 0x12
        paper = {"paper_out": "out", "near_end": "near_end"}.get(self.behaviour, "ok")
        return PAPER_BYTE[paper]


class _Parser:
    """Finds DLE EOT n in a stream fed in pieces, skipping GS v 0 raster data (which may
    contain those bytes by chance, as a real printer does)."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._skip = 0

    def feed(self, chunk: bytes) -> list[int]:
        self._buffer += chunk
        queries: list[int] = []
        buf = self._buffer
        while buf:
            if self._skip:
                taken = min(self._skip, len(buf))
                del buf[:taken]
                self._skip -= taken
                continue
            if buf[:2] == DLE_EOT:
                if len(buf) < 3:
                    break
                queries.append(buf[2])
                del buf[:3]
            elif buf[:3] == GS_V0:
                if len(buf) < 8:
                    break
                self._skip = int.from_bytes(buf[4:6], "little") * int.from_bytes(buf[6:8], "little")
                del buf[:8]
            elif buf[0] in (0x10, 0x1D) and len(buf) < 3:
                break  # maybe the start of a command split across reads
            else:
                del buf[:1]
        return queries


def free_port() -> int:
    """A loopback port with nothing listening (connecting is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class PtyPrinter:
    """A serial printer on a pseudo-terminal: ``device`` is the port the code opens.

    ``reads``: how many bytes it takes before it stops reading (None: all of them); it
    answers DLE EOT while it reads.
    """

    def __init__(self, reads: int | None = None) -> None:
        self._master, self._slave = os.openpty()
        self.device = os.ttyname(self._slave)
        self.url = f"serial://{self.device}?baud=115200&dsrdtr=0"
        self.received = bytearray()
        self._reads = reads
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="pty-printer", daemon=True)

    def __enter__(self) -> PtyPrinter:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(5)
        os.close(self._master)
        os.close(self._slave)

    def _serve(self) -> None:
        parser = _Parser()
        while not self._stop.is_set():
            if self._reads is not None and len(self.received) >= self._reads:
                time.sleep(0.02)  # jammed: stops reading, the line backs up
                continue
            ready, _, _ = select.select([self._master], [], [], 0.02)
            if not ready:
                continue
            chunk = os.read(self._master, 4096)
            self.received += chunk
            for _ in parser.feed(chunk):
                os.write(self._master, bytes([PAPER_BYTE["ok"]]))
