"""What every feature's web layer shares: the app state, templates, language, errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import jinja2
from starlette.datastructures import URL, URLPath
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from kezek import i18n, templating
from kezek.queue.clock import Clock
from kezek.queue.tickets import OfficeClosed, QueueError
from kezek.state import State as State  # re-exported: features annotate with web.State
from kezek.templating import STATIC as STATIC  # re-exported: the app mounts it

Message = tuple[str, dict[str, Any]]  # a catalog message and its parameters


@dataclass(frozen=True)
class Said:
    """What a page says back after an action: a refusal or a notice, and the page's status."""

    error: Message | None = None
    notice: Message | None = None
    status_code: int = 200


def refusal(message: str, status_code: int = 409, **params: Any) -> Said:
    return Said(error=(message, params), status_code=status_code)


def notice(message: str, **params: Any) -> Said:
    return Said(notice=(message, params))


def state(request: Request) -> State:
    """The office this request is for: its /o/<slug>/ prefix, or the first office."""
    chosen: State | None = request.scope.get("kezek.office")
    first: State = request.app.state.kezek
    return chosen if chosen is not None else first


def root(request: Request) -> str:
    """The path this office is served under: "" for the first office, "/o/<slug>" for the
    others (and a proxy's root path before it). Its cookies and redirects stay below it."""
    return request.base_url.path.rstrip("/")


def public_base(request: Request) -> str:
    """Where visitors' phones reach this office (the QR code on a talon): KEZEK_PUBLIC_URL
    with the office's prefix when it is set, else the address the request came to."""
    base = request.base_url
    public = state(request).settings.public_url
    return f"{public}{base.path}".rstrip("/") if public else str(base).rstrip("/")


def lang(request: Request) -> str:
    chosen = getattr(request.state, "lang", None)
    if chosen:
        return str(chosen)
    return i18n.negotiate(
        request.query_params.get("lang"),
        request.cookies.get(i18n.COOKIE),
        request.headers.get("accept-language"),
    )


PATHS_KEPT = 1024  # per router; past it the cache starts again (names with tokens add up)


def url_for(request: Request, name: str, /, **params: Any) -> URL:
    """``request.url_for`` with the route's path remembered per router (issue 20).

    Starlette finds a path by trying every route and mount in turn, each failing one raising
    ``NoMatchFound``: that search was 14 % of a kiosk ticket's time (a page links its styles,
    scripts and icons). The routes never change once the app is made, so a name and its
    parameters always give the same path; only the base (host, the office's prefix) is the
    request's. The paths live on the router (a router compares by its routes, so it cannot
    be a key), and go with it.
    """
    provider = request.scope.get("router") or request.scope["app"]
    key = (name, *sorted(params.items()))
    paths: dict[tuple[Any, ...], URLPath] | None = getattr(provider, "_kezek_paths", None)
    if paths is None:
        paths = provider._kezek_paths = {}
    try:
        path = paths.get(key)
    except TypeError:  # a parameter that cannot be a key: found the long way
        return request.url_for(name, **params)
    if path is None:
        path = provider.url_path_for(name, **params)
        if len(paths) >= PATHS_KEPT:
            paths.clear()
        paths[key] = path
    return path.make_absolute_url(base_url=request.base_url)


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    block: str | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a template; with ``block`` only that fragment (htmx swaps)."""
    env: jinja2.Environment = request.app.state.templates
    st = state(request)
    language = lang(request)

    def local(dt: datetime | None, fmt: str = "%H:%M") -> str:
        return st.clock.local(dt).strftime(fmt) if dt else ""

    ctx: dict[str, Any] = {
        "request": request,
        "_": i18n.Translator(language),
        "ngettext": i18n.Translator(language).ngettext,  # ngettext("%(num)s day", "… days", n)
        "lang": language,
        "url_for": partial(url_for, request),
        "static": lambda path: url_for(request, "static", path=path),
        "profile": st.profile,
        "office_name": st.profile.name.get(language),
        "local": local,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "user": getattr(request.state, "user", None),
        **(context or {}),
    }
    if block is not None:
        html = templating.render_block(name, block, ctx)
    else:
        html = env.get_template(name).render(ctx)
    return HTMLResponse(html, status_code=status_code, headers=headers)


def cross_site(request: Request) -> bool:
    """The browser says another site sent this POST: Fetch Metadata where it is sent, else
    the Origin, which is "null" on a page's own form under ``Referrer-Policy: no-referrer``
    in a browser without Fetch Metadata (Safari before 16.4): that visitor must still be
    able to cancel a ticket or a booking from their phone. What a browser says came from
    another site is refused (the phone and booking-manage pages also need the secret in
    their address, which another site does not know)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = request.headers.get("origin")
    here = f"{request.url.scheme}://{request.url.netloc}"
    return origin is not None and origin not in ("null", here)


