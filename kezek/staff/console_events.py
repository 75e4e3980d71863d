"""The clerk console's live stream: Server-Sent Events, "changed" whenever the office's queue
changes (codes only), each with the id of its history row, resumed by ``Last-Event-ID``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from kezek.queue.events import Event, last_event_id, read_history
from kezek.staff.access import Staff, staff

HEARTBEAT_SECONDS = 15.0


@staff()
async def events(request: Request, who: Staff) -> Response:
    """Server-Sent Events: "changed" whenever the office's queue changes (codes only)."""
    st = who.st

    # A reconnect sends Last-Event-ID; a fresh page's URL carries the id it was drawn at.
    header = request.headers.get("last-event-id") or request.query_params.get("last_event_id")
    last = last_event_id(header)

    def changed(event: Event) -> str:
        head = f"id: {event.id}\n" if event.id is not None else ""
        return f"{head}event: changed\ndata: {event.kind}\n\n"

    async def stream() -> AsyncIterator[str]:
        async with st.broker.subscribe(st.office_id) as queue:
            yield "retry: 3000\n\n"
            if last is not None:  # a reconnect: what changed while it was away
                with contextlib.suppress(Exception):
                    missed = await asyncio.to_thread(read_history, st.engine, st.office_id, last)
                    yield "".join(changed(event) for event in missed)
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                yield changed(event)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"cache-control": "no-store", "x-accel-buffering": "no"},
    )
