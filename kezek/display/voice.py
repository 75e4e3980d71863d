"""The display's sound, produced offline: a chime made here and calls spoken by espeak-ng.

The call is said in Kazakh, then in Russian:

    kk: "Талон бэ-017, бірінші кабинет"
    ru: "Талон бэ-017, кабинет номер один"

espeak-ng (Debian package ``espeak-ng``, voices ``kk`` and ``ru``) renders a phrase in about
10 ms. Facts measured here (DESIGN.md): a bare letter is misread ("В" as the preposition
"в"), so each letter is said by its name (kezek/display/letters.py); "017" is read well as
is; ordinals must be written as words.
Without espeak-ng the display still plays the chime (``Voice.available`` is False).
"""

from __future__ import annotations

import io
import math
import re
import shutil
import struct
import subprocess
import threading
import wave
from array import array
from collections import OrderedDict
from functools import cache

from kezek.display.letters import spoken_letters

LANGUAGES = ("kk", "ru")  # the order in which a call is announced: state language first
RATE = 22050

# --- numbers as words --------------------------------------------------------------------

_KK_UNITS = ("", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз")
_KK_TENS = ("", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан")
# The ordinal suffix follows vowel harmony and has a few irregular stems (қырық → қырқыншы,
# жиырма → жиырмасыншы); a table is clearer than rules for the words that can occur.
_KK_ORDINAL = {
    "бір": "бірінші",
    "екі": "екінші",
    "үш": "үшінші",
    "төрт": "төртінші",
    "бес": "бесінші",
    "алты": "алтыншы",
    "жеті": "жетінші",
    "сегіз": "сегізінші",
    "тоғыз": "тоғызыншы",
    "он": "оныншы",
    "жиырма": "жиырмасыншы",
    "отыз": "отызыншы",
    "қырық": "қырқыншы",
    "елу": "елуінші",
    "алпыс": "алпысыншы",
    "жетпіс": "жетпісінші",
    "сексен": "сексенінші",
    "тоқсан": "тоқсаныншы",
    "жүз": "жүзінші",
}
_RU_UNITS = ("", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
_RU_TEENS = (
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
)
_RU_TENS = (
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
)
_RU_HUNDREDS = (
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
)


def _kk_words(n: int) -> list[str]:
    hundreds, rest = divmod(n, 100)
    words: list[str] = []
    if hundreds:
        words += ([_KK_UNITS[hundreds]] if hundreds > 1 else []) + ["жүз"]
    if rest // 10:
        words.append(_KK_TENS[rest // 10])
    if rest % 10:
        words.append(_KK_UNITS[rest % 10])
    return words


def ordinal_kk(n: int) -> str:
    """1 → "бірінші", 14 → "он төртінші", 40 → "қырқыншы" (1…999; otherwise the digits)."""
    if not 0 < n < 1000:
        return str(n)
    words = _kk_words(n)
    words[-1] = _KK_ORDINAL[words[-1]]
    return " ".join(words)


def cardinal_ru(n: int) -> str:
    """1 → "один", 14 → "четырнадцать" (1…999; otherwise the digits)."""
    if not 0 < n < 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    words = [_RU_HUNDREDS[hundreds]]
    if 10 <= rest < 20:
        words.append(_RU_TEENS[rest - 10])
    else:
        words += [_RU_TENS[rest // 10], _RU_UNITS[rest % 10]]
    return " ".join(w for w in words if w)


# --- phrases -----------------------------------------------------------------------------

_NUMBER_SIGN = re.compile(r"№\s*(\d+)")


def spoken_code(lang: str, code: str) -> str:
    """ "В-017" → "вэ-017": the letter by its name, never the bare letter (espeak reads a
    bare Russian "В" as the preposition "в"); the digits are read well as they are."""
    letters, dash, number = code.partition("-")
    return f"{spoken_letters(lang, letters)}{dash}{number}"


def spoken_place(lang: str, name: str) -> str:
    """The cabinet as said aloud: "№1 кабинет" → "бірінші кабинет", "Кабинет №1" → "Кабинет
    номер один". Names without "№" are read as they are."""
    if lang == "kk":
        return _NUMBER_SIGN.sub(lambda m: ordinal_kk(int(m.group(1))), name)
    return _NUMBER_SIGN.sub(lambda m: "номер " + cardinal_ru(int(m.group(1))), name)


def phrase(lang: str, code: str, place: str) -> str:
    """What is said for a call; ``place`` is the service point's name in that language."""
    word = "Талон"  # one word for the ticket on screens, talons and the call (docs/glossary.md)
    said = spoken_place(lang, place)
    return f"{word} {spoken_code(lang, code)}, {said[:1].lower()}{said[1:]}"


# --- WAV ---------------------------------------------------------------------------------


def _wav(samples: array[int]) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.tobytes())
    return buf.getvalue()


@cache
def chime() -> bytes:
    """A two-tone "ding-dong" (E5 then C5, bell-like partials, decaying), about 1.3 s."""
    samples = array("h")
    for freq, seconds in ((659.25, 0.55), (523.25, 0.8)):
        for i in range(int(RATE * seconds)):
            t = i / RATE
            attack = min(1.0, t / 0.005)  # no click at the start
            phase = 2 * math.pi * freq * t
            tone = math.sin(phase) + 0.35 * math.sin(2.01 * phase) + 0.12 * math.sin(3.02 * phase)
            samples.append(int(9000 * attack * math.exp(-3.2 * t) * tone))
    return _wav(samples)


@cache
def silence() -> bytes:
    """A tenth of a second of nothing: the display plays it to learn whether sound may autoplay."""
    return _wav(array("h", bytes(RATE // 5)))


def fix_wav_sizes(data: bytes) -> bytes:
    """espeak-ng writing to a pipe cannot seek back, so its RIFF and data sizes are
    placeholders (0x7ffff000); browsers are happier with the true sizes."""
    if len(data) < 44 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise VoiceError("espeak-ng did not produce a WAV file")
    fixed = bytearray(data)
    struct.pack_into("<I", fixed, 4, len(data) - 8)
    offset = 12
    while offset + 8 <= len(fixed):
        chunk, size = fixed[offset : offset + 4], struct.unpack_from("<I", fixed, offset + 4)[0]
        if chunk == b"data":
            struct.pack_into("<I", fixed, offset + 4, len(fixed) - offset - 8)
            return bytes(fixed)
        offset += 8 + size
    raise VoiceError("espeak-ng WAV has no data chunk")


# --- the voice engine --------------------------------------------------------------------


class VoiceError(RuntimeError):
    """No voice engine, or it failed: the display then plays the chime alone."""


class Voice:
    """espeak-ng behind a bounded LRU cache (by entries and by bytes), safe across threads.

    A clip is about 150 KB (3.5 s of 22 kHz mono); a call is fetched by every display in the
    hall within seconds, so a small cache serves them all from one rendering.
    """

    VOICES = {"kk": "kk", "ru": "ru"}

    def __init__(
        self,
        binary: str | None = "espeak-ng",
        *,
        speed: int = 140,
        max_entries: int = 128,
        max_bytes: int = 16 << 20,
        timeout: float = 5.0,
    ) -> None:
        self.binary = shutil.which(binary) if binary else None
        self.speed = speed
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.timeout = timeout
        self._cache: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def available(self) -> bool:
        return self.binary is not None

    def cached(self) -> tuple[int, int]:
        """(entries, bytes) held now."""
        with self._lock:
            return len(self._cache), self._bytes

    def wav(self, lang: str, text: str) -> bytes:
        key = (lang, text)
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        data = self._render(lang, text)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = data
                self._bytes += len(data)
            while len(self._cache) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._cache.popitem(last=False)
                self._bytes -= len(dropped)
        return data

    def _render(self, lang: str, text: str) -> bytes:
        if self.binary is None:
            raise VoiceError("no voice engine (install the Debian package espeak-ng)")
        # The text goes through stdin, never the command line: nothing in it is an option.
        command = [
            self.binary,
            "-v",
            self.VOICES[lang],
            "-s",
            str(self.speed),
            "--stdout",
            "--stdin",
        ]
        try:
            done = subprocess.run(
                command, input=text.encode(), capture_output=True, timeout=self.timeout, check=True
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise VoiceError(f"espeak-ng failed: {type(exc).__name__}") from None
        return fix_wav_sizes(done.stdout)
