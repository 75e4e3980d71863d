"""Find, open, change and read personal record cards (§3, §5). Every view and change is
written to the audit trail (§18.2)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from kezek.i18n import N_
from kezek.intake import audit, iin, names, phones
from kezek.intake.models import Application, Card, CardVisit, Category, Referral, Sex
from kezek.queue.models import Service, Ticket

Message = tuple[str, dict[str, Any]]  # an English msgid and its parameters

TEXT_LIMITS = {
    "surname": 100,
    "name": 100,
    "patronymic": 100,
    "address": 300,
    "phone": 40,
    "education": 200,
    "profession": 200,
    "last_employment": 300,
}
REQUIRED_TEXT = ("surname", "name", "address")


class IntakeError(ValueError):
    """A refused intake operation; ``message`` is an English msgid, ``field`` the form field."""

    def __init__(self, message: str, field: str | None = None, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.field = field
        self.params = params


class CardInvalid(IntakeError):
    def __init__(self, errors: dict[str, Message]) -> None:
        super().__init__(N_("Correct the marked fields."))
        self.errors = errors


@dataclass
class CardInput:
    """The card form as typed (strings); ``check`` turns it into column values."""

    iin: str = ""
    surname: str = ""
    name: str = ""
    patronymic: str = ""
    birth_date: str = ""  # ISO, as <input type="date"> sends it
    sex: str = ""
    category: str = ""
    address: str = ""
    phone: str = ""
    education: str = ""
    profession: str = ""
    last_employment: str = ""

    @classmethod
    def from_card(cls, card: Card) -> CardInput:
        raw = {name: getattr(card, name) for name in cls.__dataclass_fields__}
        raw["birth_date"] = card.birth_date.isoformat()
        return cls(**raw)

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def check(data: CardInput) -> dict[str, Any]:
    """Column values of a valid card, or CardInvalid naming each bad field."""
    errors: dict[str, Message] = {}
    values: dict[str, Any] = {}
    try:
        values["iin"] = iin.validate(data.iin)
    except iin.IINError as exc:
        errors["iin"] = (exc.message, {})
    for name, limit in TEXT_LIMITS.items():
        text = " ".join(str(getattr(data, name)).split())
        if name in REQUIRED_TEXT and not text:
            errors[name] = (N_("This field is required."), {})
        elif len(text) > limit:
            errors[name] = (N_("At most %(limit)s characters."), {"limit": limit})
        values[name] = text
    if values["phone"]:
        try:  # issue 17: stored in E.164, parsed by libphonenumber (region KZ)
            values["phone"] = phones.e164(values["phone"])
        except phones.PhoneInvalid as exc:
            errors["phone"] = (exc.message, {})
    try:
        born = date.fromisoformat(data.birth_date.strip())
        if not date(1900, 1, 1) <= born <= date(2100, 1, 1):
            raise ValueError
        values["birth_date"] = born
    except ValueError:
        errors["birth_date"] = (N_("Enter the date of birth."), {})
    if data.sex not in {s.value for s in Sex}:
        errors["sex"] = (N_("Choose the sex."), {})
    values["sex"] = data.sex
    if data.category not in {c.value for c in Category}:
        errors["category"] = (N_("Choose the category of the applicant (§6)."), {})
    values["category"] = data.category
    if errors:
        raise CardInvalid(errors)
    return values


def _fold(text: str) -> str:
    """Lower case with Kazakh letters folded to Russian ones: "Қызылжар" ~ "Кызылжарский"."""
    return text.lower().translate(str.maketrans("әғқңөұүһі", "агкноуухи"))


def warnings(card: Card | CardInput | dict[str, Any], district: str | None) -> list[Message]:
    """What the clerk should double-check; never a reason to refuse."""
    get = card.get if isinstance(card, dict) else (lambda key: getattr(card, key, None))
    found: list[Message] = []
    number, born = get("iin"), get("birth_date")
    if isinstance(born, str):
        try:
            born = date.fromisoformat(born)
        except ValueError:
            born = None
    if number and len(number) == 12 and number.isdigit():
        encoded = iin.birth_date(number)
        if born and encoded != born:
            found.append(
                (
                    N_(
                        "The IIN encodes the birth date %(encoded)s, but the date of birth is "
                        "%(born)s. Check both against the identity document."
                    ),
                    {
                        "encoded": encoded.strftime("%d.%m.%Y") if encoded else "—",
                        "born": born.strftime("%d.%m.%Y"),
                    },
                )
            )
        if get("sex") in ("m", "f") and iin.sex(number) != get("sex"):
            found.append(
                (N_("The IIN encodes the other sex. Check it against the identity document."), {})
            )
    address = get("address") or ""
    if district and address and _fold(district)[:6] not in _fold(address):
        # §3: registration is at the place of residence.
        found.append(
            (
                N_(
                    "The address does not name %(district)s district: registration is at "
                    "the place of residence (§3)."
                ),
                {"district": district},
            )
        )
    return found


def find(session: Session, office_id: int, number: str) -> Card | None:
    return session.exec(select(Card).where(Card.office_id == office_id, Card.iin == number)).first()


def get(session: Session, office_id: int, card_id: int) -> Card | None:
    card = session.get(Card, card_id)
    return card if card is not None and card.office_id == office_id else None


def view(
    session: Session, office_id: int, card_id: int, actor_id: int | None, at: datetime
) -> Card | None:
    """Read a card for a person: the view is written to the audit trail (§18.2)."""
    card = get(session, office_id, card_id)
    if card is not None:
        audit.write(session, card, actor_id, at, "view")
    return card


def create(
    session: Session, office_id: int, data: CardInput, actor_id: int | None, at: datetime
) -> Card:
    values = check(data)
    if find(session, office_id, values["iin"]) is not None:
        raise IntakeError(N_("A card with this IIN already exists."), field="iin")
    key = names.search_key(values["surname"], values["name"], values["patronymic"])
    card = Card(office_id=office_id, created_at=at, created_by=actor_id, search_key=key, **values)
    audit.save(
        session,
        card,
        card,
        actor_id,
        at,
        "create",
        {key: [None, value] for key, value in values.items()},
    )
    return card


def update(
    session: Session, card: Card, data: CardInput, actor_id: int | None, at: datetime
) -> dict[str, list[Any]]:
    """Change a card; returns what changed (also written to the audit trail)."""
    values = check(data)
    if values["iin"] != card.iin and find(session, card.office_id, values["iin"]) is not None:
        raise IntakeError(N_("A card with this IIN already exists."), field="iin")
    changed = audit.diff({key: getattr(card, key) for key in values}, values)
    if changed:
        for key, (_, new) in changed.items():
            setattr(card, key, new)
        card.updated_at = at
        card.search_key = names.search_key(card.surname, card.name, card.patronymic)
        audit.save(session, card, card, actor_id, at, "update", changed)
    return changed


def link_visit(
    session: Session, card: Card, ticket: Ticket, clerk_id: int | None, at: datetime
) -> bool:
    """Record that the card was worked on during this ticket (once per ticket)."""
    assert card.id is not None and ticket.id is not None
    if ticket.office_id != card.office_id:
        return False
    exists = session.exec(
        select(CardVisit).where(CardVisit.card_id == card.id, CardVisit.ticket_id == ticket.id)
    ).first()
    if exists:
        return False
    session.add(
        CardVisit(
            office_id=card.office_id, card_id=card.id, ticket_id=ticket.id, at=at, clerk_id=clerk_id
        )
    )
    audit.write(session, card, clerk_id, at, "visit", {"ticket": ticket.code})
    return True


@dataclass(frozen=True)
class Visit:
    at: datetime
    code: str
    service: Service
    status: str


@dataclass(frozen=True)
class History:
    visits: list[Visit]
    applications: list[Application]
    referrals: list[Referral]


def history(session: Session, card: Card) -> History:
    """A returning applicant's visits, tickets, applications with decisions, referrals."""
    rows = session.exec(
        select(CardVisit, Ticket, Service)
        .join(Ticket, col(Ticket.id) == col(CardVisit.ticket_id))
        .join(Service, col(Service.id) == col(Ticket.service_id))
        .where(CardVisit.card_id == card.id)
        .order_by(col(CardVisit.at).desc())
    ).all()
    visits = [
        Visit(
            at=v.at or t.issued_at or card.created_at or datetime.min,
            code=t.code,
            service=s,
            status=t.status,
        )
        for v, t, s in rows
    ]
    apps = session.exec(
        select(Application)
        .where(Application.card_id == card.id)
        .order_by(col(Application.id).desc())
    ).all()
    refs = session.exec(
        select(Referral).where(Referral.card_id == card.id).order_by(col(Referral.id).desc())
    ).all()
    return History(visits=visits, applications=list(apps), referrals=list(refs))
