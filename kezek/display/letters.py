"""The names of ticket letters as the call says them, one table for every voice language.

A bare letter is not read as a letter: espeak-ng's Russian voice reads "В-017" as the
preposition "в" and "Б" as "бы", so А-017, Б-017 and В-017 (all issued on one day) sound
alike. The call says the letter's name instead ("бэ", "вэ"); checked with ``espeak-ng -x``
(tests/test_voice_letters.py). Kazakh names follow the school alphabet ("бэ", "қы", "эл").
A Latin letter has no name here: it would switch espeak to English mid-phrase, so the
profile check refuses it (kezek/settings.py).
"""

from __future__ import annotations

VOICE_LANGUAGES = ("kk", "ru")

# letter: (kk name, ru name); "" where a language has no such letter.
_NAMES: dict[str, tuple[str, str]] = {
    "А": ("а", "а"),
    "Ә": ("ә", ""),
    "Б": ("бэ", "бэ"),
    "В": ("вэ", "вэ"),
    "Г": ("гэ", "гэ"),
    "Ғ": ("ғы", ""),
    "Д": ("дэ", "дэ"),
    "Е": ("е", "е"),
    "Ё": ("ё", "ё"),
    "Ж": ("жэ", "жэ"),
    "З": ("зэ", "зэ"),
    "И": ("ий", "и"),
    "Й": ("ий", "и краткое"),
    "К": ("ка", "ка"),
    "Қ": ("қы", ""),
    "Л": ("эл", "эль"),
    "М": ("эм", "эм"),
    "Н": ("эн", "эн"),
    "Ң": ("эң", ""),
    "О": ("о", "о"),
    "Ө": ("ө", ""),
    "П": ("пэ", "пэ"),
    "Р": ("эр", "эр"),
    "С": ("эс", "эс"),
    "Т": ("тэ", "тэ"),
    "У": ("у", "у"),
    "Ұ": ("ұ", ""),
    "Ү": ("ү", ""),
    "Ф": ("эф", "эф"),
    "Х": ("ха", "ха"),
    "Һ": ("һа", ""),
    "Ц": ("цэ", "цэ"),
    "Ч": ("чэ", "че"),
    "Ш": ("ша", "ша"),
    "Щ": ("ща", "ща"),
    "Ы": ("ы", "ы"),
    "І": ("і", ""),
    "Э": ("э", "э"),
    "Ю": ("ю", "ю"),
    "Я": ("я", "я"),
}


def letter_name(lang: str, letter: str) -> str | None:
    """ "Б" → "бэ"; None where ``lang`` has no name for it (a Latin letter, Ә in Russian)."""
    names = _NAMES.get(letter.upper())
    if names is None or lang not in VOICE_LANGUAGES:
        return None
    return names[VOICE_LANGUAGES.index(lang)] or None


def unnamed(letters: str) -> list[tuple[str, str]]:
    """The (letter, language) pairs the call could not say: empty when all is well."""
    return [
        (letter, lang)
        for letter in letters
        for lang in VOICE_LANGUAGES
        if letter_name(lang, letter) is None
    ]


def spoken_letters(lang: str, letters: str) -> str:
    """ "АБ" → "а бэ"; a letter without a name stays as it is (the profile refuses those)."""
    return " ".join(letter_name(lang, c) or c for c in letters)
