"""Public pages: the information page (§9, appendix 3.3) and the feedback screens.

Feedback: five questions, one tap each. The answers so far ride in a hidden field
(``given``: one letter per answer) and are saved together after the fifth tap, so a
visitor who walks away leaves nothing half-written. Nothing personal is shown or asked.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kezek import db, i18n, web
from kezek.devices import gate
from kezek.indicators import feedback
from kezek.intake import documents
from kezek.intake.applications import TERM_DAYS
from kezek.public import booking_pages, booking_views, info
from kezek.queue import tickets
from kezek.queue.models import Ticket
from kezek.queue.tickets import QueueError
from kezek.settings import WEEKDAYS

GIVEN = re.compile(r"^[yns]{0,4}$")
LETTERS = {"y": "yes", "n": "no", "s": "skip"}
POLL_SECONDS = 4


def info_page(request: Request) -> Response:
    st = web.state(request)
    items = info.published(st.profile)
    schedule: dict[str, Any] = {str(day): hours for day, hours in st.profile.schedule.items()}
    hours = [
        (i18n.gettext(web.lang(request), web.WEEKDAY_NAMES[index]), schedule.get(day))
        for index, day in enumerate(WEEKDAYS)
    ]
    return web.render(
        request,
        "info/page.html",
        {
            "shown": {item.key for item in items},
            "items": items,
            "hours": hours,
            "categories": [
                (name, [documents.DOCUMENT_NAMES[d] for d in documents.required(code)])
                for code, name in documents.CATEGORY_NAMES.items()
            ],
            "registration": next((s for s in st.services.values() if s.registration), None),
            "head_point": next(
                (p for p in st.profile.points if p.code == st.profile.contacts.head_point), None
            ),
            "term_days": TERM_DAYS,  # §7
            "booking_open": bool(booking_views.bookable_services(request)),  # §10
        },
    )


def _in_visitor_language(request: Request, ticket: Ticket) -> None:
    """The visitor's language (the ticket's), unless a language was chosen on this screen."""
    if request.query_params.get("lang") not in i18n.LANGUAGES:
        request.state.lang = ticket.lang


async def _answers(request: Request) -> tuple[str, str | None]:
    """(answers so far incl. this tap, error) from the posted form."""
    form = await request.form()
    given, tap = str(form.get("given", "")), str(form.get("answer", ""))
    if not GIVEN.match(given) or tap not in ("yes", "no", "skip"):
        return "", "invalid"
    return given + tap[0], None


def _ask(
    request: Request,
    ticket: Ticket,
    given: str,
    action: str,
    *,
    visit: int | None = None,
    status_code: int = 200,
) -> Response:
    _in_visitor_language(request, ticket)
    chosen = request.query_params.get("lang")
    if chosen in i18n.LANGUAGES:  # the next question keeps the language chosen on this screen
        action = f"{action}?lang={chosen}"
    question = feedback.QUESTIONS[len(given)]
    return web.render(
        request,
        "feedback/ask.html",
        {
            "question": question,
            "number": len(given) + 1,
            "total": len(feedback.QUESTIONS),
            "given": given,
            "action": action,
            "visit": visit,
            "code": ticket.code,
        },
        status_code=status_code,
    )


def _save(request: Request, ticket_id: int, given: str) -> str | None:
    """Save the five answers; the refusal's message id, or None when saved."""
    st = web.state(request)
    answers = {
        q.column: feedback.parse_answer(LETTERS[letter])
        for q, letter in zip(feedback.QUESTIONS, given, strict=True)
    }
    try:
        with db.transaction(st.engine, st.broker) as session:
            ticket = session.get_one(Ticket, ticket_id)
            feedback.submit(session, ticket, answers, ticket.lang)
    except QueueError as exc:
        return exc.message
    return None


def _done(request: Request, ticket: Ticket, message: str | None, back: str | None) -> Response:
    _in_visitor_language(request, ticket)
    return web.render(
        request,
        "feedback/done.html",
        {"message": message, "back": back},
        status_code=409 if message else 200,
    )


