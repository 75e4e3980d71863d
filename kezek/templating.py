"""The Jinja environment, and rendering that needs no request (the display hub's boards).

``web.render`` adds what a request knows (its language, url_for, the user) on top.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from kezek import i18n

PACKAGE = Path(__file__).parent
STATIC = PACKAGE / "static"


def vendor_files() -> dict[str, str]:
    """Logical name -> versioned file under static/vendor (htmx -> vendor/htmx-2.0.11.js)."""
    found: dict[str, str] = {}
    for path in sorted((STATIC / "vendor").glob("*.js")):
        stem = path.name.rsplit("-", 1)[0]
        found[stem] = f"vendor/{path.name}"
    return found


@jinja2.pass_context
def _number(ctx: jinja2.runtime.Context, value: float, digits: int | None = None) -> str:
    """``{{ x|number }}`` in the page's language; whole numbers without decimals."""
    shown = (0 if float(value).is_integer() else 1) if digits is None else digits
    return i18n.number(ctx.get("lang") or i18n.DEFAULT_LANGUAGE, value, shown)


@jinja2.pass_context
def _percent(ctx: jinja2.runtime.Context, value: float, digits: int = 1) -> str:
    """``{{ share|percent }}``: 97.8 shown as "97,8 %" in ru (Babel)."""
    return i18n.percent(ctx.get("lang") or i18n.DEFAULT_LANGUAGE, value, digits)


def make_templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(PACKAGE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # The templates ship with the package and do not change while it runs: no stat() of
        # every template a page extends on every render (4 % of a kiosk ticket, issue 20).
        auto_reload=False,
    )
    env.globals["vendor"] = vendor_files()
    env.globals["LANGUAGES"] = i18n.LANGUAGES
    env.globals["LANGUAGE_NAMES"] = i18n.LANGUAGE_NAMES
    env.filters["tojson_attr"] = lambda v: json.dumps(v, ensure_ascii=False)
    env.filters["number"] = _number
    env.filters["percent"] = _percent
    return env


@cache
def environment() -> jinja2.Environment:
    """The app's templates: one environment per process (templates do not change)."""
    return make_templates()


def render_block(name: str, block: str, context: dict[str, Any]) -> str:
    """One block of a template, from ``context`` alone: no request, no language of its own."""
    template = environment().get_template(name)
    return "".join(template.blocks[block](template.new_context(context)))
