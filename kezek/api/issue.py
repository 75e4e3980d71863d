"""``POST /api/tickets``: a ticket for anyone, within the one public limit of every issuing
route (issue 14 §2, ``kezek.devices.gate``); priority only for staff or an enrolled kiosk."""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kezek import db
from kezek.api import guards, schemas
from kezek.api.schemas import TicketIn, parse
from kezek.api.shape import count, ticket_json
from kezek.devices import gate
from kezek.i18n import N_
from kezek.queue import estimate_inputs, tickets
from kezek.queue.models import Service
from kezek.queue.tickets import QueueError
from kezek.web import error_json, lang, queue_error, state

PRIORITY_REFUSED = N_("Priority tickets are issued at the office's kiosk or by a clerk.")


def unknown_service(request: Request, code: str) -> Response:
    if not re.fullmatch(r"[a-z0-9_-]{1,32}", code):  # echo a code, never markup or a 10 KB string
        return error_json(request, 422, "unknown_service", N_("Unknown service."))
    return error_json(
        request, 422, "unknown_service", N_("Unknown service %(code)s."), params={"code": code}
    )


async def issue_ticket(request: Request) -> Response:
    body = await parse(request, TicketIn)
    if isinstance(body, Response):
        return body
    service = state(request).services.get(body.service)
    if service is None:
        return unknown_service(request, body.service)
    return await run_in_threadpool(_issue, request, service, body)


def _issue(request: Request, service: Service, body: TicketIn) -> Response:
    st = state(request)
    who = gate.issuer(request, staff=guards.bearer(request) is not None)
    refusal = gate.admit(st, who, priority=body.priority)
    if refusal is not None and refusal.reason == "priority":
        return error_json(request, 403, "forbidden", PRIORITY_REFUSED)
    try:
        with db.transaction(st.engine, st.broker) as session:
            found = None
            if refusal is not None and body.request_id:  # a retry still finds its ticket
                found = tickets.find_by_request(session, st.office_id, body.request_id)
            if refusal is not None and found is None:
                return _limited(request, refusal.seconds)
            ticket = found or tickets.issue(
                session,
                st.clock,
                service,
                priority=body.priority,
                lang=body.lang or lang(request),
                request_id=body.request_id,
            )
            # Counted once, in the transaction: the place and the range the answer shows are
            # the quote kept for the accuracy report (issue 19).
            if found is None:
                counted = estimate_inputs.record_issued(
                    session, st.clock, ticket, st.call_order, st.estimate_rates
                )
            else:
                counted = count(session, st, ticket)
            answer = schemas.view(
                schemas.IssuedTicket, ticket_json(request, session, ticket, counted)
            )
    except QueueError as exc:
        return queue_error(request, exc)
    if found is None:
        gate.record(st, who)
    return JSONResponse(answer, status_code=201)


def _limited(request: Request, seconds: int) -> Response:
    return error_json(
        request,
        429,
        "too_many",
        N_("Too many tickets from this address: try again in %(seconds)s seconds."),
        params={"seconds": seconds},
        headers={"Retry-After": str(seconds)},
    )
