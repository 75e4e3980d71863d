"""Intake pages: find or open the personal record card, the §12 checklist, acceptance with
its talon (§15), the decision (§17), referrals and the certificate (§25). Every card view
and change goes through ``kezek.intake``, which writes the audit trail (§18.2)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kezek import db, web
from kezek.i18n import N_, Translator
from kezek.intake import applications, audit, cards, documents, iin
from kezek.intake.cards import CardInput, CardInvalid, IntakeError
from kezek.intake.models import Application, AppStatus, Card
from kezek.queue import tickets
from kezek.queue.models import Role, Service, ServicePoint, Ticket
from kezek.staff import desk
from kezek.staff.access import Staff, refuse, staff
from kezek.staff.console import my_point

Message = tuple[str, dict[str, Any]]
CARD_FIELDS = list(CardInput.__dataclass_fields__)


def _input(who: Staff) -> CardInput:
    return CardInput(**{name: who.field(name, 400) for name in CARD_FIELDS})


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


def _card_url(request: Request, card_id: int) -> str:
    return str(request.url_for("staff_card", card_id=card_id))


@staff()
def find(request: Request, who: Staff) -> Response:
    """GET: the IIN form. POST: the card of that IIN, or a new card form (the IIN is never
    put in a URL: §18.2)."""
    if request.method == "GET":
        return web.render(request, "staff/card_find.html", {"iin": "", "error": None})
    st = who.st
    raw = who.field("iin", 40)
    try:
        number = iin.validate(raw)
    except iin.IINError as exc:
        return web.render(
            request, "staff/card_find.html", {"iin": raw, "error": exc.message}, status_code=422
        )
    with db.transaction(st.engine, st.broker) as session:
        card = cards.find(session, st.office_id, number)
        if card is not None:
            _visit(session, st, who, card)
            assert card.id is not None
            return RedirectResponse(_card_url(request, card.id), status_code=303)
    data = CardInput(iin=number, sex=iin.sex(number))
    born = iin.birth_date(number)
    data.birth_date = born.isoformat() if born else ""
    return _new_form(request, who, data, {}, status_code=200)


def _new_form(
    request: Request,
    who: Staff,
    data: CardInput,
    errors: dict[str, Message],
    *,
    status_code: int,
    error: Message | None = None,
) -> Response:
    return web.render(
        request,
        "staff/card_new.html",
        {
            **_choices(),
            "form": data.as_dict(),
            "errors": errors,
            "error": error,
            "warnings": cards.warnings(data, who.st.profile.district),
        },
        status_code=status_code,
    )


def _choices() -> dict[str, Any]:
    return {
        "categories": documents.CATEGORY_NAMES,
        "sexes": SEX_NAMES,
        "education_levels": EDUCATION,
    }


SEX_NAMES = {"m": N_("male"), "f": N_("female")}
# §25.4: the certificate's text, printed in kk and ru whatever the screen language.
CERTIFICATE_TEXT = (
    N_("CERTIFICATE"),
    N_("No. %(number)s of %(date)s"),
    N_(
        "This certifies that %(person)s, IIN %(iin)s, born %(born)s, is registered as unemployed "
        "with %(office)s since %(date)s."
    ),
    N_("Issued for presentation at the place of request."),
    N_("Specialist"),
)
EDUCATION = (
    N_("primary"),
    N_("basic secondary"),
    N_("general secondary"),
    N_("technical and vocational"),
    N_("higher"),
)


@staff()
def create(request: Request, who: Staff) -> Response:
    st = who.st
    data = _input(who)
    try:
        with db.transaction(st.engine, st.broker) as session:
            card = cards.create(session, st.office_id, data, who.user_id, st.clock.now())
            _visit(session, st, who, card)
            assert card.id is not None
            card_id = card.id
    except CardInvalid as exc:
        return _new_form(request, who, data, exc.errors, status_code=422, error=(exc.message, {}))
    except IntakeError as exc:
        return _new_form(
            request,
            who,
            data,
            {exc.field or "iin": (exc.message, exc.params)},
            status_code=409,
            error=(exc.message, exc.params),
        )
    return RedirectResponse(_card_url(request, card_id), status_code=303)


def _card_page(
    request: Request,
    who: Staff,
    card_id: int,
    *,
    form: CardInput | None = None,
    errors: dict[str, Message] | None = None,
    error: Message | None = None,
    status_code: int = 200,
) -> Response:
    """The card: written to the audit trail as a view of it (§18.2)."""
    st = who.st
    with db.transaction(st.engine) as session:
        card = cards.view(session, st.office_id, card_id, who.user_id, st.clock.now())
        if card is None:
            return refuse(request, N_("No such card."), 404)
        app = applications.current(session, card)
        history = cards.history(session, card)
        ctx = {
            **_choices(),
            "card": card,
            "form": (form or CardInput.from_card(card)).as_dict(),
            "errors": errors or {},
            "error": error,
            "warnings": cards.warnings(card, st.profile.district),
            "app": app,
            "presented": applications.presented(session, app) if app else set(),
            "required": documents.required(card.category),
            "document_names": documents.DOCUMENT_NAMES,
            "history": history,
            "registered": applications.registered(session, card),
            "grounds": applications.GROUND_NAMES,
            "referral_kinds": applications.REFERRAL_NAMES,
            "may_correct": who.may(Role.supervisor),
            "today": st.clock.business_day(),
            "status_names": web.STATUS_NAMES,
        }
    return web.render(request, "staff/card.html", ctx, status_code=status_code)


@staff()
def card_page(request: Request, who: Staff) -> Response:
    card_id = int(request.path_params["card_id"])
    if request.method == "GET":
        return _card_page(request, who, card_id)
    st = who.st
    data = _input(who)
    try:
        with db.transaction(st.engine) as session:
            card = cards.get(session, st.office_id, card_id)
            if card is None:
                return refuse(request, N_("No such card."), 404)
            cards.update(session, card, data, who.user_id, st.clock.now())
    except CardInvalid as exc:
        return _card_page(
            request,
            who,
            card_id,
            form=data,
            errors=exc.errors,
            error=(exc.message, {}),
            status_code=422,
        )
    except IntakeError as exc:
        return _card_page(
            request,
            who,
            card_id,
            form=data,
            errors={exc.field or "iin": (exc.message, exc.params)},
            error=(exc.message, exc.params),
            status_code=409,
        )
    return RedirectResponse(_card_url(request, card_id), status_code=303)


def _with_app(request: Request, who: Staff, fn: Any) -> Response:
    """Load the application and its card of this office, run ``fn(session, card, app)`` in one
    transaction; an IntakeError is shown on the card page."""
    st = who.st
    app_id = int(request.path_params["app_id"])
    card_id: int | None = None
    try:
        with db.transaction(st.engine) as session:
            app = applications.get(session, st.office_id, app_id)
            if app is None:
                return refuse(request, N_("No such application."), 404)
            card_id = app.card_id
            card = session.get_one(Card, app.card_id)
            result = fn(session, card, app)
    except IntakeError as exc:
        assert card_id is not None
        return _card_page(request, who, card_id, error=(exc.message, exc.params), status_code=409)
    if isinstance(result, Response):
        return result
    return RedirectResponse(_card_url(request, card_id), status_code=303)


@staff()
def start(request: Request, who: Staff) -> Response:
    st = who.st
    card_id = int(request.path_params["card_id"])
    try:
        with db.transaction(st.engine) as session:
            card = cards.get(session, st.office_id, card_id)
            if card is None:
                return refuse(request, N_("No such card."), 404)
            _, ticket = _in_hand(session, st, who.user_id)
            applications.start(
                session, card, who.user_id, st.clock.now(), ticket_id=ticket.id if ticket else None
            )
    except IntakeError as exc:
        return _card_page(request, who, card_id, error=(exc.message, exc.params), status_code=409)
    return RedirectResponse(_card_url(request, card_id), status_code=303)


@staff()
def checklist(request: Request, who: Staff) -> Response:
    """Save the ticked documents, then accept (print the talon) or give the missing list."""
    st = who.st
    do = who.field("do", 16)
    codes = {str(v) for v in who.form.getlist("documents")}
    printed: dict[str, Any] = {}

    def work(session: Session, card: Card, app: Application) -> Response | None:
        now = st.clock.now()
        applications.set_documents(session, card, app, codes, who.user_id, now)
        if do not in ("accept", "missing"):
            return None
        point = my_point(session, st, who.user_id)
        if point is None:
            raise IntakeError(N_("Choose your service point first: the talon prints at its desk."))
        if do == "accept":
            applications.accept(session, st.clock, card, app, who.user_id, point.id)
            printed["talon"] = desk.acceptance_talon(st, app, point)
            printed["name"] = app.number
        else:
            lacking = applications.mark_incomplete(session, st.clock, card, app, who.user_id)
            printed["talon"] = desk.missing_slip(st, lacking, point, st.clock.business_day(now))
            printed["name"] = f"missing-{app.id}"
        printed["point"], printed["kind"] = point, "talon" if do == "accept" else "missing"
        return None

    response = _with_app(request, who, work)
    if printed:  # saved first (committed above), then printed (DESIGN: save, then print)
        _print(who, int(request.path_params["app_id"]), printed)
    return response


def _print(who: Staff, app_id: int, job: dict[str, Any]) -> None:
    st = who.st
    error = desk.print_talon(st, job["point"], job["talon"], job["name"])
    with db.transaction(st.engine) as session:
        app = session.get_one(Application, app_id)
        card = session.get_one(Card, app.card_id)
        applications.record_print(
            session, card, app, job["kind"], error, who.user_id, st.clock.now()
        )


@staff()
def reprint(request: Request, who: Staff) -> Response:
    """Print the application's last desk print again (after a failure, or a paper jam)."""
    st = who.st
    job: dict[str, Any] = {}

    def work(session: Session, card: Card, app: Application) -> None:
        point = my_point(session, st, who.user_id)
        if point is None:
            raise IntakeError(N_("Choose your service point first: the talon prints at its desk."))
        if app.print_kind == "talon" and app.number:
            job.update(talon=desk.acceptance_talon(st, app, point), name=app.number, kind="talon")
        elif app.print_kind == "missing" and app.status == AppStatus.open:
            lacking = documents.missing(card.category, applications.presented(session, app))
            job.update(
                talon=desk.missing_slip(st, lacking, point, st.clock.business_day()),
                name=f"missing-{app.id}",
                kind="missing",
            )
        else:
            raise IntakeError(N_("There is nothing to print again."))
        job["point"] = point

    response = _with_app(request, who, work)
    if job:
        _print(who, int(request.path_params["app_id"]), job)
    return response


