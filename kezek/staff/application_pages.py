"""Application pages: the §12 checklist, acceptance with its talon (§15), the decision
(§17), the supervisor's correction and the certificate (§25). Every change goes through
``kezek.intake``, which writes the audit trail (§18.2)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kezek import db, web
from kezek.i18n import N_, Translator, gettext
from kezek.intake import applications, audit, decisions, documents, employment, results
from kezek.intake.cards import IntakeError
from kezek.intake.models import Application, AppStatus, Card, EndKind
from kezek.queue.models import Role
from kezek.staff import desk
from kezek.staff.access import Staff, refuse, staff
from kezek.staff.card_pages import (
    CERTIFICATE_REGISTERED,
    CERTIFICATE_TEXT,
    card_url,
    show_card,
)
from kezek.staff.panel import my_point


def _with_app(
    request: Request, who: Staff, fn: Any, sent: dict[str, str] | None = None
) -> Response:
    """Load the application and its card of this office, run ``fn(session, card, app)`` in one
    transaction; an IntakeError is shown on the card page, with the form as it was ``sent``."""
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
        error = (exc.message, exc.params)
        return show_card(request, who, card_id, error=error, sent=sent, status_code=409)
    if isinstance(result, Response):
        return result
    return RedirectResponse(card_url(request, card_id), status_code=303)


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
        lambda s, c, a: decisions.decide(
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
        sent={"outcome": outcome, "ground": ground, "comment": comment, "registered_on": raw_date},
    )


@staff(Role.supervisor)
def corrected(request: Request, who: Staff) -> Response:
    st = who.st
    reason = who.field("reason")
    return _with_app(
        request,
        who,
        lambda s, c, a: decisions.mark_corrected(s, st.clock, c, a, who.user_id, reason),
    )


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
        if app.ended_on is not None:  # §25.4: only while registered
            return refuse(request, _ended(request, app), 409)
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
            "registered": CERTIFICATE_REGISTERED.get(card.sex, CERTIFICATE_TEXT[2]),
        },
    )


def _ended(request: Request, app: Application) -> str:
    """The refusal of a certificate for a registration that ended, in the page's language."""
    assert app.ended_on is not None and app.end_kind is not None
    message = N_(
        "No certificate: the registration as unemployed ended on %(date)s (%(how)s); the "
        "person is no longer registered."
    )
    how = gettext(web.lang(request), employment.END_NAMES[EndKind(app.end_kind)])
    return gettext(web.lang(request), message) % {
        "date": app.ended_on.strftime("%d.%m.%Y"),
        "how": how.lower(),
    }


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@staff()
def end_registration(request: Request, who: Staff) -> Response:
    """Placed into work (through a vacancy referral or otherwise) or de-registered: the date
    and the reason, through ``kezek.intake.employment`` (audited)."""
    st = who.st
    kind, raw = who.field("end_kind", 32), who.field("ended_on", 10)
    reason, raw_referral = who.field("end_reason"), who.field("referral", 12)
    referral_id = int(raw_referral) if raw_referral.isdigit() else None
    return _with_app(
        request,
        who,
        lambda s, c, a: employment.end(
            s,
            st.clock,
            c,
            a,
            who.user_id,
            kind=kind,
            on=_day(raw),
            reason=reason,
            referral_id=referral_id,
        ),
    )


@staff()
def collected(request: Request, who: Staff) -> Response:
    """§18.2: the applicant took the decision's result (the certificate or the letter)."""
    st = who.st
    on = _day(who.field("collected_on", 10))
    return _with_app(
        request, who, lambda s, c, a: results.collect(s, st.clock, c, a, who.user_id, on)
    )
