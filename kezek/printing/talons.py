"""Every talon the office prints, as pure functions: plain values in, a 1-bit image out.

Why images and not printer text: the stock code pages of receipt printers (CP866, CP1251)
lack ә ғ қ ң ө ұ ү һ і, and python-escpos silently prints ``?`` for them. A talon drawn with a
font that has the Kazakh letters prints correctly on every ESC/POS printer that knows
``GS v 0`` (DESIGN.md, "Kazakh on a receipt printer").

The images are mode ``"1"`` (0 = black ink, 1 = white paper), 576 dots wide for 80 mm paper
or 384 for 58 mm, and exactly as tall as their content.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Literal

import qrcode
import qrcode.constants
import ttf_opensans
from PIL import Image, ImageDraw, ImageFont

from kezek.i18n import N_, gettext

__all__ = [
    "KAZAKH_ALPHABET",
    "KAZAKH_LETTERS",
    "AcceptanceTalon",
    "ComplaintTalon",
    "LocalizedText",
    "MissingDocumentsSlip",
    "QueueTalon",
    "QueueTalonText",
    "Talon",
    "WIDTH_58MM",
    "WIDTH_80MM",
    "font",
    "languages",
    "render",
    "render_acceptance_talon",
    "render_complaint_talon",
    "render_missing_documents",
    "queue_talon_lines",
    "render_queue_talon",
    "test_talon",
]

WIDTH_80MM = 576  # dots: 72 mm printable at 203 dpi
WIDTH_58MM = 384  # dots: 48 mm printable

# The nine letters of Kazakh Cyrillic beyond Russian, the ones code pages lose.
KAZAKH_LETTERS = "әғқңөұүһі"
# The 42-letter Kazakh Cyrillic alphabet, in dictionary order (for the test talon).
KAZAKH_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"

Weight = Literal[400, 600, 700, 800]


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


@dataclass(frozen=True, slots=True, kw_only=True)
class AcceptanceTalon:
    """§15: the talon given after all documents are handed in."""

    number: str  # application number
    accepted_on: date
    deadline: date  # §7: acceptance + 10 calendar days, computed by the caller
    cabinet: str
    phones: tuple[str, ...]
    office: LocalizedText


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


Talon = QueueTalon | AcceptanceTalon | MissingDocumentsSlip | ComplaintTalon


# Labels. Declared here so that one place shows every string a talon can print.
T_YOUR_NUMBER = N_("Your number")
T_POSITION = N_("Your place in the queue")
T_WAIT = N_("Estimated waiting time")
T_MINUTES = N_("≈ %(minutes)s min")
T_NO_ESTIMATE = N_("not known yet")
T_CABINET = N_("Cabinet")
T_HOURS = N_("Office hours")
T_SCAN = N_("Scan to follow your turn on your phone")
T_GUIDANCE = N_("When your number appears on the screen, go to the cabinet shown")
T_ACCEPTED = N_("Application accepted")
T_APPLICATION_NUMBER = N_("Application number")
T_ACCEPTED_ON = N_("Date of acceptance")
T_DEADLINE = N_("Decision due by")
T_DEADLINE_NOTE = N_("Come in person for the result by the deadline")
T_PHONE = N_("Phone")
T_MISSING_TITLE = N_("Missing documents")
T_BRING = N_("Please bring these documents to cabinet %(cabinet)s")
T_COMPLAINT_ACCEPTED = N_("Complaint accepted")
T_COMPLAINT_NUMBER = N_("Complaint number")
T_RECEIVED_ON = N_("Date received")
T_ANSWER_DUE = N_("Answer due by")
T_TEST_TITLE = N_("Printer test")
T_TEST_NOTE = N_("Every Kazakh letter must print clearly, with no question marks or boxes")


# ---------------------------------------------------------------- fonts


_WEIGHTS: dict[int, ttf_opensans.TTFFont] = {
    400: ttf_opensans.OPENSANS_REGULAR,
    600: ttf_opensans.OPENSANS_SEMIBOLD,
    700: ttf_opensans.OPENSANS_BOLD,
    800: ttf_opensans.OPENSANS_EXTRABOLD,
}


@lru_cache(maxsize=64)
def font(size: int, weight: Weight = 400) -> ImageFont.FreeTypeFont:
    """Open Sans (it has the Kazakh letters), loaded once per size and weight.

    Never a system font or Pillow's default: the default draws Cyrillic as boxes, and a
    system font differs from kiosk to kiosk.
    """
    return ImageFont.truetype(str(_WEIGHTS[weight].path), size=size)


# ---------------------------------------------------------------- the sheet


Align = Literal["left", "center", "right"]


@lru_cache(maxsize=1024)
def _ink(text: str, size: int, weight: Weight) -> tuple[Image.Image, int, int]:
    """One line's ink as a 1-bit mask, with its offset from the pen position (top left).

    Cached because most of a talon (office, labels, hours, guidance) is the same on every
    ticket: drawing glyphs is most of the render time, pasting a mask costs little.
    """
    face = font(size, weight)
    left, top, right, bottom = (int(edge) for edge in face.getbbox(text, anchor="la"))
    mask = Image.new("1", (max(1, right - left), max(1, bottom - top)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, font=face, fill=255, anchor="la")
    return mask, left, top


@lru_cache(maxsize=1024)
def _wrap(text: str, size: int, weight: Weight, width: int) -> tuple[str, ...]:
    return tuple(wrap(text, font(size, weight), width))


class _Sheet:
    """A strip of paper drawn top to bottom; ``image()`` crops it to what was drawn."""

    def __init__(self, width: int) -> None:
        if width % 8 or not 256 <= width <= 832:
            # GS v 0 sends whole bytes per row; an odd width would print a ragged edge.
            raise ValueError(f"talon width must be a multiple of 8 from 256 to 832, not {width}")
        self.width = width
        # Fonts shrink on 58 mm paper, but not below what reads at arm's length.
        self.scale = 1.0 if width >= WIDTH_80MM else max(0.75, width / WIDTH_80MM)
        self.margin = max(8, round(16 * width / WIDTH_80MM))
        self.inner = width - 2 * self.margin
        self._im = Image.new("1", (width, 2000), 1)
        self._draw = ImageDraw.Draw(self._im)
        self.y = self.margin

    def size(self, points: int) -> int:
        return max(12, round(points * self.scale))

    def space(self, points: int) -> None:
        self.y += round(points * self.scale)

    def _room(self, height: int) -> None:
        # Most talons fit the first strip; a long list of documents grows it.
        if self.y + height + self.margin > self._im.height:
            grown = Image.new("1", (self.width, self._im.height * 2 + height), 1)
            grown.paste(self._im, (0, 0))
            self._im = grown
            self._draw = ImageDraw.Draw(self._im)

    def _put(self, text: str, size: int, weight: Weight, x: float, y: int) -> None:
        mask, left, top = _ink(text, size, weight)
        self._im.paste(0, (round(x) + left, y + top), mask)

    def _line_height(self, size: int, weight: Weight) -> int:
        ascent, descent = font(size, weight).getmetrics()
        return int(ascent + descent)

    def text(
        self,
        text: str,
        points: int,
        weight: Weight = 400,
        *,
        align: Align = "center",
        indent: int = 0,
        width: int | None = None,
    ) -> None:
        """Wrapped text, each line on its own row, within ``width`` (the paper by default)."""
        size = self.size(points)
        face = font(size, weight)
        line_height = self._line_height(size, weight)
        room = (width if width is not None else self.inner) - indent
        for line in _wrap(text, size, weight, room):
            self._room(line_height)
            length = face.getlength(line)
            if align == "center":
                x = self.margin + indent + (room - length) / 2
            elif align == "right":
                x = self.margin + indent + room - length
            else:
                x = self.margin + indent
            self._put(line, size, weight, x, self.y)
            self.y += line_height

    def texts(self, lines: Iterable[str], points: int, weight: Weight = 400, **kw: Any) -> None:
        for line in lines:
            self.text(line, points, weight, **kw)

    def fit(self, text: str, points: int, weight: Weight = 800) -> None:
        """One line, centred, as large as ``points`` but never wider than the paper."""
        size = self.size(points)
        length = font(size, weight).getlength(text)
        if length > self.inner:
            # Advance widths scale with the size: go straight to the size that fits, rather
            # than trying (and caching a font for) every size on the way down.
            size = max(24, int(size * self.inner / length))
            while font(size, weight).getlength(text) > self.inner and size > 24:
                size -= 2
        # The ink box, not the font's line box: a big code needs no room for descenders.
        mask, _, _ = _ink(text, size, weight)
        self._room(mask.height)
        self._im.paste(0, (self.margin + (self.inner - mask.width) // 2, self.y), mask)
        self.y += mask.height

    def rule(self, *, dashed: bool = False) -> None:
        self.space(10)
        self._room(2)
        y, right = self.y, self.width - self.margin - 1
        if dashed:
            for x in range(self.margin, right, 12):
                self._draw.rectangle((x, y, min(x + 5, right), y + 1), fill=0)
        else:
            self._draw.rectangle((self.margin, y, right, y + 1), fill=0)
        self.y += 2
        self.space(10)

    def row(self, labels: Sequence[str], value: str, *, value_points: int = 34) -> None:
        """A label (first language larger, the others under it) with its value at the right."""
        size = self.size(value_points)
        value_width = int(font(size, 700).getlength(value))
        gap = round(16 * self.scale)
        if value_width > self.inner // 2:
            # A long value (several cabinets, phones) gets its own line under the label.
            self._labels(labels, self.inner)
            self.text(value, value_points, 700, align="right")
            return
        top = self.y
        self._labels(labels, self.inner - value_width - gap)
        label_bottom = self.y
        line_height = self._line_height(size, 700)
        self.y = top
        self._room(line_height)
        self._put(value, size, 700, self.width - self.margin - value_width, top)
        self.y = max(label_bottom, top + line_height)

    def _labels(self, labels: Sequence[str], width: int) -> None:
        first, *others = labels
        self.text(first, 24, 600, align="left", width=width)
        if others:
            self.text(" / ".join(others), 20, 400, align="left", width=width)

    def bullet(self, lines: Sequence[str], number: int) -> None:
        """A numbered list item: the first language bold, the others under it."""
        size = self.size(24)
        indent = int(font(size, 700).getlength("00. "))
        self._room(self._line_height(size, 700))
        self._put(f"{number}.", size, 700, self.margin, self.y)
        first, *others = lines
        self.text(first, 24, 600, align="left", indent=indent)
        self.texts(others, 21, 400, align="left", indent=indent)

    def qr(self, data: str, caption: Sequence[str] = (), *, max_side: int = 232) -> None:
        """A QR code with its caption: side by side on 80 mm paper, stacked on 58 mm."""
        matrix = qr_matrix(data)
        modules = len(matrix) + 8  # ISO/IEC 18004: a quiet zone of four modules each side
        box = max(2, min(max_side, self.inner) // modules)
        side = modules * box
        code = _matrix_image(matrix).resize((len(matrix) * box,) * 2, Image.Resampling.NEAREST)
        beside = self.inner - side >= 240
        x = self.margin if beside and caption else self.margin + (self.inner - side) // 2
        self._room(side)
        top = self.y
        self._im.paste(code, (x + 4 * box, top + 4 * box))
        if not caption:
            self.y += side
            return
        if beside:
            # The caption sits to the right of the code, centred against it.
            size = self.size(20)
            room = self.inner - side
            lines = sum(len(_wrap(line, size, 400, room)) for line in caption)
            height = lines * self._line_height(size, 400)
            self.y = top + max(0, (side - height) // 2)
            self.texts(caption, 20, 400, indent=side, align="left")
            self.y = top + max(side, height)
        else:
            self.y = top + side
            self.texts(caption, 18, 400)

    def image(self, *, frame: bool = False) -> Image.Image:
        self.y += self.margin
        if frame:
            # A border on the paper's edges shows at once whether the printable width is right.
            self._draw.rectangle((0, 0, self.width - 1, self.y - 1), outline=0, width=2)
        return self._im.crop((0, 0, self.width, self.y))


def wrap(text: str, face: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy word wrap by the font's advance widths; a word longer than a line is split."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if face.getlength(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while face.getlength(word) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and face.getlength(word[:cut]) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


@lru_cache(maxsize=64)
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The QR modules of ``data`` (True = dark), without the quiet zone."""
    # Level M survives a smudge or a fold in the paper; a status URL fits version 3-4 at M.
    # A fixed mask: choosing the best of eight costs ~8 ms a code on the kiosk path, and any
    # mask scans (the choice only evens out dark areas).
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=2
    )
    code.add_data(data)
    code.make(fit=True)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


