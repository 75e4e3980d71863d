"""The print-job worker: talons print off the request path, one thread per printer.

Jobs to one printer go in order (a reprint never overtakes the talon it replaces); printers
work in parallel, so a dead lobby printer never holds up a clerk's desk printer. The kiosk
has already saved the ticket and shown the number before it submits (DESIGN.md, "Save the
ticket, then print"): a job that fails only reports, through its callback and its future.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

from PIL import Image

from kezek.printing.send import PrintOutcome, print_image
from kezek.printing.urls import DEFAULT_TIMEOUT

__all__ = ["PrintFunction", "PrintQueue"]

log = logging.getLogger("kezek.printing")

# print_image's shape: (url, image, *, name, timeout) -> PrintOutcome
PrintFunction = Callable[..., PrintOutcome]
Callback = Callable[[PrintOutcome], None]
# A talon, or how to render it: the printer's worker renders it, not the request (issue 20).
Talon = Image.Image | Callable[[], Image.Image]
# A printer's queue holds what a real one prints in a few minutes (a talon takes 1–3 s):
# a burst at the kiosks waits for the paper instead of being refused. Beyond it the printer
# is taken for dead, and its talons are refused (listed for reprint, kezek/staff).
MAX_PENDING = 200


@dataclass(slots=True)
class _Job:
    url: str
    image: Talon
    name: str
    on_done: Callback | None
    future: Future[PrintOutcome] = field(default_factory=Future)
    queued_at: float = field(default_factory=time.monotonic)


class PrintQueue:
    """Print jobs in the background, one worker thread per printer URL (made on first use).

    ``stale_after``: a job that waited longer than this for its printer is dropped, not
    printed: a talon that comes out minutes late is taken by the next person in the lobby
    (three minutes: a burst the queue holds prints within it).
    The visitor has the number on screen, and staff can reprint.
    """

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        stale_after: float | None = 180.0,
        max_pending: int = MAX_PENDING,
        print_fn: PrintFunction = print_image,
    ) -> None:
        self.timeout = timeout
        self.stale_after = stale_after
        self.max_pending = max_pending
        self._print_fn = print_fn
        self._lock = threading.Lock()
        self._queues: dict[str, queue.Queue[_Job | None]] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._closed = False

    def submit(
        self,
        url: str,
        image: Talon,
        name: str,
        on_done: Callback | None = None,
    ) -> Future[PrintOutcome]:
        """Queue a talon (an image, or a function that renders it, called by the worker) for
        ``url``; ``on_done`` runs on the worker thread with the outcome.

        Never raises and never blocks: a closed or overfull queue fails the job at once.
        """
        job = _Job(url, image, name, on_done)
        with self._lock:
            refusal = self._refusal(url)
            if refusal is None:
                self._worker(url).put(job)
        if refusal is not None:
            log.warning("print %s on %s refused: %s", name, url, refusal)
            self._finish(job, PrintOutcome(False, refusal, "unknown", 0))
        return job.future

    def pending(self) -> int:
        """Jobs waiting (not counting those being printed)."""
        with self._lock:
            return sum(jobs.qsize() for jobs in self._queues.values())

    def close(self, timeout: float = 10.0) -> bool:
        """Refuse new jobs, let the workers drain theirs, wait at most ``timeout`` seconds.

        Returns whether every worker finished; any left are daemon threads and die with the
        process (their tickets are saved and can be reprinted).
        """
        with self._lock:
            self._closed = True
            for jobs in self._queues.values():
                jobs.put(None)
            threads = list(self._threads.values())
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        alive = [thread.name for thread in threads if thread.is_alive()]
        if alive:
            log.warning("print queue closed with jobs unfinished in %s", ", ".join(alive))
        return not alive

    def __enter__(self) -> PrintQueue:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _refusal(self, url: str) -> str | None:
        # Called with the lock held.
        if self._closed:
            return "print queue is closed"
        jobs = self._queues.get(url)
        if jobs is not None and jobs.qsize() >= self.max_pending:
            return "too many jobs waiting for this printer"  # a dead printer, no backlog
        return None

    def _worker(self, url: str) -> queue.Queue[_Job | None]:
        # Called with the lock held.
        jobs = self._queues.get(url)
        if jobs is None:
            jobs = self._queues[url] = queue.Queue()
            # Daemon: a printer stuck past every time-out must not keep the server alive.
            thread = threading.Thread(
                target=self._work, args=(url, jobs), name=f"kezek-print {url}", daemon=True
            )
            self._threads[url] = thread
            thread.start()
        return jobs

    def _work(self, url: str, jobs: queue.Queue[_Job | None]) -> None:
        while (job := jobs.get()) is not None:
            if not job.future.set_running_or_notify_cancel():
                continue
            self._finish(job, self._print(job))

    def _print(self, job: _Job) -> PrintOutcome:
        waited = time.monotonic() - job.queued_at
        if self.stale_after is not None and waited > self.stale_after:
            log.warning("print %s on %s dropped: waited %.0f s", job.name, job.url, waited)
            return PrintOutcome(False, f"not printed: waited {waited:.0f} s", "unknown", 0)
        try:
            image = job.image if isinstance(job.image, Image.Image) else job.image()
            return self._print_fn(job.url, image, name=job.name, timeout=self.timeout)
        except Exception as exc:  # a bad URL or a bug must not end the worker
            log.exception("print %s on %s raised", job.name, job.url)
            return PrintOutcome(False, f"{type(exc).__name__}: {exc}", "unknown", 0)

    @staticmethod
    def _finish(job: _Job, outcome: PrintOutcome) -> None:
        if job.on_done is not None:
            try:
                job.on_done(outcome)
            except Exception:
                log.exception("print callback for %s failed", job.name)
        # After the callback, so that whoever waits on the future sees its effects.
        job.future.set_result(outcome)
