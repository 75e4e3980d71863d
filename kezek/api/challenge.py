"""The booking form's gate, shared by the phone page and ``POST /api/bookings`` (one place,
so no route is weaker): a self-hosted ALTCHA proof of work (the ``altcha`` library, its v1
challenge: find the number whose SHA-256 with the salt is the challenge; no outside
service), each solution good once, and a limit of attempts per client address."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from altcha import v1
from starlette.requests import Request

from kezek.i18n import N_
from kezek.web import State, state

MAX_NUMBER = 100_000  # about half a second on a cheap phone, in plain JavaScript
LIFETIME = timedelta(minutes=10)
MAX_USED = 50_000  # solutions remembered (bounded memory); older ones have expired anyway

_used: dict[str, float] = {}
_lock = threading.Lock()

REFUSED = N_("The form's check failed. Reload the page and try again.")
TOO_MANY = N_("Too many attempts from this address: try again in %(seconds)s seconds.")


def _key(st: State) -> bytes:
    return hmac.new(st.booking_key, b"altcha", hashlib.sha256).digest()


def issue(request: Request) -> dict[str, Any]:
    """A new challenge, as the ALTCHA widget expects it (wall-clock expiry)."""
    found = v1.create_challenge(
        v1.ChallengeOptions(
            hmac_key=_key(state(request)),
            max_number=MAX_NUMBER,
            expires=datetime.now(UTC) + LIFETIME,
        )
    )
    answer: dict[str, Any] = found.to_dict()
    return answer


def solved(request: Request, payload: str) -> bool:
    """Whether ``payload`` (the base64 JSON the widget sends) solves one of our challenges
    that has not expired and was not used before."""
    if not payload or len(payload) > 2000 or not payload.isascii():
        return False
    ok, _ = v1.verify_solution(payload, _key(state(request)), check_expires=True)
    if not ok:
        return False
    now = time.time()
    with _lock:
        if payload in _used:
            return False
        if len(_used) >= MAX_USED:
            for old in [p for p, at in _used.items() if now - at > LIFETIME.total_seconds()]:
                del _used[old]
        _used[payload] = now
    return True


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def admit(request: Request) -> int:
    """0 when this client may try to book now (the attempt is counted), else the seconds
    until it may."""
    limiter, key = state(request).booking_limiter, client_key(request)
    if not limiter.allowed(key):
        return limiter.wait_seconds(key)
    limiter.record(key)
    return 0