def _matrix_image(matrix: Sequence[Sequence[bool]]) -> Image.Image:
    size = len(matrix)
    raw = bytes(0 if dark else 255 for row in matrix for dark in row)
    return Image.frombytes("L", (size, size), raw).convert("1", dither=Image.Dither.NONE)


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


def _names(langs: Sequence[str], text: LocalizedText) -> list[str]:
    out: list[str] = []
    for lang in langs:
        value = text.get(lang) if lang != "en" else text.en
        if value and value not in out:
            out.append(value)
    return out


def _office(sheet: _Sheet, office: LocalizedText) -> None:
    # Kazakh first: it is the state language (Constitution art. 7); Russian under it.
    sheet.text(office.kk, 24, 700)
    if office.ru and office.ru != office.kk:
        sheet.space(2)
        sheet.text(office.ru, 21, 400)


def _day(value: date) -> str:
    # dd.mm.yyyy is how both Kazakh and Russian write a date on a form.
    return value.strftime("%d.%m.%Y")


def _phones(phones: Sequence[str]) -> str:
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


def queue_talon_lines(talon: QueueTalon) -> QueueTalonText:
    langs = languages(talon.lang)
    if talon.wait_minutes is None:
        wait = gettext(langs[0], T_NO_ESTIMATE)
    else:
        wait = gettext(langs[0], T_MINUTES, minutes=talon.wait_minutes)
    rows = [
        (translations(langs, T_POSITION), str(talon.position)),
        (translations(langs, T_WAIT), wait),
    ]
    if talon.cabinets:
        rows.append((translations(langs, T_CABINET), ", ".join(talon.cabinets)))
    return QueueTalonText(
        office=_names(STATE_LANGUAGES, talon.office),
        service=_names(langs, talon.service),
        your_number=" / ".join(translations(langs, T_YOUR_NUMBER)),
        rows=rows,
        hours_title=" / ".join(translations(langs, T_HOURS)),
        hours=talon.hours,
        guidance=translations(langs, T_GUIDANCE),
        scan=translations(langs, T_SCAN),
    )


