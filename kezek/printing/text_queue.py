"""Text-mode talons: the ``print_fn`` of a print queue for printers with code page 53."""

from __future__ import annotations

import threading
from collections import deque

from PIL import Image

from kezek.printing.send import PrintOutcome, print_text_talon
from kezek.printing.talons import QueueTalon


class TextTalons:
    """The ``print_fn`` of a print queue in text mode (``[printers] text_mode = true``).

    For printers with code page 53 (KZ-1048): the talon goes as printer text with a native
    QR, ~1 KB instead of ~80 KB of raster. The queue carries images, so the talon's values
    wait here, by job name, until the worker takes the job (jobs to one printer keep order).
    """

    PLACEHOLDER = Image.new("1", (8, 1), 1)

    def __init__(self, columns: int) -> None:
        self.columns = columns
        self._talons: dict[str, deque[QueueTalon]] = {}
        self._lock = threading.Lock()

    def put(self, name: str, talon: QueueTalon) -> None:
        with self._lock:
            self._talons.setdefault(name, deque()).append(talon)

    def take(self, name: str) -> QueueTalon | None:
        with self._lock:
            waiting = self._talons.get(name)
            talon = waiting.popleft() if waiting else None
            if waiting is not None and not waiting:
                del self._talons[name]
            return talon

    def __call__(self, url: str, image: Image.Image, *, name: str, timeout: float) -> PrintOutcome:
        talon = self.take(name)
        if talon is None:
            return PrintOutcome(False, "text talon missing", "unknown", 0)
        return print_text_talon(url, talon, name=name, columns=self.columns, timeout=timeout)
