"""Phrases built around a number take the language's plural form (Babel's rules: Russian has
three forms, Kazakh says the noun in one form after a number) — issue 22.7."""

from __future__ import annotations

import pytest

from kezek import i18n
from kezek.indicators import charts


def _arrivals(total: int, lang: str) -> str:
    svg = charts.draw_arrivals({(0, 10): total}, ["Пн"] * 7, i18n.Translator(lang))
    return str(svg)


@pytest.mark.parametrize(
    ("n", "said"),
    [(1, "1 визит;"), (2, "2 визита;"), (5, "5 визитов;"), (21, "21 визит;"), (11, "11 визитов;")],
)
def test_russian_counts_visits_in_three_forms(n: int, said: str) -> None:
    assert said in _arrivals(n, "ru")


@pytest.mark.parametrize("n", [1, 2, 5, 21])
def test_kazakh_keeps_one_form_and_english_two(n: int) -> None:
    assert f"{n} келу;" in _arrivals(n, "kk")
    assert f"{n} {'visit' if n == 1 else 'visits'};" in _arrivals(n, "en")


@pytest.mark.parametrize(
    ("n", "said"),
    [
        (1, "в течение 1 календарного дня"),
        (2, "в течение 2 календарных дней"),
        (5, "в течение 5 календарных дней"),
        (21, "в течение 21 календарного дня"),
    ],
)
def test_templates_use_ngettext(n: int, said: str) -> None:
    """In Jinja: the supervisor's complaint form says the answer term in the right form."""
    from jinja2 import Environment

    env = Environment(autoescape=True)
    template = env.from_string(
        '{{ ngettext("The answer is due within %(num)s calendar day of receipt; the complainant'
        ' gets a talon.", "The answer is due within %(num)s calendar days of receipt; the'
        ' complainant gets a talon.", n) }}'
    )
    html = template.render(ngettext=i18n.Translator("ru").ngettext, n=n)
    assert said in html


@pytest.mark.parametrize(("n", "said"), [(576, "576 точек"), (384, "384 точки")])
def test_paper_width_in_russian(n: int, said: str) -> None:
    text = i18n.ngettext("ru", "Paper width: %(num)s dot", "Paper width: %(num)s dots", n)
    assert text == f"Ширина бумаги: {said}"


def test_plural_phrases_are_extracted_for_the_catalogs() -> None:
    found = i18n.extract_messages()
    assert "%(num)s visit; the busiest hour had %(peak)s." in found  # Python (charts)
    assert "Paper width: %(num)s dot" in found  # Jinja


@pytest.mark.parametrize(
    ("n", "said"), [(1, "1 день;"), (2, "2 дня;"), (5, "5 дней;"), (21, "21 день;")]
)
def test_russian_counts_days_of_the_daily_chart(n: int, said: str) -> None:
    from datetime import date, timedelta

    days = [(date(2026, 1, 1) + timedelta(days=i), 1, 1) for i in range(n)]
    assert said in str(charts.draw_daily(days, i18n.Translator("ru")))
