"""The kiosk: a talon built, rendered and encoded per ticket, and kiosk tickets per second
with printing to a loopback TCP printer, each beside a baseline measured in the same run.

    python -m bench.kiosk_bench [--seconds 5] [--rounds 100]

* talon: ``kezek.kiosk.talon_content.queue_talon`` (reads the ticket's service, cabinets and
  estimate from SQLite) + ``render_queue_talon`` + the ``GS v 0`` bytes, per ticket.
  Baseline: a blank
  576×600 1-bit image through python-escpos's ``image()`` (DESIGN.md quotes ~8 ms).
* kiosk (issue 20): 300 tickets from 8 kiosks (``POST /kiosk/k1/ticket`` … ``k8``) on uvicorn
  (one worker, SQLite), each kiosk with its own loopback ESC/POS printer that answers status
  queries; each kiosk taps again as soon as its screen answers. Reported: the share of talons
  printed, printed tickets/s (first tap to the last talon's last byte) and the talon's p99
  from the tap to its last byte at the printer (each printer gets its kiosk's talons in
  order). Baseline: ``POST /api/tickets`` on the same server (no page, no talon), 300
  tickets from 8 clients, in the same run. Both with bench/light_client.py. Each kiosk
  request comes "from another kiosk" (X-Forwarded-For) so the per-kiosk limit of 5 tickets
  a minute does not apply; it would otherwise cap one client at 0.08 tickets/s.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import socket
import sqlite3
import statistics
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx

from bench import light_client
from bench.common import ROOT, Load, percentile, print_table, row, server, temp_dir
from bench.foundation import cli
from bench.light_client import Connection

CLIENTS = 8
TICKETS = 300
GS_V0 = b"\x1dv0"


class SinkPrinter:
    """A fast ESC/POS printer on 127.0.0.1: reads everything, answers DLE EOT (paper ok)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.talons = 0
        self.bytes = 0
        self.last_bytes: list[float] = []  # perf_counter() of each talon's last byte
        self._lock = threading.Lock()
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        data = bytearray()
        position = 0
        deadline = time.monotonic() + 30
        last = 0.0
        with conn:
            conn.settimeout(1.0)
            while time.monotonic() < deadline:
                try:
                    chunk = conn.recv(1 << 16)
                except OSError:
                    break
                if not chunk:
                    break
                data += chunk
                last = time.perf_counter()
                while position < len(data):
                    head = bytes(data[position : position + 8])
                    if head.startswith(GS_V0):
                        if len(head) < 8:
                            break
                        size = int.from_bytes(head[4:6], "little") * int.from_bytes(
                            head[6:8], "little"
                        )
                        if len(data) < position + 8 + size:
                            break
                        position += 8 + size
                    elif head.startswith(b"\x10\x04"):
                        if len(head) < 3:
                            break
                        conn.sendall(b"\x12")  # online; paper adequate
                        position += 3
                    elif len(head) < 3 and (GS_V0.startswith(head) or b"\x10\x04".startswith(head)):
                        break
                    else:
                        position += 1
        if GS_V0 in data:
            with self._lock:
                self.last_bytes.append(last)
                self.talons += 1
                self.bytes += len(data)

    def close(self) -> None:
        self._stop.set()
        self.sock.close()