def render_queue_talon(talon: QueueTalon, width: int = WIDTH_80MM) -> Image.Image:
    """The kiosk talon (§10, §14): the code large, where to go, how long, and a QR."""
    sheet = _Sheet(width)
    words = queue_talon_lines(talon)
    _office(sheet, talon.office)
    sheet.rule()
    sheet.text(words.service[0], 28, 700)
    sheet.texts(words.service[1:], 22, 400)
    sheet.space(12)
    sheet.text(words.your_number, 20, 400)
    sheet.space(6)
    sheet.fit(talon.code, 168)
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


def _title_and_number(
    sheet: _Sheet, langs: tuple[str, ...], title_id: str, label_id: str, number: str
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
    sheet = _Sheet(width)
    langs = STATE_LANGUAGES
    _office(sheet, talon.office)
    sheet.rule()
    _title_and_number(sheet, langs, T_ACCEPTED, T_APPLICATION_NUMBER, talon.number)
    sheet.row(translations(langs, T_ACCEPTED_ON), _day(talon.accepted_on), value_points=30)
    sheet.space(8)
    # §7: the deadline is what the applicant must remember; it gets the boldest line.
    sheet.row(translations(langs, T_DEADLINE), _day(talon.deadline), value_points=34)
    sheet.space(8)
    sheet.row(translations(langs, T_CABINET), talon.cabinet, value_points=30)
    if talon.phones:
        sheet.space(8)
        sheet.row(translations(langs, T_PHONE), _phones(talon.phones), value_points=26)
    sheet.rule(dashed=True)
    # §16: the result is delivered in person.
    note = translations(langs, T_DEADLINE_NOTE)
    sheet.text(note[0], 22, 600)
    sheet.texts(note[1:], 20)
    return sheet.image()


def render_missing_documents(slip: MissingDocumentsSlip, width: int = WIDTH_80MM) -> Image.Image:
    """§12, §17(1): the documents still missing, and where to bring them."""
    sheet = _Sheet(width)
    langs = STATE_LANGUAGES
    _office(sheet, slip.office)
    sheet.rule()
    title = translations(langs, T_MISSING_TITLE)
    sheet.text(title[0], 30, 800)
    sheet.texts(title[1:], 24, 600)
    sheet.space(6)
    sheet.text(_day(slip.issued_on), 24, 400)
    sheet.rule()
    for number, document in enumerate(slip.documents, start=1):
        if number > 1:
            sheet.space(10)
        sheet.bullet(_names(langs, document), number)
    sheet.rule(dashed=True)
    bring = translations(langs, T_BRING, cabinet=slip.cabinet)
    sheet.text(bring[0], 24, 700)
    sheet.texts(bring[1:], 22, 400)
    return sheet.image()


def render_complaint_talon(talon: ComplaintTalon, width: int = WIDTH_80MM) -> Image.Image:
    """§21–23: confirmation that a complaint was accepted and entered in the journal."""
    sheet = _Sheet(width)
    langs = STATE_LANGUAGES
    _office(sheet, talon.office)
    sheet.rule()
    _title_and_number(sheet, langs, T_COMPLAINT_ACCEPTED, T_COMPLAINT_NUMBER, talon.number)
    sheet.row(translations(langs, T_RECEIVED_ON), _day(talon.received_on), value_points=30)
    sheet.space(8)
    sheet.row(translations(langs, T_ANSWER_DUE), _day(talon.answer_due), value_points=34)
    if talon.phones:
        sheet.space(8)
        sheet.row(translations(langs, T_PHONE), _phones(talon.phones), value_points=26)
    return sheet.image()


def render(talon: Talon, width: int = WIDTH_80MM) -> Image.Image:
    """Any talon, by its type."""
    if isinstance(talon, QueueTalon):
        return render_queue_talon(talon, width)
    if isinstance(talon, AcceptanceTalon):
        return render_acceptance_talon(talon, width)
    if isinstance(talon, MissingDocumentsSlip):
        return render_missing_documents(talon, width)
    return render_complaint_talon(talon, width)


def test_talon(width: int = WIDTH_80MM, *, note: str = "") -> Image.Image:
    """``kezek printer test URL``: every Kazakh letter in both cases, a QR, and a frame.

    ``note`` (the printer URL, the time) prints under the title and goes into the QR.
    """
    sheet = _Sheet(width)
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
