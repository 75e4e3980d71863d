"""A kiosk's printer as its screen tells it: the last known paper condition, read in the
background at most every ``STATUS_EVERY`` seconds, never on the visitor's tap. Each kiosk
printer has its own reading (issue 20), shown on its own kiosk only."""

from __future__ import annotations

import logging
import threading
import time

from kezek.kiosk.talon_jobs import kiosk_printer_url
from kezek.printing.send import printer_status
from kezek.state import State

log = logging.getLogger("kezek.talon_jobs")
STATUS_EVERY = 30.0  # seconds between printer status readings for the kiosk screen
STATUS_TIMEOUT = 2.0


def kiosk_printer(st: State, kiosk: str | None = None) -> str:
    """The printer of the kiosk named ``kiosk`` as last known: "ok", "near_end", "out" (of
    paper), "offline" (cannot be reached or does not answer) or "unknown".

    Never waits for the printer: a reading older than ``STATUS_EVERY`` seconds starts a new
    one in the background, and print outcomes update it too.
    """
    url = kiosk_printer_url(st, kiosk)
    if url is None:
        return "unknown"
    checked, paper = st.paper.get(url, (None, "unknown"))
    if checked is None or time.monotonic() - checked > STATUS_EVERY:
        _read_status_soon(st, url)
    return str(paper)


def kiosk_printer_down(st: State, kiosk: str | None = None) -> str | None:
    """Why the kiosk should say up front that no talon will print ("out", "offline"), or None."""
    condition = kiosk_printer(st, kiosk)
    return condition if condition in ("out", "offline") else None


def _read_status_soon(st: State, url: str) -> None:
    lock = st.status_locks.get(url)
    if lock is None or not lock.acquire(blocking=False):
        return  # not started, or a reading is already under way

    def read() -> None:
        try:
            status = printer_status(url, timeout=STATUS_TIMEOUT)
            previous = st.paper.get(url, (None, "unknown"))[1]
            if status.online is False:
                condition = "offline"
            elif status.paper != "unknown":
                condition = status.paper
            else:  # connected, but it cannot tell its paper (status=off, a spool)
                condition = "unknown" if previous == "offline" else previous
            if url in st.talons_failing and condition not in ("out", "offline"):
                # A printer that answers the status query but fails every job (slow, dying
                # mid-job) is not working: only a talon that prints ends the warning.
                condition = previous
            st.paper[url] = (time.monotonic(), condition)
        except Exception:
            log.exception("reading a kiosk printer status failed")
            st.paper[url] = (time.monotonic(), "unknown")
        finally:
            lock.release()

    if st.paper.get(url, (None, ""))[0] is None:
        st.paper[url] = (time.monotonic(), "unknown")
    threading.Thread(target=read, name="kezek-printer-status", daemon=True).start()