@staff()
def decision(request: Request, who: Staff) -> Response:
    st = who.st
    outcome, ground = who.field("outcome", 16), who.field("ground", 32)
    comment = who.field("comment")
    raw_date = who.field("registered_on", 10)
    try:
        registered_on = date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        registered_on = None
    return _with_app(
        request,
        who,
        lambda s, c, a: applications.decide(
            s,
            st.clock,
            c,
            a,
            who.user_id,
            outcome=outcome,
            ground=ground,
            comment=comment,
            registered_on=registered_on,
        ),
    )


@staff(Role.supervisor)
def corrected(request: Request, who: Staff) -> Response:
    st = who.st
    reason = who.field("reason")
    return _with_app(
        request,
        who,
        lambda s, c, a: applications.mark_corrected(s, st.clock, c, a, who.user_id, reason),
    )


@staff()
def referral(request: Request, who: Staff) -> Response:
    st = who.st
    card_id = int(request.path_params["card_id"])
    try:
        with db.transaction(st.engine) as session:
            card = cards.get(session, st.office_id, card_id)
            if card is None:
                return refuse(request, N_("No such card."), 404)
            applications.refer(
                session,
                st.clock,
                card,
                who.user_id,
                kind=who.field("kind", 16),
                detail=who.field("detail", 500),
                consent=who.field("consent", 8) == "yes",
            )
    except IntakeError as exc:
        return _card_page(request, who, card_id, error=(exc.message, exc.params), status_code=422)
    return RedirectResponse(_card_url(request, card_id) + "#referrals", status_code=303)


@staff()
def certificate(request: Request, who: Staff) -> Response:
    """§25.4: the certificate of registration as unemployed, a printable page in kk and ru."""
    st = who.st
    app_id = int(request.path_params["app_id"])
    with db.transaction(st.engine) as session:
        app = applications.get(session, st.office_id, app_id)
        if app is None or app.status != AppStatus.registered:
            return refuse(
                request, N_("A certificate is given only for a registration as unemployed."), 404
            )
        card = session.get_one(Card, app.card_id)
        audit.write(
            session,
            card,
            who.user_id,
            st.clock.now(),
            "certificate",
            {"number": app.number},
            application_id=app.id,
        )
    return web.render(
        request,
        "staff/certificate.html",
        {
            "card": card,
            "app": app,
            "kk": Translator("kk"),
            "ru": Translator("ru"),
            "issued_on": st.clock.business_day(),
            "clerk": who.user,
        },
    )
