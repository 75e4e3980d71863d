"""The waiting-room display: the board, its live stream, the chime and the spoken calls.

Public pages: nothing personal ever reaches them (§18.2) — ticket codes, cabinets, counts.
"""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Awaitable, Callable
from types import FrameType
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from kezek import db, i18n, templating, web
from kezek.display import board as boards
from kezek.display import notice, sounds, stream, voice
from kezek.queue import hall, pauses, tickets
from kezek.queue.events import Event, last_event_id, read_history
from kezek.queue.models import ServicePoint


def _live(st: web.State) -> stream.Live:
    assert st.live is not None, "the display hub starts with the app"
    return st.live


def _point(st: web.State, code: str) -> ServicePoint:
    point = st.points.get(code)
    if point is None:
        raise HTTPException(404)
    return point


# --- the board ---------------------------------------------------------------------------


def _context(st: web.State, point: ServicePoint | None) -> dict[str, Any]:
    """Everything the board shows; read in one short transaction. No request: the hub
    renders one board for every display of a group."""
    with db.reading(st.engine) as session:
        board = boards.board(session, st.clock, st.office_id, point_id=point.id if point else None)
        paused = pauses.open_pauses(session, st.office_id)  # issue 17: the reason, no note
        notice = hall.current(session, st.office_id, board.at)  # issue 17: until it expires
    points = {p.id: p for p in st.points.values()}
    services = list(st.services.values())
    if point is not None:
        served = _point_services(st, point)
        services = [s for s in services if s.id in served]
    local = st.clock.local(board.at)
    return {
        "board": board,
        "point": point,
        "points": points,
        "paused": paused,
        "notice": notice,
        "pause_reasons": pauses.REASONS,
        "services": services,
        "now_calling": [c for c in board.now_calling if c.point_id in points],
        "recent": [c for c in board.recent if c.point_id in points],
        "both": [i18n.Translator(lang) for lang in voice.LANGUAGES],
        "N_": i18n.N_,
        "clock_text": local.strftime("%H:%M"),
        "date_text": local.strftime("%d.%m.%Y"),
        "epoch_ms": int(board.at.timestamp() * 1000),
        "zone": st.profile.timezone,
        "profile": st.profile,
    }


def _point_services(st: web.State, point: ServicePoint) -> list[int]:
    if point.code not in st.point_services:  # the profile is fixed while the app runs
        with db.reading(st.engine) as session:
            st.point_services[point.code] = tickets.point_services(session, point)
    return st.point_services[point.code]


def _template(point: ServicePoint | None) -> str:
    return "display/point.html" if point is not None else "display/board.html"


def _board_html(st: web.State, point: ServicePoint | None) -> str:
    """The board fragment alone, what the stream sends: from the office's state, no request
    (the board speaks both languages of the hall, whoever connected first)."""
    return templating.render_block(_template(point), "board", _context(st, point))


def _page(request: Request, point: ServicePoint | None) -> Response:
    st = web.state(request)
    ctx = _context(st, point)
    if web.asks_for(request, "board"):  # the page's fallback while its stream is down
        return web.render(
            request, _template(point), ctx, block="board", headers={"cache-control": "no-store"}
        )
    events = (
        web.url_for(request, "display_point_events", code=point.code)
        if point
        else web.url_for(request, "display_events")
    )
    page_url = (
        web.url_for(request, "display_point", code=point.code)
        if point
        else web.url_for(request, "display")
    )
    ctx.update(
        events_url=events.path,
        poll_url=page_url.path,
        silence_url=web.url_for(request, "display_silence").path,
        heartbeat_ms=int(_live(st).heartbeat * 1000),
    )
    return web.render(request, _template(point), ctx)


def page(request: Request) -> Response:
    return _page(request, None)


def point_page(request: Request) -> Response:
    return _page(request, _point(web.state(request), request.path_params["code"]))


# --- the stream --------------------------------------------------------------------------


def _sound_paths(request: Request) -> tuple[str, str, str]:
    """The chime's path and the prefixes of the calls' and the notices' clips (paths only;
    ``web.url_for`` remembers them: issue 20, a tenth of a reconnect storm's work)."""
    voices = web.url_for(request, "display_voice", lang="kk", point="p", code="c").path
    return (
        web.url_for(request, "display_chime").path,
        voices[: -len("/kk/p/c")],
        notice.voices_prefix(request),
    )


