"""The kiosk: a talon built, rendered and encoded per ticket, and kiosk tickets per second
with printing to a loopback TCP printer, each beside a baseline measured in the same run.

    python -m bench.kiosk_bench [--seconds 5] [--rounds 100]

* talon: ``kezek.kiosk.talon_content.queue_talon`` (reads the ticket's service, cabinets and
  estimate from SQLite) + ``render_queue_talon`` + the ``GS v 0`` bytes, per ticket.
  Baseline: a blank
  576×600 1-bit image through python-escpos's ``image()`` (DESIGN.md quotes ~8 ms).
* kiosk: ``POST /kiosk/ticket`` on uvicorn (one worker, SQLite), each ticket printed by the
  app's print queue to a loopback ESC/POS printer that answers status queries. Baseline:
  ``POST /api/tickets`` on the same server (no page, no talon), in the same run. Each kiosk
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
from zoneinfo import ZoneInfo

import httpx

from bench.common import ROOT, load, print_table, row, server, temp_dir
from bench.foundation import cli

CLIENTS = 8
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
                self.talons += 1
                self.bytes += len(data)

    def close(self) -> None:
        self._stop.set()
        self.sock.close()


def kiosk_profile(directory: Path, port: int) -> Path:
    """The demo office (open at every hour), its lobby printer at the sink printer."""
    text = (ROOT / "kezek" / "profiles" / "demo.toml").read_text(encoding="utf-8")
    text = text.replace('slug = "demo"', 'slug = "bench-kiosk"').replace(
        'lobby = "spool://var/spool/kiosk"', f'lobby = "tcp://127.0.0.1:{port}"'
    )
    assert f"tcp://127.0.0.1:{port}" in text
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


def kiosk_rate(seconds: float) -> tuple[dict[str, float], dict[str, float]]:
    printer = SinkPrinter()
    directory = temp_dir()
    env = {
        "KEZEK_PROFILE": str(kiosk_profile(directory, printer.port)),
        "KEZEK_DATABASE_URL": f"sqlite:///{directory / 'kezek.sqlite3'}",
        "KEZEK_SPOOL_DIR": str(directory / "spool"),
    }
    counter = iter(range(1, 10**9))

    async def kiosk(client: httpx.AsyncClient, _: int) -> bool:
        n = next(counter)
        kiosk_address = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
        response = await client.post(
            base + "/kiosk/ticket",
            # confirm: near midnight the demo office's wait runs past closing (§10 notice)
            data={
                "service": "registration",
                "lang": "kk",
                "confirm": "1",
                "request_id": secrets.token_urlsafe(12),
            },
            headers={"hx-request": "true", "x-forwarded-for": kiosk_address},
        )
        return response.status_code == 201

    async def api(client: httpx.AsyncClient, _: int) -> bool:
        response = await client.post(base + "/api/tickets", json={"service": "registration"})
        return response.status_code == 201

    cli(env, "db", "upgrade")
    try:
        with server("kezek.app:create_app", env=env) as base:
            httpx.get(base + "/kiosk/", timeout=10)
            baseline = asyncio.run(load(api, clients=CLIENTS, seconds=seconds))
            kiosk_load = asyncio.run(load(kiosk, clients=CLIENTS, seconds=seconds))
            database = sqlite3.connect(directory / "kezek.sqlite3")
            deadline = time.monotonic() + 60  # let the print queue drain
            while (
                time.monotonic() < deadline
                and database.execute(
                    "SELECT COUNT(*) FROM tickets WHERE print_status = 'pending'"
                ).fetchone()[0]
            ):
                time.sleep(0.2)
            status = dict(
                database.execute(
                    "SELECT print_status, COUNT(*) FROM tickets GROUP BY print_status"
                ).fetchall()
            )
            reasons = database.execute(
                "SELECT print_error, COUNT(*) FROM tickets WHERE print_status = 'failed' "
                "GROUP BY print_error ORDER BY 2 DESC LIMIT 3"
            ).fetchall()
            database.close()
    finally:
        printer.close()
    kiosk_row = {
        "rate": kiosk_load.rate,
        "p50": kiosk_load.pct(50) * 1000,
        "p99": kiosk_load.pct(99) * 1000,
        "errors": kiosk_load.errors,
        "printed": status.get("printed", 0),
        "failed": status.get("failed", 0),
        "pending": status.get("pending", 0),
        "received": printer.talons,
        "reasons": "; ".join(f"{n}× {why}" for why, n in reasons),
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
    kiosk_row, base_row = kiosk_rate(seconds)
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
            f"kiosk ticket + talon, HTTP, {CLIENTS} kiosks",
            kiosk_row["rate"],
            "req/s",
            "API issue, no talon",
            base_row["rate"],
            p50_ms=kiosk_row["p50"],
            p99_ms=kiosk_row["p99"],
            baseline_p50_ms=base_row["p50"],
            baseline_p99_ms=base_row["p99"],
            errors=kiosk_row["errors"] + base_row["errors"],
            printed=kiosk_row["printed"],
            print_failed=kiosk_row["failed"],
            still_pending=kiosk_row["pending"],
            printer_received=kiosk_row["received"],
            print_errors=kiosk_row["reasons"],
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
