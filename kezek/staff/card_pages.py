"""The personal record card's pages: the shared renderers, the card-handler prologue and the
form's choices. The card view is written to the audit trail as a view (§18.2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kezek import db, web
from kezek.i18n import N_
from kezek.intake import applications, cards, decisions, documents, employment, referrals
from kezek.intake.cards import CardInput, CardInvalid, IntakeError
from kezek.intake.models import Card
from kezek.queue.models import Role
from kezek.staff import desk
from kezek.staff.access import Staff, refuse

Message = tuple[str, dict[str, Any]]
CARD_FIELDS = list(CardInput.__dataclass_fields__)


def card_input(who: Staff) -> CardInput:
    return CardInput(**{name: who.field(name, 400) for name in CARD_FIELDS})


def card_url(request: Request, card_id: int) -> str:
    return str(request.url_for("staff_card", card_id=card_id))


def new_form(
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
            **choices(),
            "form": data.as_dict(),
            "errors": errors,
            "error": error,
            "warnings": cards.warnings(data, who.st.profile.district),
        },
        status_code=status_code,
    )


def choices() -> dict[str, Any]:
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
    N_("Place of the seal"),
)
# The sex is on the card: the certificate says "registered" as Russian grammar has it for him
# or for her (Kazakh has one form); the neutral sentence above stays for a card without it.
CERTIFICATE_REGISTERED = {
    "m": N_(
        "This certifies that Mr %(person)s, IIN %(iin)s, born %(born)s, is registered as "
        "unemployed with %(office)s since %(date)s."
    ),
    "f": N_(
        "This certifies that Ms %(person)s, IIN %(iin)s, born %(born)s, is registered as "
        "unemployed with %(office)s since %(date)s."
    ),
}
EDUCATION = (
    N_("primary"),
    N_("basic secondary"),
    N_("general secondary"),
    N_("technical and vocational"),
    N_("higher"),
)


def show_card(
    request: Request,
    who: Staff,
    card_id: int,
    *,
    form: CardInput | None = None,
    errors: dict[str, Message] | None = None,
    error: Message | None = None,
    sent: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The card: written to the audit trail as a view of it (§18.2). ``sent``: the decision
    form as the clerk sent it, shown again with its error."""
    st = who.st
    with db.transaction(st.engine) as session:
        card = cards.view(session, st.office_id, card_id, who.user_id, st.clock.now())
        if card is None:
            return refuse(request, N_("No such card."), 404)
        app = applications.current(session, card)
        history = cards.history(session, card)
        ctx = {
            **choices(),
            "card": card,
            "form": (form or CardInput.from_card(card)).as_dict(),
            "errors": errors or {},
            "error": error,
            "sent": sent or {},
            "warnings": cards.warnings(card, st.profile.district),
            "app": app,
            "presented": applications.presented(session, app) if app else set(),
            "required": documents.required(card.category),
            "document_names": documents.DOCUMENT_NAMES,
            "history": history,
            "registered": applications.registered(session, card),
            "grounds": decisions.GROUND_NAMES,
            "end_names": employment.END_NAMES,
            "vacancies": employment.vacancies(session, card),
            "referral_kinds": referrals.REFERRAL_NAMES,
            "may_correct": who.may(Role.supervisor),
            "today": st.clock.business_day(),
            # §7, §10: a deadline on a closed day is shown with the next day the office opens.
            "open_after": lambda day: desk.open_after(st, day),
            "status_names": web.STATUS_NAMES,
        }
    return web.render(request, "staff/card.html", ctx, status_code=status_code)


def with_card(
    request: Request,
    who: Staff,
    fn: Callable[[Session, Card], object],
    *,
    form: CardInput | None = None,
    refused: int = 409,
    anchor: str = "",
) -> Response:
    """The card-handler prologue: load the card of this office, run ``fn(session, card)`` in
    one transaction, then back to the card; a refusal is shown on the card page (with the
    field marked when ``form`` is the posted card form)."""
    st = who.st
    card_id = int(request.path_params["card_id"])
    try:
        with db.transaction(st.engine) as session:
            card = cards.get(session, st.office_id, card_id)
            if card is None:
                return refuse(request, N_("No such card."), 404)
            fn(session, card)
    except CardInvalid as exc:
        return show_card(
            request,
            who,
            card_id,
            form=form,
            errors=exc.errors,
            error=(exc.message, {}),
            status_code=422,
        )
    except IntakeError as exc:
        errors = {exc.field or "iin": (exc.message, exc.params)} if form is not None else None
        return show_card(
            request,
            who,
            card_id,
            form=form,
            errors=errors,
            error=(exc.message, exc.params),
            status_code=refused,
        )
    return RedirectResponse(card_url(request, card_id) + anchor, status_code=303)
