"""The drawing sheet every talon is drawn on: fonts with the Kazakh letters, text that wraps
and fits, rules, rows, and QR codes. Pure: values in, a 1-bit image out (mode ``"1"``: 0 =
black ink, 1 = white paper), exactly as tall as its content."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, Literal

import qrcode
import qrcode.constants
import ttf_opensans
from PIL import Image, ImageDraw, ImageFont

WIDTH_80MM = 576  # dots: 72 mm printable at 203 dpi
WIDTH_58MM = 384  # dots: 48 mm printable

Weight = Literal[400, 600, 700, 800]

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


class Sheet:
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


@lru_cache(maxsize=1024)
def qr_matrix(data: str) -> tuple[bytes, ...]:
    """The QR modules of ``data`` (1 = dark), a row of bytes each, without the quiet zone.

    The kiosk's screen and its talon show the same URL, and the talon is rendered when its
    printer comes to it: behind a burst of a few hundred taps (issue 20's bench) a cache of
    64 had forgotten the code again. Rows of bytes keep a code at ~2 KB.
    """
    # Level M survives a smudge or a fold in the paper; a status URL fits version 3-4 at M.
    # A fixed mask: choosing the best of eight costs ~8 ms a code on the kiosk path, and any
    # mask scans (the choice only evens out dark areas).
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=2
    )
    code.add_data(data)
    code.make(fit=True)
    return tuple(bytes(map(bool, row)) for row in code.get_matrix())


def _matrix_image(matrix: Sequence[bytes]) -> Image.Image:
    size = len(matrix)
    # 1 (dark) becomes black: 255 - 255·1 = 0; 0 becomes white.
    raw = bytes(255 - 255 * dark for row in matrix for dark in row)
    return Image.frombytes("L", (size, size), raw).convert("1", dither=Image.Dither.NONE)
