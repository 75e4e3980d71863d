"""The desk printer of a service point: the acceptance talon (§15) and the missing-documents
slip (§12). The application is saved first, then printed; a failed print is kept on the
application and shown with a retry.

Printing is synchronous here (a 3-second deadline in the printing package): the clerk and
the applicant are at the desk waiting for the paper, and the outcome must be on the page
the clerk sees next.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from kezek import web
from kezek.i18n import gettext
from kezek.intake import documents
from kezek.intake.models import Application
from kezek.printing.desk_talons import (
    AcceptanceTalon,
    MissingDocumentsSlip,
    render_acceptance_talon,
    render_missing_documents,
)
from kezek.printing.send import print_image
from kezek.printing.talons import LocalizedText
from kezek.queue.models import ServicePoint


def printer_url(st: web.State, point_code: str) -> str | None:
    """The desk printer of a point; a relative spool directory lives under the spool dir
    (the kiosk's rule, ``kezek.kiosk.talon_jobs.resolve_spool``)."""
    from kezek.kiosk.talon_jobs import resolve_spool

    url = st.profile.printers.desk.get(point_code)
    return resolve_spool(url, st.settings.spool_dir) if url else None


def cabinet(point: ServicePoint) -> str:
    """ "№1" out of "Кабинет №1"; the whole name when it has no number sign."""
    found = re.search(r"№\s*\S+", point.name_ru) or re.search(r"№\s*\S+", point.name_kk)
    return found.group(0) if found else point.name_ru


def office(st: web.State) -> LocalizedText:
    name = st.profile.name
    return LocalizedText(kk=name.kk, ru=name.ru, en=name.en)


def acceptance_talon(st: web.State, app: Application, point: ServicePoint) -> AcceptanceTalon:
    assert app.number and app.accepted_at and app.deadline
    return AcceptanceTalon(
        number=app.number,
        accepted_on=st.clock.business_day(app.accepted_at),
        deadline=app.deadline,
        cabinet=cabinet(point),
        phones=tuple(st.profile.phones),
        office=office(st),
        open_on=open_after(st, app.deadline),
    )


def open_after(st: web.State, deadline: date) -> date | None:
    """§7, §10: the next day the office is open when the deadline falls on a closed day."""
    open_on = st.clock.open_day_from(deadline)
    return open_on if open_on != deadline else None


def answer_source(st: web.State) -> dict[str, Any]:
    """§23: the complaint talon's place (the office's address, the head's cabinet) and the
    official who answers, with their phone, from the profile's ``[contacts]``."""
    profile, contacts = st.profile, st.profile.contacts
    point = next((p for p in profile.points if p.code == contacts.head_point), None)
    where: dict[str, str] = {}
    for lang in ("kk", "ru", "en"):
        address = profile.address.get(lang)
        cabinet_name = point.names.get(lang) if point else ""
        where[lang] = ", ".join(part for part in (address, cabinet_name) if part)
    official = contacts.answer_by
    return {
        "answer_place": LocalizedText(**where),
        "answer_from": LocalizedText(kk=official.kk, ru=official.ru, en=official.en)
        if official
        else None,
        "answer_phone": contacts.answer_phone or "",
    }


def missing_slip(
    st: web.State, lacking: list[documents.Document], point: ServicePoint, today: date
) -> MissingDocumentsSlip:
    docs = tuple(
        LocalizedText(
            **{lang: gettext(lang, documents.DOCUMENT_NAMES[doc]) for lang in ("kk", "ru", "en")}
        )
        for doc in lacking
    )
    return MissingDocumentsSlip(
        office=office(st), issued_on=today, documents=docs, cabinet=cabinet(point)
    )


def print_talon(
    st: web.State, point: ServicePoint, talon: AcceptanceTalon | MissingDocumentsSlip, name: str
) -> str | None:
    """Print at the point's desk; the error (short English, for staff) or None."""
    url = printer_url(st, point.code)
    if not url:
        return "no desk printer is configured for this service point"
    width = st.profile.printers.paper_width
    if isinstance(talon, AcceptanceTalon):
        image = render_acceptance_talon(talon, width)
    else:
        image = render_missing_documents(talon, width)
    # The job name is the application number: no personal data on paper names or in logs.
    outcome = print_image(url, image, name=name)
    st.note_print(f"desk/{point.code}", outcome.ok, outcome.paper)
    return None if outcome.ok else (outcome.error or "failed")
