"""The hall's notice on the displays (issue 17, ``kezek.queue.hall``): said once, shown
until it expires.

A posted notice reaches the hall displays as an ``announce`` like a call: the chime, then
the text in Kazakh and in Russian (the voice clips below). Its ``id`` is the notice's own,
so a display says it once however often the stream repeats it. A screen over a cabinet
door does not speak (the hall display does). The text is public (§18.2).
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kezek import db, web
from kezek.display import voice
from kezek.queue import hall
from kezek.queue.events import Event


def voices_prefix(request: Request) -> str:
    """The path before ``/{id}/{lang}`` of the notice's clips (made once per stream)."""
    path = web.url_for(request, "display_notice_voice", notice_id=1, lang="kk").path
    return path[: -len("/1/kk")]


def announcement(event: Event, chime: str, voices: str, speaks: bool) -> str | None:
    """The JSON the hall display queues for sound when a notice is posted, else None."""
    if event.kind != hall.POSTED or not event.code.isdigit():
        return None
    clips = [{"name": "chime", "url": chime}]
    if speaks:
        clips += [
            {"name": lang, "url": f"{voices}/{event.code}/{lang}"} for lang in voice.LANGUAGES
        ]
    return json.dumps(
        {
            "code": "",
            "point": "",
            "key": "notice",
            "kind": "notice",
            "id": f"notice-{event.code}",  # said once, also when the stream repeats it
            "clips": clips,
        },
        ensure_ascii=False,
    )


def spoken(request: Request) -> Response:
    """The current notice said aloud: ``/display/notice/12/kk``; only while it is shown."""
    st = web.state(request)
    lang, notice_id = request.path_params["lang"], request.path_params["notice_id"]
    if lang not in voice.LANGUAGES:
        raise HTTPException(404)
    with db.reading(st.engine) as session:
        found = hall.current(session, st.office_id, st.clock.now())
    if found is None or found.id != notice_id or st.voice is None:
        raise HTTPException(404)
    try:
        data = st.voice.wav(lang, found.text(lang))
    except voice.VoiceError:
        return Response(status_code=503, headers={"retry-after": "60"})
    return Response(data, media_type="audio/wav", headers={"cache-control": "no-store"})


routes = [Route("/notice/{notice_id:int}/{lang}", spoken, name="display_notice_voice")]