def _announcer(request: Request, point: ServicePoint | None) -> Callable[[Event], str | None]:
    """Event → the JSON the page queues for sound, or None when there is nothing to say.

    The hall display says the call in Kazakh and Russian after the chime; the screen over a
    cabinet door only chimes for its own cabinet (the hall display speaks).
    """
    st = web.state(request)
    chime, voices, notices = _sound_paths(request)
    speaks = point is None and sounds.voice_of(st).available

    def announce(event: Event) -> str | None:
        if event.kind == hall.POSTED:  # issue 17: the hall's notice, said once
            return notice.announcement(event, chime, notices, speaks) if point is None else None
        if event.kind not in stream.CALLS or event.point is None:
            return None
        at = st.points.get(event.point)
        if at is None or (point is not None and at.code != point.code):
            return None
        clips = [{"name": "chime", "url": chime}]
        if speaks:
            clips += [
                {
                    "name": lang,
                    "url": f"{voices}/{lang}/{at.code}/{event.code}",
                }
                for lang in voice.LANGUAGES
            ]
        return json.dumps(
            {
                "code": event.code,
                "point": at.code,
                "key": f"{event.code}@{at.id}",
                "kind": event.kind,
                "id": event.id,  # the page says each call once, also after a catch-up
                "clips": clips,
            },
            ensure_ascii=False,
        )

    return announce


def _events(request: Request, point: ServicePoint | None) -> Response:
    st = web.state(request)

    def render() -> Awaitable[str]:
        return run_in_threadpool(_board_html, st, point)

    def missed(after: int) -> Awaitable[list[Event]]:
        return run_in_threadpool(read_history, st.engine, st.office_id, after)

    # A reconnecting EventSource sends the header; a page that reopened it, the query.
    header = request.headers.get("last-event-id") or request.query_params.get("last_event_id")
    last = last_event_id(header)
    body = stream.stream(
        _live(st),
        point.code if point else None,
        render,
        _announcer(request, point),
        lambda: int(st.clock.now().timestamp() * 1000),
        None if last is None else (last, missed),
    )
    # no-transform and X-Accel-Buffering: proxies must pass each message through at once.
    return StreamingResponse(
        body,
        media_type="text/event-stream",
        headers={"cache-control": "no-store, no-transform", "x-accel-buffering": "no"},
    )


async def events(request: Request) -> Response:
    return _events(request, None)


async def point_events(request: Request) -> Response:
    return _events(request, _point(web.state(request), request.path_params["code"]))


# --- sound -------------------------------------------------------------------------------


# --- lifecycle ---------------------------------------------------------------------------


def voice_engine(chosen: str) -> voice.Voice:
    """espeak-ng from PATH, or the program named by KEZEK_VOICE_ENGINE ("off": chime only)."""
    return voice.Voice(None if chosen == "off" else chosen)


def _chain_signals(live: stream.Live) -> dict[int, Any]:
    """End the streams as soon as the server is told to stop.

    uvicorn handles SIGINT/SIGTERM itself and then waits for open responses before the
    lifespan shutdown; an open display stream would hold a restart forever. So the handler
    uvicorn installed is wrapped: first end the streams, then let uvicorn do its part.
    Only in the main thread (where signal handlers live); restored at shutdown.
    """
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous: dict[int, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        before = signal.getsignal(sig)
        if not callable(before):
            continue

        def handler(signum: int, frame: FrameType | None, before: Any = before) -> None:
            live.stop_threadsafe()
            before(signum, frame)

        previous[sig] = (before, handler)
        signal.signal(sig, handler)
    return previous


async def startup(st: web.State) -> None:
    live = stream.Live(stream.Hub(st.broker, st.office_id))
    st.live = live
    if st.voice is None:  # create_app(voice=…) passes its own
        st.voice = voice_engine(st.settings.voice_engine)
    st.signals = _chain_signals(live)


async def shutdown(st: web.State) -> None:
    _live(st).stop()
    signals, st.signals = st.signals, {}
    for sig, (before, ours) in signals.items():
        if signal.getsignal(sig) is ours:
            signal.signal(sig, before)


routes: list[BaseRoute] = [
    Route("/", page, name="display"),
    Route("/events", events, name="display_events"),
    Route("/point/{code}", point_page, name="display_point"),
    Route("/point/{code}/events", point_events, name="display_point_events"),
    *sounds.routes,
    *notice.routes,
]
