"""Intake pages: find or open the personal record card, start an application, referrals.
The application's pages are in ``application_pages``; every card view and change goes
through ``kezek.intake``, which writes the audit trail (§18.2)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kezek import db, i18n, web
from kezek.intake import applications, card_search, cards, iin, names, referrals
from kezek.intake.cards import CardInput, CardInvalid, IntakeError
from kezek.intake.models import Card
from kezek.queue import tickets
from kezek.queue.models import Service, ServicePoint, Ticket
from kezek.staff.access import Staff, staff
from kezek.staff.card_pages import card_input, card_url, new_form, show_card, with_card
from kezek.staff.panel import my_point


def _in_hand(
    session: Session, st: web.State, user_id: int
) -> tuple[ServicePoint | None, Ticket | None]:
    point = my_point(session, st, user_id)
    return point, tickets.in_hand(session, point) if point else None


def _visit(session: Session, st: web.State, who: Staff, card: Card) -> None:
    """Link the ticket in hand to the card; a registration ticket starts an application."""
    _, ticket = _in_hand(session, st, who.user_id)
    if ticket is None:
        return
    now = st.clock.now()
    cards.link_visit(session, card, ticket, who.user_id, now)
    service = session.get(Service, ticket.service_id)
    if service is not None and service.registration and applications.current(session, card) is None:
        applications.start(session, card, who.user_id, now, ticket_id=ticket.id)


def _find_page(request: Request, status_code: int = 200, **ctx: Any) -> Response:
    base: dict[str, Any] = {"iin": "", "error": None, "q": "", "q_error": None, "results": None}
    return web.render(
        request, "staff/card_find.html", {**base, **ctx, "mask": iin.mask}, status_code=status_code
    )


@staff()
def find(request: Request, who: Staff) -> Response:
    """GET: the IIN form. POST: the card of that IIN, or a new card form (the IIN is never
    put in a URL: §18.2)."""
    if request.method == "GET":
        return _find_page(request)
    st = who.st
    raw = who.field("iin", 40)
    try:
        number = iin.validate(raw)
    except iin.IINError as exc:
        return _find_page(request, 422, iin=raw, error=exc.message)
    with db.transaction(st.engine, st.broker) as session:
        card = cards.find(session, st.office_id, number)
        if card is not None:
            _visit(session, st, who, card)
            assert card.id is not None
            return RedirectResponse(card_url(request, card.id), status_code=303)
    data = CardInput(iin=number, sex=iin.sex(number))
    born = iin.birth_date(number)
    data.birth_date = born.isoformat() if born else ""
    return new_form(request, who, data, {}, status_code=200)


@staff()
def search(request: Request, who: Staff) -> Response:
    """Issue 17: cards by surname and name, any spelling. A POST, so what was typed is in
    no URL and no access log; the search and each card shown go to the audit trail."""
    st = who.st
    raw = who.field("q", names.MAX_QUERY + 1)
    try:
        with db.transaction(st.engine) as session:
            found = card_search.search(session, st.office_id, raw, who.user_id, st.clock.now())
            rows = [(c.id, c.surname, c.name, c.patronymic, c.birth_date, c.iin) for c in found]
    except IntakeError as exc:
        message = i18n.gettext(web.lang(request), exc.message, **exc.params)
        return _find_page(request, 422, q=raw, q_error=message)
    return _find_page(request, q=raw, results=rows)


@staff()
def create(request: Request, who: Staff) -> Response:
    st = who.st
    data = card_input(who)
    try:
        with db.transaction(st.engine, st.broker) as session:
            card = cards.create(session, st.office_id, data, who.user_id, st.clock.now())
            _visit(session, st, who, card)
            assert card.id is not None
            card_id = card.id
    except CardInvalid as exc:
        return new_form(request, who, data, exc.errors, status_code=422, error=(exc.message, {}))
    except IntakeError as exc:
        return new_form(
            request,
            who,
            data,
            {exc.field or "iin": (exc.message, exc.params)},
            status_code=409,
            error=(exc.message, exc.params),
        )
    return RedirectResponse(card_url(request, card_id), status_code=303)


@staff()
def card_page(request: Request, who: Staff) -> Response:
    if request.method == "GET":
        return show_card(request, who, int(request.path_params["card_id"]))
    data = card_input(who)
    st = who.st
    return with_card(
        request,
        who,
        lambda s, card: cards.update(s, card, data, who.user_id, st.clock.now()),
        form=data,
    )


@staff()
def start(request: Request, who: Staff) -> Response:
    st = who.st

    def work(session: Session, card: Card) -> None:
        _, ticket = _in_hand(session, st, who.user_id)
        applications.start(
            session, card, who.user_id, st.clock.now(), ticket_id=ticket.id if ticket else None
        )

    return with_card(request, who, work)


@staff()
def referral(request: Request, who: Staff) -> Response:
    st = who.st
    return with_card(
        request,
        who,
        lambda s, card: referrals.refer(
            s,
            st.clock,
            card,
            who.user_id,
            kind=who.field("kind", 16),
            detail=who.field("detail", 500),
            consent=who.field("consent", 8) == "yes",
        ),
        refused=422,
        anchor="#referrals",
    )
