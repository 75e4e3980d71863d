"""The queue talon and the printer test talon, as pure functions: values in, a 1-bit image out.

Why images and not printer text: the stock code pages of receipt printers (CP866, CP1251)
lack ә ғ қ ң ө ұ ү һ і, and python-escpos silently prints ``?`` for them. A talon drawn with a
font that has the Kazakh letters prints correctly on every ESC/POS printer that knows
``GS v 0`` (DESIGN.md, "Kazakh on a receipt printer").

The images are mode ``"1"`` (0 = black ink, 1 = white paper), 576 dots wide for 80 mm paper
or 384 for 58 mm, and exactly as tall as their content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from PIL import Image

from kezek.i18n import N_, gettext
from kezek.i18n import number as format_number
from kezek.printing.sheet import WIDTH_58MM, WIDTH_80MM, Sheet, Weight, font, qr_matrix

__all__ = [
    "KAZAKH_ALPHABET",
    "KAZAKH_LETTERS",
    "LocalizedText",
    "QueueTalon",
    "QueueTalonText",
    "WIDTH_58MM",
    "WIDTH_80MM",
    "font",
    "languages",
    "qr_matrix",
    "queue_talon_lines",
    "render_queue_talon",
    "test_talon",
]


# The nine letters of Kazakh Cyrillic beyond Russian, the ones code pages lose.
KAZAKH_LETTERS = "әғқңөұүһі"
# The 42-letter Kazakh Cyrillic alphabet, in dictionary order (for the test talon).
KAZAKH_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"


@dataclass(frozen=True, slots=True)
class LocalizedText:
    """One text in the two state languages (kk, ru) and, where known, English."""

    kk: str
    ru: str
    en: str = ""

    def get(self, lang: str) -> str:
        # An English visitor without an English text reads the Russian one.
        if lang == "kk":
            return self.kk
        if lang == "en" and self.en:
            return self.en
        return self.ru


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueTalon:
    """The kiosk talon (§10, §14): what the visitor holds while waiting."""

    code: str  # "А-017": may use Cyrillic letters
    lang: str  # the visitor's language: "kk", "ru" or "en"
    office: LocalizedText
    service: LocalizedText
    issued_at: str  # local date and time, formatted by the caller
    position: int  # the visitor's place in the queue
    wait_minutes: int | None  # estimated wait; None when there is no estimate
    cabinets: tuple[str, ...]  # as printed, e.g. ("№1", "№4")
    hours: tuple[str, ...]  # office hours lines, formatted by the caller
    status_url: str  # the ticket's status page, printed as a QR code
    priority: bool = False  # §11: said on the visitor's own talon, never on a public screen
    booked_at: str = ""  # §10: a checked-in booking's slot, local "10:15"; "" for a walk-in
    wait_range: tuple[int, int] | None = None  # issue 19: (low, high) minutes, printed if set


# Labels. Declared here so that one place shows every string a talon can print.
T_YOUR_NUMBER = N_("Your number")
T_POSITION = N_("Your place in the queue")
T_WAIT = N_("Estimated waiting time")
T_MINUTES = N_("≈ %(minutes)s min")
T_RANGE = N_("%(low)s–%(high)s min")  # issue 19
T_NO_ESTIMATE = N_("not known yet")
T_NEXT = N_("You are next")
T_PRIORITY = N_("Priority ticket")
T_BOOKED = N_("Booked %(time)s")
T_CABINET = N_("Cabinet")
T_HOURS = N_("Office hours")
T_SCAN = N_("Scan to follow your turn on your phone")
T_GUIDANCE = N_("When your number appears on the screen, go to the cabinet shown")
T_TEST_TITLE = N_("Printer test")
T_TEST_NOTE = N_("Every Kazakh letter must print clearly, with no question marks or boxes")


# ---------------------------------------------------------------- languages


def languages(lang: str) -> tuple[str, ...]:
    """The visitor's language first, then the other state language (both always print)."""
    if lang == "ru":
        return ("ru", "kk")
    if lang == "en":
        return ("en", "kk", "ru")
    return ("kk", "ru")


STATE_LANGUAGES = ("kk", "ru")


def translations(langs: Sequence[str], message: str, **params: object) -> list[str]:
    """``message`` in each language, without repeats ("Талон" is the same word in kk and ru)."""
    out: list[str] = []
    for lang in langs:
        text = gettext(lang, message, **params)
        if text not in out:
            out.append(text)
    return out


def names(langs: Sequence[str], text: LocalizedText) -> list[str]:
    out: list[str] = []
    for lang in langs:
        value = text.get(lang) if lang != "en" else text.en
        if value and value not in out:
            out.append(value)
    return out


def office_header(sheet: Sheet, office: LocalizedText) -> None:
    # Kazakh first: it is the state language (Constitution art. 7); Russian under it.
    sheet.text(office.kk, 24, 700)
    if office.ru and office.ru != office.kk:
        sheet.space(2)
        sheet.text(office.ru, 21, 400)


def day_text(value: date) -> str:
    # dd.mm.yyyy is how both Kazakh and Russian write a date on a form.
    return value.strftime("%d.%m.%Y")


