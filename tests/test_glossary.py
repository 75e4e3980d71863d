"""One word per thing in each language (docs/glossary.md): the replaced words stay out of the
catalogs, the shipped profiles and the call (issue 22.8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kezek import i18n
from kezek.display import voice
from kezek.settings import PROFILES_DIR

REPLACED = {
    "kk": [
        "Бесқөл",
        "Болжалды",
        "болжалды",
        "Рақмет",
        "рақмет",
        "қызмет көрсету орн",
        "киоск",
        "Киоск",
        "бас тартылды",
    ],
    "ru": [
        "Учреждение",
        "учреждени",
        "никто не ожидает",
        "неполный: не хватает",
        "киоск",
        "Киоск",
    ],
}


def _translations(lang: str) -> list[str]:
    out = []
    for message in i18n.load_catalog(lang):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        out += [s for s in strings if s]
    return out


@pytest.mark.parametrize("lang", sorted(REPLACED))
def test_catalogs_use_the_glossary_words(lang: str) -> None:
    found = [
        (word, text) for text in _translations(lang) for word in REPLACED[lang] if word in text
    ]
    assert found == []


@pytest.mark.parametrize("profile", sorted(p.name for p in PROFILES_DIR.glob("*.toml")))
def test_profiles_write_the_village_as_the_standard_does(profile: str) -> None:
    text = (PROFILES_DIR / profile).read_text(encoding="utf-8")
    assert "Бесқөл" not in text and "Бескөл ауылы" in text


def test_the_call_and_the_screens_say_talon() -> None:
    assert voice.phrase("kk", "А-017", "№1 кабинет").startswith("Талон ")
    assert voice.phrase("ru", "А-017", "Кабинет №1").startswith("Талон ")
    assert i18n.gettext("kk", "Ticket %(code)s", code="А-017") == "Талон А-017"


def test_the_glossary_is_written_down() -> None:
    glossary = Path(__file__).resolve().parent.parent / "docs" / "glossary.md"
    text = glossary.read_text(encoding="utf-8")
    assert "| Thing | kk | ru | en | not |" in text
