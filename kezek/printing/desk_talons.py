"""The talons a clerk's desk prints, as pure functions: the acceptance talon (§15), the
missing-documents slip (§16) and the complaint talon (§22); and ``render`` for any talon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PIL import Image

from kezek.i18n import N_
from kezek.printing.sheet import Sheet
from kezek.printing.talons import (
    STATE_LANGUAGES,
    T_CABINET,
    WIDTH_80MM,
    LocalizedText,
    QueueTalon,
    day_text,
    names,
    office_header,
    phones_text,
    render_queue_talon,
    translations,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class AcceptanceTalon:
    """§15: the talon given after all documents are handed in."""

    number: str  # application number
    accepted_on: date
    deadline: date  # §7: acceptance + 10 calendar days, computed by the caller
    cabinet: str
    phones: tuple[str, ...]
    office: LocalizedText
    # §7, §10: the deadline falls on a day the office is closed: the next day it is open.
    open_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MissingDocumentsSlip:
    """§12, §17(1): what the applicant still has to bring."""

    office: LocalizedText
    issued_on: date
    documents: tuple[LocalizedText, ...]
    cabinet: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplaintTalon:
    """§21–23: the talon confirming that a complaint was accepted."""

    number: str
    received_on: date
    answer_due: date
    office: LocalizedText
    phones: tuple[str, ...]
    # §23: where and from whom the answer is received: the place (address, cabinet), the
    # official and their phone.
    answer_place: LocalizedText | None = None
    answer_from: LocalizedText | None = None
    answer_phone: str = ""


Talon = QueueTalon | AcceptanceTalon | MissingDocumentsSlip | ComplaintTalon


T_ACCEPTED = N_("Application accepted")
T_APPLICATION_NUMBER = N_("Application number")
T_ACCEPTED_ON = N_("Date of acceptance")
T_DEADLINE = N_("Decision due by")
T_DEADLINE_NOTE = N_("Come in person for the result by the deadline")
T_CLOSED_THEN = N_("The office is closed that day; it is open on")
T_PHONE = N_("Phone")
T_MISSING_TITLE = N_("Missing documents")
T_BRING = N_("Please bring these documents to cabinet %(cabinet)s")
T_COMPLAINT_ACCEPTED = N_("Complaint accepted")
T_COMPLAINT_NUMBER = N_("Complaint number")
T_RECEIVED_ON = N_("Date received")
T_ANSWER_DUE = N_("Answer due by")
T_ANSWER_WHERE = N_("The answer is received at")
T_ANSWER_FROM = N_("The answer is given by")


def _title_and_number(
    sheet: Sheet, langs: tuple[str, ...], title_id: str, label_id: str, number: str
) -> None:
    """The head of a numbered talon (acceptance §15, complaint §22): title, then the number."""
    title = translations(langs, title_id)
    sheet.text(title[0], 32, 800)
    sheet.texts(title[1:], 26, 600)
    sheet.space(10)
    sheet.text(" / ".join(translations(langs, label_id)), 20, 400)
    sheet.space(6)
    sheet.fit(number, 80)
    sheet.rule()


def render_acceptance_talon(talon: AcceptanceTalon, width: int = WIDTH_80MM) -> Image.Image:
    """§15: the talon with the date of acceptance and the deadline of execution."""
    sheet = Sheet(width)
    langs = STATE_LANGUAGES
    office_header(sheet, talon.office)
    sheet.rule()
    _title_and_number(sheet, langs, T_ACCEPTED, T_APPLICATION_NUMBER, talon.number)
    sheet.row(translations(langs, T_ACCEPTED_ON), day_text(talon.accepted_on), value_points=30)
    sheet.space(8)
    # §7: the deadline is what the applicant must remember; it gets the boldest line.
    sheet.row(translations(langs, T_DEADLINE), day_text(talon.deadline), value_points=34)
    if talon.open_on is not None:  # §7, §10: the deadline falls on a closed day
        sheet.space(8)
        sheet.row(translations(langs, T_CLOSED_THEN), day_text(talon.open_on), value_points=30)
    sheet.space(8)
    sheet.row(translations(langs, T_CABINET), talon.cabinet, value_points=30)
    if talon.phones:
        sheet.space(8)
        sheet.row(translations(langs, T_PHONE), phones_text(talon.phones), value_points=26)
    sheet.rule(dashed=True)
    # §16: the result is delivered in person.
    note = translations(langs, T_DEADLINE_NOTE)
    sheet.text(note[0], 22, 600)
    sheet.texts(note[1:], 20)
    return sheet.image()


def render_missing_documents(slip: MissingDocumentsSlip, width: int = WIDTH_80MM) -> Image.Image:
    """§12, §17(1): the documents still missing, and where to bring them."""
    sheet = Sheet(width)
    langs = STATE_LANGUAGES
    office_header(sheet, slip.office)
    sheet.rule()
    title = translations(langs, T_MISSING_TITLE)
    sheet.text(title[0], 30, 800)
    sheet.texts(title[1:], 24, 600)
    sheet.space(6)
    sheet.text(day_text(slip.issued_on), 24, 400)
    sheet.rule()
    for number, document in enumerate(slip.documents, start=1):
        if number > 1:
            sheet.space(10)
        sheet.bullet(names(langs, document), number)
    sheet.rule(dashed=True)
    bring = translations(langs, T_BRING, cabinet=slip.cabinet)
    sheet.text(bring[0], 24, 700)
    sheet.texts(bring[1:], 22, 400)
    return sheet.image()


def render_complaint_talon(talon: ComplaintTalon, width: int = WIDTH_80MM) -> Image.Image:
    """§21–23: confirmation that a complaint was accepted and entered in the journal."""
    sheet = Sheet(width)
    langs = STATE_LANGUAGES
    office_header(sheet, talon.office)
    sheet.rule()
    _title_and_number(sheet, langs, T_COMPLAINT_ACCEPTED, T_COMPLAINT_NUMBER, talon.number)
    sheet.row(translations(langs, T_RECEIVED_ON), day_text(talon.received_on), value_points=30)
    sheet.space(8)
    sheet.row(translations(langs, T_ANSWER_DUE), day_text(talon.answer_due), value_points=34)
    if talon.phones:
        sheet.space(8)
        sheet.row(translations(langs, T_PHONE), phones_text(talon.phones), value_points=26)
    _answer_source(sheet, langs, talon)
    return sheet.image()


def _answer_source(sheet: Sheet, langs: tuple[str, ...], talon: ComplaintTalon) -> None:
    """§23: where and from whom the complainant receives the answer."""
    for label, text in ((T_ANSWER_WHERE, talon.answer_place), (T_ANSWER_FROM, talon.answer_from)):
        if text is None:
            continue
        sheet.rule(dashed=True)
        sheet.text(" / ".join(translations(langs, label)), 20, 600)
        sheet.space(4)
        sheet.texts(names(langs, text), 22)
    if talon.answer_phone:
        sheet.space(8)
        sheet.row(translations(langs, T_PHONE), talon.answer_phone, value_points=26)


def render(talon: Talon, width: int = WIDTH_80MM) -> Image.Image:
    """Any talon, by its type."""
    if isinstance(talon, QueueTalon):
        return render_queue_talon(talon, width)
    if isinstance(talon, AcceptanceTalon):
        return render_acceptance_talon(talon, width)
    if isinstance(talon, MissingDocumentsSlip):
        return render_missing_documents(talon, width)
    return render_complaint_talon(talon, width)
