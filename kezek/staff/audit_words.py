"""The audit trail in words (§18.2): what changed, with the field names and the values a
supervisor reads on the card pages, in the page's language — never the stored codes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from babel.dates import format_date

from kezek import i18n
from kezek.i18n import N_
from kezek.intake import iin
from kezek.intake.decisions import GROUND_NAMES
from kezek.intake.documents import CATEGORY_NAMES, DOCUMENT_NAMES
from kezek.intake.models import AuditEntry
from kezek.intake.referrals import REFERRAL_NAMES
from kezek.staff.card_pages import SEX_NAMES

FIELDS = {
    "iin": N_("IIN"),
    "surname": N_("Surname"),
    "name": N_("Name"),
    "patronymic": N_("Patronymic"),
    "birth_date": N_("Date of birth"),
    "sex": N_("Sex"),
    "category": N_("Category of the applicant (§6)"),
    "address": N_("Address of residence"),
    "phone": N_("Phone"),
    "education": N_("Education"),
    "profession": N_("Profession"),
    "last_employment": N_("Last employment"),
    "documents": N_("Documents"),
    "outcome": N_("Decision"),
    "ground": N_("Ground for refusal (§17)"),
    "registered_on": N_("Date of registration"),
    "ticket": N_("Ticket"),
    "kind": N_("What"),
    "ok": N_("Printed"),
    "consent": N_("Consent"),
    "reason": N_("Reason"),
    "number": N_("Number"),
    "missing": N_("Missing documents"),
}
OUTCOMES = {"registered": N_("Registered as unemployed"), "refused": N_("Refused")}
PRINTS = {"talon": N_("acceptance talon"), "missing": N_("list of missing documents")}
NAMED: dict[str, dict[str, str]] = {
    "sex": SEX_NAMES,
    "category": {str(code): name for code, name in CATEGORY_NAMES.items()},
    "ground": {str(code): name for code, name in GROUND_NAMES.items()},
    "outcome": OUTCOMES,
}
NONE = "—"

Change = tuple[str, str | None, str]  # field, the value before (None: no before), after


def _value(lang: str, key: str, value: Any, kind: str | None = None) -> str:
    say: Callable[[str], str] = lambda message: i18n.gettext(lang, message)  # noqa: E731
    if value is None or value == "" or value == []:
        return NONE
    if isinstance(value, bool):
        return say(N_("Yes") if value else N_("No"))
    if key in ("documents", "missing") and isinstance(value, list):
        return ", ".join(say(DOCUMENT_NAMES.get(str(code)) or str(code)) for code in value)
    if key == "iin":
        return iin.mask(str(value))  # the full number stays in the table for an inquiry
    if key == "kind":
        names = {str(k): v for k, v in REFERRAL_NAMES.items()} if kind == "referral" else PRINTS
        return say(names[value]) if value in names else str(value)
    if key in NAMED:
        found = NAMED[key].get(str(value))
        return say(found) if found else str(value)
    if key in ("birth_date", "registered_on") and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value), format="short", locale=lang)
        except ValueError:
            return value
    return str(value)


PAIRED = ("update", "create", "documents")  # their changes are [before, after]


def changes(lang: str, entry: AuditEntry, found: dict[str, Any]) -> list[Change]:
    """The entry's changes as the page shows them."""
    shown: list[Change] = []
    for key, value in found.items():
        label = i18n.gettext(lang, FIELDS[key]) if key in FIELDS else key
        if entry.action in PAIRED and isinstance(value, list) and len(value) == 2:
            before = None if entry.action == "create" else _value(lang, key, value[0])
            shown.append((label, before, _value(lang, key, value[1])))
        else:
            shown.append((label, None, _value(lang, key, value, entry.action)))
    return shown
