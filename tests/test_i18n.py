"""Every visible string goes through the catalogs, and every catalog has every message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup, Comment, Doctype

from kezek import i18n

TEMPLATES = Path(i18n.__file__).parent / "templates"
JINJA = re.compile(r"{#.*?#}|{%.*?%}|{{.*?}}", re.S)
LETTER = re.compile(r"[^\W\d_]", re.U)
VISIBLE_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label", "aria-description")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def visible_text_outside_translation(source: str) -> list[str]:
    """Text a person would see that is written in the template instead of passed to _()."""
    soup = BeautifulSoup(JINJA.sub(" ", source), "html.parser")
    found = []
    for node in soup.find_all(string=True):
        if isinstance(node, (Comment, Doctype)) or node.parent.name in ("script", "style"):
            continue
        if LETTER.search(node):
            found.append(node.strip())
    for tag in soup.find_all(True):
        for name in VISIBLE_ATTRIBUTES:
            value = tag.get(name)
            if isinstance(value, str) and LETTER.search(value):
                found.append(f'{name}="{value}"')
    return found


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html"))
)
def test_template_has_no_untranslated_text(template: str) -> None:
    assert visible_text_outside_translation((TEMPLATES / template).read_text()) == []


def test_the_check_catches_untranslated_text() -> None:
    html = '<p>{{ _("Fine") }}</p><button title="Call">{{ x }}</button><span>Келесі</span>'
    assert visible_text_outside_translation(html) == ["Келесі", 'title="Call"']


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_catalog_has_every_message(lang: str) -> None:
    catalog = i18n.load_catalog(lang)
    missing = [
        msgid
        for msgid in i18n.extract_messages()
        if not (catalog.get(msgid) and catalog.get(msgid).string)
    ]
    assert missing == []


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_translations_keep_their_placeholders(lang: str) -> None:
    wrong = [
        message.id
        for message in i18n.load_catalog(lang)
        if message.id
        and isinstance(message.string, str)
        and set(PLACEHOLDER.findall(message.id)) != set(PLACEHOLDER.findall(message.string))
    ]
    assert wrong == []


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_no_message_is_translated_twice(lang: str) -> None:
    seen: dict[str, str] = {}
    twice = []
    for path in i18n.catalog_files(lang):
        with path.open("rb") as fh:
            for message in read_po(fh, locale=lang):
                if message.id and message.id in seen:
                    twice.append(f"{message.id!r} in {seen[message.id]} and {path.name}")
                seen[str(message.id)] = path.name
    assert twice == []


def test_kazakh_and_russian_differ_from_english() -> None:
    assert i18n.gettext("kk", "Staff console") == "Қызметкер пульті"
    assert i18n.gettext("ru", "Staff console") == "Пульт сотрудника"
    assert i18n.gettext("en", "Staff console") == "Staff console"


def test_language_choice_order() -> None:
    assert i18n.negotiate("ru", "en", "kk") == "ru"  # explicit first
    assert i18n.negotiate(None, "en", "ru") == "en"  # then the cookie
    assert i18n.negotiate(None, None, "de-DE,ru;q=0.8,en;q=0.9") == "en"  # then Accept-Language
    assert i18n.negotiate("xx", "yy", "zz") == "kk"  # then the state language


def test_numbers_are_written_as_each_language_writes_them() -> None:
    """Issue 15, defect 9: Babel's numbers, not "100.0 %" and "0.8 минут" everywhere."""
    assert [i18n.percent(lang, 97.84) for lang in ("kk", "ru", "en")] == [
        "97,8%",
        "97,8\xa0%",
        "97.8%",
    ]
    assert [i18n.number(lang, 1234.5) for lang in ("kk", "ru", "en")] == [
        "1\xa0234,5",
        "1\xa0234,5",
        "1,234.5",
    ]
