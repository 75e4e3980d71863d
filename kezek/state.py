"""The shared objects of one office, built in the lifespan: every one a typed field.

Reached through ``web.state(request)``; ``create_app`` takes the printers, the voice and the
limiter so tests pass their own instead of patching the running app.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from kezek import profile_sync
from kezek.bookings.rules import Rules
from kezek.display.stream import Live
from kezek.display.voice import Voice
from kezek.kiosk.limits import RateLimiter
from kezek.kiosk.phone_stream import PhoneHub
from kezek.printing.jobs import PrintFunction, PrintQueue
from kezek.printing.text_queue import TextTalons
from kezek.queue.clock import Clock
from kezek.queue.estimate import Rates
from kezek.queue.events import Broker
from kezek.queue.models import Service, ServicePoint
from kezek.queue.order import CallOrder
from kezek.settings import Profile, Settings

# Makes the print queue: called with the text-mode talons as ``print_fn`` or with nothing.
Printers = Callable[..., PrintQueue]
# (time.monotonic() of the reading or None, "ok" | "near_end" | "out" | "offline" | "unknown")
Paper = tuple[float | None, str]


def _printers(print_fn: PrintFunction | None = None) -> PrintQueue:
    return PrintQueue() if print_fn is None else PrintQueue(print_fn=print_fn)


@dataclass
class State:
    """Shared objects, built in the lifespan and reached through ``request.app.state.kezek``."""

    settings: Settings
    profile: Profile
    engine: Engine
    broker: Broker
    clock: Clock
    office_id: int
    services: dict[str, Service] = field(default_factory=dict)  # by code, active only
    points: dict[str, ServicePoint] = field(default_factory=dict)
    # The kiosk's talons (kiosk/talon_jobs.py).
    printers: Printers = _printers
    print_queue: PrintQueue | None = None
    text_talons: TextTalons | None = None  # in text mode
    # Each kiosk printer by its URL (issue 20: every kiosk prints on its own printer):
    paper: dict[str, Paper] = field(default_factory=dict)  # its last known condition
    talons_failing: set[str] = field(default_factory=set)  # only a printed talon clears it
    status_locks: dict[str, threading.Lock] = field(default_factory=dict)  # one reading each
    status_url: str | None = None  # the phone page URL with {token} in place of the token
    # The kiosk's gentle limit on taps (kiosk/routes.py).
    limiter: RateLimiter = field(default_factory=RateLimiter)
    # Every other client's limit on every ticket-issuing route (devices/gate.py).
    public_limiter: RateLimiter = field(default_factory=RateLimiter)
    # The displays (display/routes.py).
    live: Live | None = None
    phones: PhoneHub | None = None  # the phone pages' live stream (kiosk/phone_stream.py)
    # The Telegram bot's username and the follow tokens' key, while the bot runs (kezek/notify).
    follow_bot: str | None = None
    follow_key: bytes | None = None
    voice: Voice | None = None
    signals: dict[int, Any] = field(default_factory=dict)  # signal -> (uvicorn's, ours)
    point_services: dict[str, list[int]] = field(default_factory=dict)  # by point code
    # The API's waiting-time estimate (api/routes.py).
    estimate_rates: Rates = field(default_factory=Rates)
    # What became of print jobs, for /metrics and /readyz (kezek/metrics.py, kezek/health.py):
    # (printer, "printed" | "paper_out" | "failed") -> jobs, and each printer's last outcome.
    # §10 pre-registration (kezek/bookings): the rules from the profile, the key of the IIN's
    # hash (KEZEK_BOOKING_KEY or the office's own), the limit of bookings per address.
    booking_rules: Rules = field(default_factory=Rules)
    booking_key: bytes = b""
    booking_limiter: RateLimiter = field(default_factory=RateLimiter)
    print_jobs: Counter[tuple[str, str]] = field(default_factory=Counter)
    printer_last: dict[str, str] = field(default_factory=dict)

    def note_print(self, printer: str, ok: bool, paper: str) -> None:
        """Count one job's outcome on ``printer`` ("kiosk/lobby", "desk/cab1")."""
        outcome = "printed" if ok else "paper_out" if paper == "out" else "failed"
        self.print_jobs[(printer, outcome)] += 1
        self.printer_last[printer] = outcome

    def service_by_id(self, service_id: int | None) -> Service | None:
        return next((s for s in self.services.values() if s.id == service_id), None)

    def point_by_id(self, point_id: int | None) -> ServicePoint | None:
        return next((p for p in self.points.values() if p.id == point_id), None)

    @property
    def call_order(self) -> CallOrder:
        """The profile's call order (issue 17): for call-next and every position shown."""
        return profile_sync.call_order(self.profile)
