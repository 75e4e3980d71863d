"""Printers without hardware (stateful): the spool directory and the test dummy.

``spool://DIR`` writes each job's bytes and a decoded PNG; ``dummy://LABEL`` keeps the
last jobs in memory for tests (``dummy_jobs``).
"""

from __future__ import annotations

import os
import re
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from escpos.constants import RT_STATUS_ONLINE
from escpos.printer import Dummy

from kezek.printing.connectors import Deadline, Job
from kezek.printing.decode import decode_image

__all__ = ["DummyJob", "DummyPrinter", "SpoolPrinter", "clear_dummy_jobs", "dummy_jobs"]


class SpoolPrinter(Job, Dummy):
    """No hardware: each job's bytes to ``DIR/<name>.bin``, and a PNG decoded from them."""

    def __init__(self, directory: str, deadline: Deadline, **kwargs: Any) -> None:
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


class DummyPrinter(Job, Dummy):
    """``escpos.printer.Dummy``; each finished job is kept for tests (``dummy_jobs``)."""

    def __init__(self, label: str, deadline: Deadline, paper: str = "", **kwargs: Any) -> None:
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
