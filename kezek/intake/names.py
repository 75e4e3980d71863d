"""Finding a card by the person's name however it is typed (issue 17): Kazakh or Russian
Cyrillic, or Latin (the passport's, or the Kazakh Latin alphabet), any case, partial.

Both the card's names and the typed words are folded to one Latin skeleton, stored on the
card as ``search_key``: Kazakh letters to their nearest plain ones (ә→a, ғ→g, қ→k, ң→n,
ө→o, ұ ү→u, һ→h, і→i), Cyrillic to Latin (ж→zh, ш щ→sh, ч→ch, х→h, ц→ts, ю→iu, я→ia),
diacritics dropped (ä ö ü ñ ğ ş ı), then the spellings that differ between the two: y→i,
j→zh, q→k, w→u, x→h, kh→h, a word's leading "ie"/"e" as "e" (Ерлан = Yerlan), and doubled
letters once (Жанна = Zhanna). So "Нұрлан", "нурлан" and "Nurlan" give "nurlan". Pure.
"""

from __future__ import annotations

import re
import unicodedata

_CYRILLIC = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "і": "i", "к": "k", "қ": "k", "л": "l", "м": "m",
    "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ұ": "u", "ү": "u", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "sh", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
_LATIN = str.maketrans({"y": "i", "j": "zh", "q": "k", "w": "u", "x": "h", "ı": "i"})
_NOT_LETTER = re.compile(r"[^a-z]+")
_DOUBLE = re.compile(r"(.)\1+")
MAX_QUERY = 100  # characters typed
MIN_WORD = 2  # a folded word shorter than this finds too much


def fold_word(word: str) -> str:
    text = "".join(_CYRILLIC.get(ch, ch) for ch in word.casefold())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NOT_LETTER.sub("", text.translate(_LATIN)).replace("kh", "h")
    if text.startswith("ie"):
        text = text[1:]
    return _DOUBLE.sub(r"\1", text)


def words(text: str) -> list[str]:
    """The folded words of a name or a query, empty ones left out."""
    folded = (fold_word(part) for part in re.split(r"[\s\-]+", text[:400]))
    return [word for word in folded if word]


def search_key(surname: str, name: str, patronymic: str = "") -> str:
    """What a card stores: its folded words between spaces (a word's start is findable)."""
    return " " + " ".join(words(f"{surname} {name} {patronymic}")) + " "
