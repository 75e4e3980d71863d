"""Translation catalogs (kk, ru, en) and the choice of language for a request.

Catalogs live in ``kezek/locales/<lang>/*.po``: one file per feature, merged at load,
so that features can be translated side by side without editing one file.
Strings are marked with ``_()`` (or ``N_()`` where they are only declared).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "kk"  # the state language
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
LOCALES_DIR = Path(__file__).parent / "locales"
COOKIE = "kezek_lang"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (translated where shown)."""
    return message


def catalog_files(lang: str) -> list[Path]:
    return sorted((LOCALES_DIR / lang).glob("*.po"))


def load_catalog(lang: str) -> Catalog:
    """All of a language's .po files merged into one catalog."""
    merged = Catalog(locale=lang, domain="messages")
    for path in catalog_files(lang):
        with path.open("rb") as fh:
            part = read_po(fh, locale=lang)
        for message in part:
            if message.id and message.string:
                merged.add(message.id, message.string)
    return merged


@cache
def translations(lang: str) -> Translations:
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    buf = io.BytesIO()
    write_mo(buf, load_catalog(lang))
    buf.seek(0)
    return Translations(fp=buf, domain="messages")


def gettext(lang: str, message: str, **params: object) -> str:
    """Translate ``message`` into ``lang`` and fill its ``%(name)s`` parameters."""
    text = translations(lang).gettext(message)
    return text % params if params else text


def ngettext(lang: str, singular: str, plural: str, n: int, **params: object) -> str:
    """The form of ``lang`` for the number ``n`` (Babel's plural rules: ru has three forms,
    "1 визит", "2 визита", "5 визитов", "21 визит"; kk one), with ``%(num)s`` = ``n``."""
    text = translations(lang).ngettext(singular, plural, n)
    return text % {"num": n, **params}


def number(lang: str, value: float, digits: int = 1) -> str:
    """A number as the language writes it (Babel): "1 234,5" in kk and ru, "1,234.5" in en;
    ``digits`` decimals, dropped when the number is whole and ``digits`` is 0."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=lang)


def percent(lang: str, value: float, digits: int = 1) -> str:
    """A share given in percent (97.8) as the language writes it: "97,8 %" in ru, "97,8%" in
    kk, "97.8%" in en (the locale's own percent pattern, with ``digits`` decimals)."""
    pattern = Locale.parse(lang).percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits, 1)
    return format_percent(value / 100, format=pattern, locale=lang)


class Translator:
    """The ``_`` and ``ngettext`` of one language, as passed to templates."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE

    def __call__(self, message: str, **params: object) -> str:
        return gettext(self.lang, message, **params)

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        return ngettext(self.lang, singular, plural, n, **params)


def negotiate(explicit: str | None, cookie: str | None, accept_language: str | None) -> str:
    """An explicit choice, then the cookie, then Accept-Language, then Kazakh."""
    for candidate in (explicit, cookie):
        if candidate is not None and candidate in LANGUAGES:
            return candidate
    for tag in _accept_language(accept_language or ""):
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def _accept_language(header: str) -> Iterable[str]:
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            weighted.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def extract_messages() -> dict[str, list[str]]:
    """Every msgid marked in the package (Python and templates) -> where it is used."""
    from babel.messages.extract import extract_from_dir

    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "", "trimmed": "true"}}
    found: dict[str, list[str]] = {}
    package = Path(__file__).parent
    for filename, lineno, message, _comments, _context in extract_from_dir(
        package,
        method_map=method_map,
        options_map=options,
        keywords={"_": None, "N_": None, "gettext": (2,), "ngettext": (1, 2), "_plural": (1, 2)},
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found
