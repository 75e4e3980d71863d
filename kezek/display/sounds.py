"""The display's sounds: the chime, a silence to unlock audio, and a call said aloud."""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kezek import web
from kezek.display import voice

AUDIO_CACHE = "public, max-age=86400"


def voice_of(st: web.State) -> voice.Voice:
    assert st.voice is not None, "the voice starts with the app"
    return st.voice


def _wav(data: bytes) -> Response:
    return Response(data, media_type="audio/wav", headers={"cache-control": AUDIO_CACHE})


def chime(request: Request) -> Response:
    return _wav(voice.chime())


def silence(request: Request) -> Response:
    return _wav(voice.silence())


def spoken(request: Request) -> Response:
    """A call said aloud: ``/voice/kk/cab1/А-017``. Only codes that this office's services
    can issue and its own cabinets are rendered, so the cache cannot be filled with junk."""
    st = web.state(request)
    lang, code = request.path_params["lang"], request.path_params["code"]
    point = st.points.get(request.path_params["point"])
    if point is None:
        raise HTTPException(404)
    letters = "|".join(re.escape(s.letter) for s in st.services.values())
    if lang not in voice.LANGUAGES or not re.fullmatch(rf"(?:{letters})-\d{{3,4}}", code):
        raise HTTPException(404)
    text = voice.phrase(lang, code, point.name(lang))
    try:
        return _wav(voice_of(st).wav(lang, text))
    except voice.VoiceError:
        return Response(status_code=503, headers={"retry-after": "60"})


routes = [
    Route("/chime.wav", chime, name="display_chime"),
    Route("/silence.wav", silence, name="display_silence"),
    Route("/voice/{lang}/{point}/{code}", spoken, name="display_voice"),
]