def phones_text(phones: Sequence[str]) -> str:
    return ", ".join(phones)


# ---------------------------------------------------------------- talons


@dataclass(frozen=True, slots=True)
class QueueTalonText:
    """The words of a queue talon, each list in print order (visitor's language first).

    Shared by the raster layout and the text mode, so both say the same thing.
    """

    office: list[str]
    service: list[str]
    your_number: str
    rows: list[tuple[list[str], str]]  # (label in each language, value)
    hours_title: str
    hours: tuple[str, ...]
    guidance: list[str]
    scan: list[str]
    booked: list[str] = field(default_factory=list)  # "Жазылу бойынша 10:15", "По записи 10:15"


def queue_talon_lines(talon: QueueTalon) -> QueueTalonText:
    langs = languages(talon.lang)
    if talon.position <= 1:  # "≈ 0 min" promises what a busy cabinet may not keep
        wait = gettext(langs[0], T_NEXT)
    elif talon.wait_range is not None:  # issue 19: the range (kezek.queue.wait_range)
        low, high = (format_number(langs[0], value, 0) for value in talon.wait_range)
        wait = gettext(langs[0], T_RANGE, low=low, high=high)
    elif talon.wait_minutes is None:
        wait = gettext(langs[0], T_NO_ESTIMATE)
    else:
        wait = gettext(langs[0], T_MINUTES, minutes=talon.wait_minutes)
    rows = [
        (translations(langs, T_POSITION), str(talon.position)),
        (translations(langs, T_WAIT), wait),
    ]
    if talon.priority:
        rows.insert(0, (translations(langs, T_PRIORITY), "✓"))
    if talon.cabinets:
        rows.append((translations(langs, T_CABINET), ", ".join(talon.cabinets)))
    return QueueTalonText(
        office=names(STATE_LANGUAGES, talon.office),
        service=names(langs, talon.service),
        your_number=" / ".join(translations(langs, T_YOUR_NUMBER)),
        rows=rows,
        hours_title=" / ".join(translations(langs, T_HOURS)),
        hours=talon.hours,
        guidance=translations(langs, T_GUIDANCE),
        scan=translations(langs, T_SCAN),
        booked=translations(langs, T_BOOKED, time=talon.booked_at) if talon.booked_at else [],
    )


def render_queue_talon(talon: QueueTalon, width: int = WIDTH_80MM) -> Image.Image:
    """The kiosk talon (§10, §14): the code large, where to go, how long, and a QR."""
    sheet = Sheet(width)
    words = queue_talon_lines(talon)
    office_header(sheet, talon.office)
    sheet.rule()
    sheet.text(words.service[0], 28, 700)
    sheet.texts(words.service[1:], 22, 400)
    sheet.space(12)
    sheet.text(words.your_number, 20, 400)
    sheet.space(6)
    sheet.fit(talon.code, 168)
    if words.booked:  # §10: the clerk and the visitor see at a glance it is a booking
        sheet.space(6)
        sheet.text(" / ".join(words.booked), 26, 700)
    sheet.space(14)
    sheet.text(talon.issued_at, 24, 400)
    sheet.rule()
    for number, (labels, value) in enumerate(words.rows):
        if number:
            sheet.space(8)
        sheet.row(labels, value)
    if words.hours:
        sheet.rule(dashed=True)
        sheet.text(words.hours_title, 20, 600)
        sheet.texts(words.hours, 20)
    sheet.rule(dashed=True)
    sheet.text(words.guidance[0], 24, 600)
    sheet.texts(words.guidance[1:], 21)
    if talon.status_url:
        sheet.space(8)
        sheet.qr(talon.status_url, words.scan)
    return sheet.image()


def test_talon(width: int = WIDTH_80MM, *, note: str = "") -> Image.Image:
    """``kezek printer test URL``: every Kazakh letter in both cases, a QR, and a frame.

    ``note`` (the printer URL, the time) prints under the title and goes into the QR.
    """
    sheet = Sheet(width)
    title = translations(STATE_LANGUAGES, T_TEST_TITLE)
    sheet.text(" / ".join(title), 28, 800)
    if note:
        sheet.text(note, 20)
    sheet.rule()
    weights: tuple[Weight, ...] = (400, 700)
    for weight in weights:
        sheet.text(KAZAKH_ALPHABET.upper(), 28, weight)
        sheet.text(KAZAKH_ALPHABET, 28, weight)
        sheet.space(6)
    sheet.fit(" ".join(KAZAKH_LETTERS.upper()), 56)
    sheet.space(8)
    sheet.fit(" ".join(KAZAKH_LETTERS), 56)
    sheet.space(8)
    sheet.text("№ 0123456789 – « » · : / ,", 24)
    sheet.rule(dashed=True)
    for line in translations(STATE_LANGUAGES, T_TEST_NOTE):
        sheet.text(line, 20)
    sheet.space(4)
    sheet.qr(f"KEZEK TEST {note}".strip())
    return sheet.image(frame=True)


# pytest collects functions named test_*; this one is a layout, not a test.
test_talon.__test__ = False  # type: ignore[attr-defined]