_CONTROL = {c: None for c in range(32) if chr(c) not in "\t\n\r"} | {0x7F: None}


def clean_text(value: str) -> str:
    """Typed text without control characters (a NUL cannot even be stored in PostgreSQL;
    found by hypothesis on the forms). Tabs and line breaks stay."""
    return value.translate(_CONTROL)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def asks_for(request: Request, target: str) -> bool:
    """htmx asks for the fragment ``target`` (its element's id). A boosted click sends
    ``HX-Request`` too, and must get the whole page (DESIGN.md: hx-boost is a contract)."""
    return is_htmx(request) and request.headers.get("hx-target") == target


def error_json(
    request: Request,
    status_code: int,
    kind: str,
    message: str,
    *,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A JSON error whose message is in the request's language."""
    text = i18n.gettext(lang(request), message, **(params or {}))
    return JSONResponse(
        {"error": kind, "message": text, **extra}, status_code=status_code, headers=headers
    )


def queue_error(request: Request, exc: QueueError) -> Response:
    if isinstance(exc, OfficeClosed):
        at = exc.next_opening
        return JSONResponse(
            {
                "error": exc.kind,
                "message": opening_text(lang(request), state(request).clock, at),
                "next_opening": at.isoformat() if at else None,
            },
            status_code=exc.status_code,
        )
    params = queue_params(lang(request), exc)
    return error_json(request, exc.status_code, exc.kind, exc.message, params=params)


def queue_text(request: Request, exc: QueueError) -> str:
    """A refusal as a sentence in the request's language (for a page, not JSON)."""
    language = lang(request)
    return i18n.gettext(language, exc.message, **queue_params(language, exc))


def queue_params(language: str, exc: QueueError) -> dict[str, Any]:
    """A refusal's parameters for its message, a ticket status named in ``language``."""
    return {
        key: i18n.gettext(language, STATUS_NAMES[value])
        if key == "status" and value in STATUS_NAMES
        else value
        for key, value in exc.params.items()
    }


STATUS_NAMES = {
    "waiting": i18n.N_("waiting"),
    "called": i18n.N_("called"),
    "serving": i18n.N_("being served"),
    "served": i18n.N_("served"),
    "no_show": i18n.N_("did not come"),
    "cancelled": i18n.N_("cancelled"),
    "transferred": i18n.N_("transferred"),
    "closed": i18n.N_("closed unserved"),
}
WEEKDAY_NAMES = (
    i18n.N_("Monday"),
    i18n.N_("Tuesday"),
    i18n.N_("Wednesday"),
    i18n.N_("Thursday"),
    i18n.N_("Friday"),
    i18n.N_("Saturday"),
    i18n.N_("Sunday"),
)


def opening_text(language: str, clock: Clock, at: datetime | None) -> str:
    """'Opens on Tuesday at 09:00' in the visitor's language (§10)."""
    if at is None:
        return i18n.gettext(language, "The office is closed.")
    local_at = clock.local(at)
    today = clock.business_day()
    if local_at.date() == today:
        return i18n.gettext(
            language, "The office opens today at %(time)s.", time=local_at.strftime("%H:%M")
        )
    return i18n.gettext(
        language,
        "The office opens on %(day)s, %(date)s at %(time)s.",
        day=i18n.gettext(language, WEEKDAY_NAMES[local_at.weekday()]),
        date=local_at.strftime("%d.%m"),
        time=local_at.strftime("%H:%M"),
    )
