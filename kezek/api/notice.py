"""``POST /api/displays/message``: a supervisor's notice on the hall displays (issue 17),
``{"text": {"kk": …, "ru": …, "en": …}, "minutes": N}``; ``DELETE`` withdraws it. The rules
are in ``kezek.queue.hall``."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kezek import db, tokens
from kezek.api import guards, schemas
from kezek.api.stats import refused_role
from kezek.queue import hall
from kezek.queue.tickets import QueueError
from kezek.web import clean_text, queue_error, state


def _post(request: Request, grant: tokens.Grant, body: schemas.NoticeIn) -> Response:
    st = state(request)
    texts = {k: clean_text(v) for k, v in body.text.model_dump().items() if v is not None}
    try:
        with db.transaction(st.engine, st.broker) as session:
            row = hall.post(session, st.clock, st.office_id, texts, body.minutes, grant.user.id)
            found = hall.current(session, st.office_id, st.clock.now())
    except QueueError as exc:
        return queue_error(request, exc)
    assert found is not None and row.posted_at is not None
    answer = {
        "id": found.id,
        "text": found.texts,
        "posted_at": row.posted_at.isoformat(),
        "expires_at": found.expires_at.isoformat(),
    }
    return JSONResponse(schemas.view(schemas.Notice, answer), status_code=201)


async def post_message(request: Request) -> Response:
    found = await run_in_threadpool(guards.supervisor, request)  # who asks, before what
    if not isinstance(found, tokens.Grant):
        return refused_role(request, found)
    body = await schemas.parse(request, schemas.NoticeIn)
    if isinstance(body, Response):
        return body
    return await run_in_threadpool(_post, request, found, body)


def withdraw_message(request: Request) -> Response:
    found = guards.supervisor(request)
    if not isinstance(found, tokens.Grant):
        return refused_role(request, found)
    st = state(request)
    try:
        with db.transaction(st.engine, st.broker) as session:
            hall.withdraw(session, st.clock, st.office_id)
    except QueueError as exc:
        return queue_error(request, exc)
    return Response(status_code=204)
