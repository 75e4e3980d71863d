"""Talon layouts: what comes out of the printer is what was drawn, in legible Kazakh."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from escpos.printer import Dummy
from PIL import Image, ImageDraw, ImageOps

from kezek import i18n
from kezek.printing import desk_talons, sheet, talons
from kezek.printing.decode import decode_image, find_raster_blocks
from kezek.printing.desk_talons import AcceptanceTalon, ComplaintTalon, MissingDocumentsSlip
from kezek.printing.raster import raster_bytes
from kezek.printing.talons import KAZAKH_LETTERS, LocalizedText, QueueTalon

OFFICE = LocalizedText(
    "Қызылжар ауданының жұмыспен қамту және әлеуметтік бағдарламалар бөлімі",
    "Отдел занятости и социальных программ Кызылжарского района",
)
TALON = QueueTalon(
    code="А-017",  # Cyrillic А
    lang="kk",
    office=OFFICE,
    service=LocalizedText(
        "Жұмыссыз ретінде тіркеу",
        "Регистрация в качестве безработного",
        "Registration as unemployed",
    ),
    issued_at="24.11.2026 10:42",
    position=5,
    wait_minutes=25,
    cabinets=("№1", "№4"),
    hours=("Сс–Жм 09:00–18:00, түскі үзіліс 13:00–14:00", "Вт–Пт 09:00–18:00, обед 13:00–14:00"),
    status_url="https://kezek.example.kz/t/9f3a2b7c",
)
ACCEPTANCE = AcceptanceTalon(
    number="2026-00142",
    accepted_on=date(2026, 11, 24),
    deadline=date(2026, 12, 4),  # §7: + 10 calendar days, passed in by the caller
    cabinet="№1",
    phones=("2-16-50", "2-16-84"),
    office=OFFICE,
)
MISSING = MissingDocumentsSlip(
    office=OFFICE,
    issued_on=date(2026, 11, 24),
    documents=(
        LocalizedText("Жеке куәлік немесе паспорт", "Удостоверение личности или паспорт"),
        LocalizedText(
            "Еңбек қызметін растайтын құжат", "Документ, подтверждающий трудовую деятельность"
        ),
    ),
    cabinet="№1",
)
COMPLAINT = ComplaintTalon(
    number="Ш-007",
    received_on=date(2026, 11, 24),
    answer_due=date(2026, 11, 29),
    office=OFFICE,
    phones=("2-16-50",),
)
ALL = [TALON, ACCEPTANCE, MISSING, COMPLAINT]


def glyph(text: str, size: int = 48) -> bytes:
    image = Image.new("1", (size * 2, size * 2), 1)
    ImageDraw.Draw(image).text((size // 2, size // 4), text, font=sheet.font(size), fill=0)
    return image.tobytes()


@pytest.mark.parametrize("letter", KAZAKH_LETTERS + KAZAKH_LETTERS.upper())
def test_kazakh_letters_have_their_own_glyphs(letter: str) -> None:
    # U+0378 is unassigned, so the font draws its .notdef box for it.
    box, question = glyph("\u0378"), glyph("?")
    drawn = glyph(letter)
    assert drawn != box, f"{letter} came out as a box"
    assert drawn != question, f"{letter} came out as ?"
    assert drawn != glyph(" "), f"{letter} came out blank"


def test_kazakh_letters_differ_from_their_russian_look_alikes() -> None:
    # A font that fell back to the base letter would print ұ as у, қ as к ...
    for kazakh, russian in zip("әғқңөұүһі", "агкноууhи", strict=True):
        assert glyph(kazakh) != glyph(russian)


@pytest.mark.parametrize("width", [576, 384])
@pytest.mark.parametrize("talon", ALL, ids=lambda t: type(t).__name__)
def test_every_talon_is_a_1_bit_strip_of_the_paper_width(
    talon: desk_talons.Talon, width: int
) -> None:
    image = desk_talons.render(talon, width)
    assert image.mode == "1"
    assert image.width == width
    assert 200 < image.height < 1600  # a talon, not a scroll
    assert has_ink(image)


def has_ink(image: Image.Image) -> bool:
    return ImageOps.invert(image.convert("L")).getbbox() is not None


def all_ink(image: Image.Image) -> bool:
    return image.convert("L").getbbox() is None


def ink_rows(image: Image.Image) -> list[bool]:
    inverted = Image.eval(image.convert("L"), lambda v: 255 - v)
    width = image.width
    data = inverted.tobytes()
    return [any(data[y * width : (y + 1) * width]) for y in range(image.height)]


def tallest_ink_band(image: Image.Image) -> int:
    best = run = 0
    for inked in ink_rows(image):
        run = run + 1 if inked else 0
        best = max(best, run)
    return best


@pytest.mark.parametrize(("width", "minimum"), [(576, 110), (384, 75)])
def test_the_ticket_code_is_the_largest_thing_on_the_talon(width: int, minimum: int) -> None:
    # The code is the one line a visitor compares with the screen from across the hall.
    # Without the QR code (a taller block of ink) the tallest band of ink is the code.
    image = talons.render_queue_talon(dataclasses.replace(TALON, status_url=""), width)
    assert tallest_ink_band(image) >= minimum
    small = talons.render_queue_talon(dataclasses.replace(TALON, code="-", status_url=""), width)
    assert tallest_ink_band(small) < 60  # every other line is ordinary text


@pytest.mark.parametrize("width", [576, 384])
def test_a_long_code_still_fits_the_paper(width: int) -> None:
    image = talons.render_queue_talon(dataclasses.replace(TALON, code="ВВ-1017"), width)
    assert not has_ink(image.crop((0, 0, 8, image.height)))
    assert not has_ink(image.crop((width - 8, 0, width, image.height)))


def test_the_visitors_language_comes_first_then_the_other_state_language() -> None:
    kk = talons.queue_talon_lines(TALON)
    assert kk.service == ["Жұмыссыз ретінде тіркеу", "Регистрация в качестве безработного"]
    assert kk.rows[0] == (["Кезектегі орныңыз", "Ваше место в очереди"], "5")
    assert kk.rows[1] == (["Болжамды күту уақыты", "Примерное время ожидания"], "≈ 25 мин")
    assert kk.rows[2] == (["Кабинет"], "№1, №4")  # the same word in both: printed once
    assert kk.guidance[0].startswith("Нөміріңіз таблода")
    assert kk.guidance[1].startswith("Когда ваш номер")

    ru = talons.queue_talon_lines(dataclasses.replace(TALON, lang="ru"))
    assert ru.service[0] == "Регистрация в качестве безработного"
    assert ru.rows[0][0] == ["Ваше место в очереди", "Кезектегі орныңыз"]

    en = talons.queue_talon_lines(dataclasses.replace(TALON, lang="en"))
    assert en.service == [
        "Registration as unemployed",
        "Жұмыссыз ретінде тіркеу",
        "Регистрация в качестве безработного",
    ]
    assert en.rows[1] == (
        ["Estimated waiting time", "Болжамды күту уақыты", "Примерное время ожидания"],
        "≈ 25 min",
    )
    # The office name is always in both state languages, Kazakh first.
    assert en.office == [OFFICE.kk, OFFICE.ru]


def test_an_unknown_wait_says_so() -> None:
    words = talons.queue_talon_lines(dataclasses.replace(TALON, wait_minutes=None, lang="ru"))
    assert words.rows[1][1] == "пока неизвестно"


def test_the_first_in_line_is_told_they_are_next_and_priority_is_printed() -> None:
    """Issue 15, defect 11: no "≈ 0 min" to the first in line; the talon says priority."""
    first = talons.queue_talon_lines(dataclasses.replace(TALON, position=1, wait_minutes=0))
    assert first.rows[1][1] == "Келесі — сіз"
    assert all("≈ 0" not in value for _, value in first.rows)
    ru = dataclasses.replace(TALON, lang="ru", priority=True)
    assert talons.queue_talon_lines(ru).rows[0] == (
        ["Первоочередное обслуживание", "Бірінші кезекте қызмет көрсету"],
        "✓",
    )
    assert all(
        "Первоочеред" not in label[0] and "Бірінші" not in label[0]
        for label, _ in talons.queue_talon_lines(TALON).rows
    )


def test_every_label_is_translated_into_both_state_languages() -> None:
    labels = {value for key, value in vars(talons).items() if key.startswith("T_")}
    for lang in ("kk", "ru", "en"):
        catalog = i18n.load_catalog(lang)  # every catalog file, as the app reads them
        translated = {m.id: m.string for m in catalog if m.id}
        for label in labels:
            assert translated.get(label), f"{lang}: no translation for {label!r}"
            if lang != "en":
                assert translated[label] != label, f"{lang}: {label!r} left in English"


def test_the_dummy_printer_prints_exactly_the_rendered_talon() -> None:
    image = talons.render_queue_talon(TALON)
    printer = Dummy(profile="TM-T20II")
    printer.image(image)  # python-escpos's own GS v 0 encoder
    printed = decode_image(printer.output)
    assert printed is not None
    assert printed.size == image.size
    assert printed.tobytes() == image.tobytes()  # pixel for pixel


@pytest.mark.parametrize("talon", ALL, ids=lambda t: type(t).__name__)
def test_the_fast_raster_encoder_sends_the_bytes_python_escpos_sends(
    talon: desk_talons.Talon,
) -> None:
    image = desk_talons.render(talon)
    printer = Dummy(profile="TM-T20II")
    printer.image(image)
    assert raster_bytes(image) == printer.output


def test_a_tall_talon_is_sent_in_fragments_and_reassembled() -> None:
    many = MissingDocumentsSlip(
        office=OFFICE,
        issued_on=date(2026, 11, 24),
        documents=MISSING.documents * 8,
        cabinet="№4",
    )
    image = desk_talons.render_missing_documents(many)
    assert image.height > 960
    data = raster_bytes(image)
    assert len(find_raster_blocks(data)) == -(-image.height // 960)
    printed = decode_image(data)
    assert printed is not None and printed.tobytes() == image.tobytes()


def test_raster_bytes_that_spell_a_command_are_not_taken_for_one() -> None:
    # A row whose pixels encode b"\x1dv0": the decoder must not start a block inside data.
    row = bytes([0x1D, ord("v"), ord("0")]) + bytes(5)
    image = Image.frombytes("1", (64, 4), row * 4, "raw", "1;I")
    decoded = decode_image(raster_bytes(image))
    assert decoded is not None and decoded.tobytes() == image.tobytes()


def test_the_test_talon_has_every_kazakh_letter_and_a_frame() -> None:
    image = talons.test_talon(576, note="tcp://10.0.0.5:9100")
    assert image.mode == "1" and image.width == 576
    # The frame: the first and last columns are ink from top to bottom.
    assert all_ink(image.crop((0, 0, 1, image.height)))
    assert all_ink(image.crop((575, 0, 576, image.height)))
    assert set(KAZAKH_LETTERS) <= set(talons.KAZAKH_ALPHABET)
    assert len(talons.KAZAKH_ALPHABET) == 42


def test_widths_that_are_not_whole_bytes_are_refused() -> None:
    with pytest.raises(ValueError, match="multiple of 8"):
        talons.render_queue_talon(TALON, 580)


def test_fonts_are_loaded_once() -> None:
    assert sheet.font(24, 700) is sheet.font(24, 700)


FINDER = [
    bytes(r in (0, 6) or c in (0, 6) or (2 <= r <= 4 and 2 <= c <= 4) for c in range(7))
    for r in range(7)
]


def read_qr(image: Image.Image, modules: int) -> tuple[bytes, ...] | None:
    """The QR code printed on a talon, read back module by module from its pixels.

    Its top-left corner is the first run of dark pixels seven modules long, as tall as it is
    wide, where both top finder patterns are; every module is sampled at its centre."""
    gray = image.convert("L")
    width, height = gray.size
    pixels = gray.load()
    assert pixels is not None

    def dark(x: int, y: int) -> bool:
        return 0 <= x < width and 0 <= y < height and pixels[x, y] < 128  # type: ignore[operator]

    for y in range(height):
        x = 0
        while x < width:
            if not dark(x, y):
                x += 1
                continue
            start = x
            while dark(x, y):
                x += 1
            run = x - start
            box = run // 7
            if run >= 14 and run % 7 == 0 and all(dark(start, y + d) for d in range(run)):
                matrix = tuple(
                    bytes(
                        dark(start + col * box + box // 2, y + row * box + box // 2)
                        for col in range(modules)
                    )
                    for row in range(modules)
                )
                corners = [[row[:7] for row in matrix[:7]], [row[-7:] for row in matrix[:7]]]
                if all(corner == FINDER for corner in corners):
                    return matrix
    return None


@pytest.mark.parametrize("width", [576, 384])
def test_the_printed_qr_code_is_the_status_url_module_for_module(width: int) -> None:
    """What a phone's camera reads on the paper: the visitor's own status page."""
    image = talons.render_queue_talon(TALON, width)
    matrix = talons.qr_matrix(TALON.status_url)
    assert read_qr(image, len(matrix)) == matrix
    other = talons.qr_matrix("https://kezek.example.kz/t/00000000")
    assert len(other) == len(matrix) and other != matrix  # the comparison can tell them apart
    assert (
        read_qr(
            talons.render_queue_talon(dataclasses.replace(TALON, status_url=""), width), len(matrix)
        )
        is None
    )