def _by_token(request: Request) -> tuple[Ticket | None, bool]:
    """The visit's current row and whether it may be rated now."""
    st = web.state(request)
    with db.reading(st.engine) as session:
        ticket = tickets.by_token(session, request.path_params["token"])
        if ticket is None or ticket.office_id != st.office_id:
            return None, False
        return ticket, feedback.can_rate(session, ticket)


def _not_now(request: Request, ticket: Ticket | None) -> Response:
    if ticket is not None:
        _in_visitor_language(request, ticket)
    return web.render(
        request,
        "feedback/done.html",
        {
            "message": feedback.FEEDBACK_NOT_NOW if ticket is not None else None,
            "missing": ticket is None,
            "back": None,
        },
        status_code=404 if ticket is None else 409,
    )


async def by_ticket(request: Request) -> Response:
    """From the ticket's phone page: /feedback/t/{token}."""
    ticket, allowed = await run_in_threadpool(_by_token, request)
    if ticket is None or not allowed:
        return _not_now(request, ticket)
    action = str(request.url_for("feedback_ticket", token=request.path_params["token"]))
    if request.method == "GET":
        return _ask(request, ticket, "", action)
    given, error = await _answers(request)
    if error:
        return _ask(request, ticket, "", action, status_code=422)
    if len(given) < len(feedback.QUESTIONS):
        return _ask(request, ticket, given, action)
    assert ticket.id is not None
    message = await run_in_threadpool(_save, request, ticket.id, given)
    return _done(request, ticket, message, None)


def _point_ticket(request: Request) -> tuple[bool | None, Ticket | None]:
    """(whether the point exists, the visit just served there); (None, None) when this is
    not an enrolled feedback tablet (issue 14 §1: not any browser on the network)."""
    st = web.state(request)
    if gate.device(request, "tablet") is None:
        return None, None
    point = st.points.get(request.path_params["code"])
    if point is None:
        return False, None
    with db.reading(st.engine) as session:
        return True, feedback.for_point(session, st.clock, point)


async def by_point(request: Request) -> Response:
    """The tablet by the cabinet door: /feedback/point/{code}, for the visit just served there."""
    known, ticket = await run_in_threadpool(_point_ticket, request)
    if known is None:
        return web.render(request, "feedback/not_a_tablet.html", {}, status_code=403)
    if not known:
        return web.render(
            request,
            "feedback/done.html",
            {"message": None, "missing": True, "back": None},
            status_code=404,
        )
    action = str(request.url_for("feedback_point", code=request.path_params["code"]))
    if request.method == "GET":
        if ticket is None:
            block = "waiting" if web.asks_for(request, "fb-waiting") else None
            return web.render(request, "feedback/point.html", {"poll": POLL_SECONDS}, block=block)
        if web.asks_for(request, "fb-waiting"):  # the waiting screen found a visit: load it whole
            return Response(status_code=200, headers={"HX-Refresh": "true"})
        return _ask(request, ticket, "", action, visit=ticket.id)
    form = await request.form()
    visit = str(form.get("visit", ""))
    if ticket is None or str(ticket.id) != visit:
        # The visit changed while answering (the next one was served): start again.
        return web.render(
            request,
            "feedback/done.html",
            {"message": feedback.FEEDBACK_NOT_NOW, "back": action},
            status_code=409,
        )
    given, error = await _answers(request)
    if error:
        return _ask(request, ticket, "", action, visit=ticket.id, status_code=422)
    if len(given) < len(feedback.QUESTIONS):
        return _ask(request, ticket, given, action, visit=ticket.id)
    assert ticket.id is not None
    message = await run_in_threadpool(_save, request, ticket.id, given)
    return _done(request, ticket, message, action)


routes: list[BaseRoute] = [
    Route("/info", info_page, name="info"),
    Route("/feedback/t/{token}", by_ticket, methods=["GET", "POST"], name="feedback_ticket"),
    Route("/feedback/point/{code}", by_point, methods=["GET", "POST"], name="feedback_point"),
    *booking_pages.routes,  # §10 pre-registration (issue 18)
]
