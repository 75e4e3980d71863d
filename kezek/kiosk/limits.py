"""A gentle limit on new tickets per kiosk (client), so a child tapping fifty times gets a
friendly "wait a moment", not fifty tickets. Kept in memory: a restart forgets it, which
is harmless."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

# A real lobby kiosk serves one visitor at a time; five in a minute is already a crowd.
TICKETS_PER_MINUTE = 5
WINDOW_SECONDS = 60.0
MAX_CLIENTS = 10_000  # bounds memory if many distinct clients (phones, scripts) post


class RateLimiter:
    """At most ``per_minute`` new tickets per client key in any sliding minute."""

    def __init__(
        self, per_minute: int = TICKETS_PER_MINUTE, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_minute = per_minute
        self._monotonic = monotonic
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] >= WINDOW_SECONDS:
            hits.popleft()
        return hits

    def allowed(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, self._monotonic())) < self.per_minute

    def wait_seconds(self, key: str) -> int:
        """How long until the client may take another ticket (0 when it may now)."""
        with self._lock:
            now = self._monotonic()
            hits = self._recent(key, now)
            if len(hits) < self.per_minute:
                return 0
            return max(1, int(WINDOW_SECONDS - (now - hits[0]) + 0.999))

    def record(self, key: str) -> None:
        with self._lock:
            now = self._monotonic()
            if len(self._hits) >= MAX_CLIENTS and key not in self._hits:
                self._forget_idle(now)
            self._recent(key, now).append(now)

    def _forget_idle(self, now: float) -> None:
        for key in [
            k for k, hits in self._hits.items() if not hits or now - hits[-1] >= WINDOW_SECONDS
        ]:
            del self._hits[key]
        if len(self._hits) >= MAX_CLIENTS:  # all busy: drop the oldest client, not the memory
            del self._hits[next(iter(self._hits))]
