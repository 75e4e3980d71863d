"""The queue core: issue, call, serve and close tickets. No HTTP here.

Every function takes the session first and leaves the commit to the caller's
transaction (``kezek.db.transaction``). Events recorded here are published after it.

This module is the public face of the queue; the work lives in its rooms:
``errors`` (QueueError and its kinds), ``numbering`` (issue), ``calls`` (call-next),
``moves`` (the guarded moves, transfer, closing a day) and ``reads`` (queries).
"""

from __future__ import annotations

from kezek.queue.calls import call_next, in_hand, point_services, serving_points
from kezek.queue.errors import IllegalTransition, InvalidInput, NotFound, OfficeClosed, QueueError
from kezek.queue.moves import (
    call_specific,
    cancel,
    close_day,
    finish,
    finish_and_call_next,
    no_show,
    recall,
    stale_days,
    start,
    transfer,
)
from kezek.queue.numbering import find_by_request, format_code, issue, next_number
from kezek.queue.reads import (
    by_token,
    latest,
    open_points,
    position,
    recent_service_minutes,
    since_days,
)

__all__ = [
    "IllegalTransition",
    "InvalidInput",
    "NotFound",
    "OfficeClosed",
    "QueueError",
    "by_token",
    "call_next",
    "call_specific",
    "cancel",
    "close_day",
    "find_by_request",
    "finish",
    "finish_and_call_next",
    "format_code",
    "in_hand",
    "issue",
    "latest",
    "next_number",
    "no_show",
    "open_points",
    "point_services",
    "position",
    "recall",
    "recent_service_minutes",
    "serving_points",
    "since_days",
    "stale_days",
    "start",
    "transfer",
]
