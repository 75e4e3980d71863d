"""The queue's errors: what a caller may show to the person who asked."""

from __future__ import annotations

from datetime import datetime

from kezek.i18n import N_


class QueueError(Exception):
    """A refused operation. ``message`` is an English msgid translated where it is shown."""

    status_code = 409
    kind = "conflict"

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


class NotFound(QueueError):
    status_code = 404
    kind = "not_found"


class InvalidInput(QueueError):
    status_code = 422
    kind = "invalid"


class OfficeClosed(QueueError):
    kind = "closed"

    def __init__(self, next_opening: datetime | None) -> None:
        super().__init__(N_("The office is closed."))
        self.next_opening = next_opening


class IllegalTransition(QueueError):
    kind = "illegal_transition"


# Core tables: the hot paths (call, finish and the other moves) write with core SQL, which
# costs a fraction of the ORM's unit of work per statement (bench/call_next.py).