def kiosk_profile(directory: Path, ports: list[int]) -> Path:
    """The demo office (open at every hour), kiosks k1…kN, each at its own sink printer."""
    text = (ROOT / "kezek" / "profiles" / "demo.toml").read_text(encoding="utf-8")
    kiosks = "\n".join(f'k{n} = "tcp://127.0.0.1:{port}"' for n, port in enumerate(ports, 1))
    text = text.replace('slug = "demo"', 'slug = "bench-kiosk"').replace(
        'lobby = "spool://var/spool/kiosk"', kiosks
    )
    assert kiosks in text
    path = directory / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def talon_ms(rounds: int) -> tuple[float, float, int]:
    """(median ms per kiosk talon, median ms of the blank-image baseline, bytes per talon)."""
    from escpos.printer import Dummy
    from PIL import Image

    from kezek import db, migrate, profile_sync
    from kezek.app import load_state
    from kezek.kiosk import talon_content
    from kezek.printing.raster import raster_bytes
    from kezek.printing.talons import render_queue_talon
    from kezek.queue import tickets
    from kezek.queue.clock import Clock, ManualClock
    from kezek.settings import Settings, load_profile

    directory = temp_dir()
    engine = db.make_engine(f"sqlite:///{directory / 'talon.sqlite3'}")
    migrate.upgrade(engine)
    settings = Settings(
        profile="kyzylzhar",
        database_url=str(engine.url),
        spool_dir=str(directory / "spool"),
    )
    moment = ManualClock(datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Almaty")))
    st = load_state(
        settings, engine, Clock(profile_sync.schedule(load_profile("kyzylzhar")), moment)
    )
    service = st.services["registration"]

    def one(n: int) -> tuple[float, int]:
        with db.transaction(engine) as session:  # not timed: the ticket itself
            ticket = tickets.issue(session, st.clock, service, lang="kk" if n % 2 else "ru")
        began = time.perf_counter()
        with db.reading(engine) as session:
            talon = talon_content.queue_talon(
                session, st, ticket, f"http://kezek.lan/t/{ticket.public_token}"
            )
        data = raster_bytes(render_queue_talon(talon, st.profile.printers.paper_width))
        return time.perf_counter() - began, len(data)

    one(0)  # warm the line cache like a kiosk that has printed before
    timed = [one(n) for n in range(1, rounds + 1)]
    blank = Image.new("1", (576, 600), 1)
    base = []
    for _ in range(rounds):
        began = time.perf_counter()
        Dummy(profile="TM-T20II").image(blank)
        base.append(time.perf_counter() - began)
    engine.dispose()
    return (
        statistics.median(t for t, _ in timed) * 1000,
        statistics.median(base) * 1000,
        int(statistics.median(size for _, size in timed)),
    )


async def _taps(base: str, tickets: int) -> tuple[list[list[float]], float, int]:
    """The kiosks tap ``tickets`` times in all, each again as soon as its screen answers:
    (tap times per kiosk, seconds, errors)."""
    counter = iter(range(1, tickets + 1))
    taps: list[list[float]] = [[] for _ in range(CLIENTS)]
    errors = 0

    async def kiosk(index: int) -> None:
        nonlocal errors
        conn = await light_client.connect(base)
        try:
            for n in counter:
                form = urlencode(
                    {
                        "service": "registration",
                        "lang": "kk",
                        # confirm: near midnight the demo office's wait runs past closing (§10)
                        "confirm": "1",
                        "request_id": secrets.token_urlsafe(12),
                    }
                )
                taps[index].append(time.perf_counter())
                status, _ = await conn.request(
                    "POST",
                    f"/kiosk/k{index + 1}/ticket",
                    form=form,
                    headers={
                        "hx-request": "true",
                        "x-forwarded-for": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
                    },
                )
                errors += status != 201
        finally:
            conn.close()

    began = time.perf_counter()
    await asyncio.gather(*(kiosk(i) for i in range(CLIENTS)))
    return taps, time.perf_counter() - began, errors


async def _api(base: str, per_client: int) -> Load:
    async def one(conn: Connection, _: int) -> bool:
        status, _ = await conn.request(
            "POST", "/api/tickets", json_body={"service": "registration"}
        )
        return status == 201

    return await light_client.load(
        base, one, clients=CLIENTS, seconds=120, max_requests=per_client * CLIENTS
    )


def _drain(path: Path, printers: list[SinkPrinter], count: int) -> dict[str, int]:
    """Wait (at most 120 s) until no talon is pending; the tickets by print status."""
    database = sqlite3.connect(path)
    deadline = time.monotonic() + 120
    query = "SELECT COUNT(*) FROM tickets WHERE print_status = 'pending'"
    while time.monotonic() < deadline and (
        database.execute(query).fetchone()[0] or sum(p.talons for p in printers) < count
    ):
        time.sleep(0.2)
    time.sleep(0.5)  # the last connections close
    status = dict(
        database.execute("SELECT print_status, COUNT(*) FROM tickets GROUP BY print_status")
    )
    database.close()
    return status


def kiosk_rate(tickets: int = TICKETS) -> tuple[dict[str, float], dict[str, float]]:
    printers = [SinkPrinter() for _ in range(CLIENTS)]
    directory = temp_dir()
    env = {
        "KEZEK_PROFILE": str(kiosk_profile(directory, [p.port for p in printers])),
        "KEZEK_DATABASE_URL": f"sqlite:///{directory / 'kezek.sqlite3'}",
        "KEZEK_SPOOL_DIR": str(directory / "spool"),
    }
    cli(env, "db", "upgrade")
    try:
        with server("kezek.app:create_app", env=env) as base:
            httpx.get(base + "/kiosk/", timeout=10)
            baseline = asyncio.run(_api(base, tickets // CLIENTS))
            taps, seconds, errors = asyncio.run(_taps(base, tickets))
            status = _drain(directory / "kezek.sqlite3", printers, tickets)
    finally:
        for printer in printers:
            printer.close()
    first = min(t[0] for t in taps)
    latencies = [
        done - tap
        for printer, kiosk in zip(printers, taps, strict=True)
        for tap, done in zip(kiosk, printer.last_bytes, strict=False)
    ]
    received = sum(p.talons for p in printers)
    last = max((max(p.last_bytes) for p in printers if p.last_bytes), default=first)
    kiosk_row = {
        "taps": tickets,
        "rate": received / (last - first) if last > first else 0.0,
        "tap_rate": tickets / seconds,
        "p50": percentile(latencies, 50) * 1000,
        "p99": percentile(latencies, 99) * 1000,
        "errors": errors,
        "printed": status.get("printed", 0),
        "failed": status.get("failed", 0),
        "pending": status.get("pending", 0),
        "received": received,
    }
    base_row = {
        "rate": baseline.rate,
        "p50": baseline.pct(50) * 1000,
        "p99": baseline.pct(99) * 1000,
        "errors": baseline.errors,
    }
    return kiosk_row, base_row


def run(seconds: float = 5.0, rounds: int = 100) -> list[dict[str, object]]:
    ms, base_ms, size = talon_ms(rounds)
    kiosk_row, base_row = kiosk_rate()
    printed = 100 * kiosk_row["printed"] / kiosk_row["taps"]
    return [
        row(
            "kiosk talon build+render+encode",
            ms,
            "ms",
            "blank 576x600 escpos",
            base_ms,
            target="~8 ms (DESIGN.md)",
            higher_is_better=False,
            bytes=size,
        ),
        row(
            f"kiosk talons printed, {TICKETS} from {CLIENTS} kiosks",
            printed,
            "%",
            "all taps",
            100.0,
            target="100 %",
            print_failed=kiosk_row["failed"],
            still_pending=kiosk_row["pending"],
            printers_received=kiosk_row["received"],
        ),
        row(
            f"kiosk tickets printed/s, {CLIENTS} printers",
            kiosk_row["rate"],
            "tickets/s",
            "API issue, no talon",
            base_row["rate"],
            target="≥ 0.5×",
            kiosk_answers_per_s=kiosk_row["tap_rate"],
            errors=kiosk_row["errors"] + base_row["errors"],
            baseline_p99_ms=base_row["p99"],
        ),
        row(
            "kiosk talon p99, tap → last byte",
            kiosk_row["p99"],
            "ms",
            "API issue p99",
            base_row["p99"],
            higher_is_better=False,
            p50_ms=kiosk_row["p50"],
        ),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=100)
    options = parser.parse_args()
    results = run(options.seconds, options.rounds)
    print_table(results)
    for r in results:
        print({k: round(v, 2) if isinstance(v, float) else v for k, v in r.items()})
