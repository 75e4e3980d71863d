"""Who is asking for a ticket, and the one limit every ticket-issuing route applies
(issue 14 §2; the kiosk form and ``POST /api/tickets`` both call ``admit``).

An enrolled kiosk (its device cookie) has the kiosk's gentle limit, per kiosk, and may issue
priority tickets (§11); so may staff (an API token). Any other client — a phone, a script, a
browser that is not an enrolled kiosk — gets the public limit per address, shared by every
issuing route, and no priority ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from starlette.requests import Request
from starlette.responses import Response

from kezek import db, web
from kezek.devices import enrolment
from kezek.devices.models import Device

COOKIE = "kezek_device"
COOKIE_DAYS = 5 * 365  # a kiosk stays enrolled until an admin revokes it


def device(request: Request, kind: str | None = None) -> Device | None:
    """The enrolled device this request comes from (of ``kind``, if given)."""
    if "device" not in request.state._state and not request.cookies.get(COOKIE):
        request.state.device = None  # no cookie, no device: no database session
    if "device" not in request.state._state:
        st = web.state(request)
        with db.reading(st.engine) as session:
            request.state.device = enrolment.find(
                session, st.office_id, request.cookies.get(COOKIE)
            )
    found: Device | None = request.state.device
    return found if found is not None and kind in (None, found.kind) else None


def set_cookie(response: Response, request: Request, cookie: str) -> None:
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=COOKIE_DAYS * 86400,
        path=request.url_for("home").path,  # this office's pages (its /o/<slug>/)
        httponly=True,
        samesite="lax",
        secure=web.state(request).settings.secure_cookies,
    )


@dataclass(frozen=True)
class Issuer:
    kind: Literal["kiosk", "staff", "public"]
    key: str  # whose limit: the kiosk's id, or the client's address


def issuer(request: Request, *, staff: bool = False) -> Issuer:
    if staff:
        return Issuer("staff", "")
    kiosk = device(request, "kiosk")
    if kiosk is not None:
        return Issuer("kiosk", f"device:{kiosk.id}")
    return Issuer("public", request.client.host if request.client else "unknown")


@dataclass(frozen=True)
class Refusal:
    reason: Literal["priority", "limited"]
    seconds: int = 0  # until the client may take another ticket


def admit(st: web.State, who: Issuer, *, priority: bool) -> Refusal | None:
    """Whether ``who`` may take a ticket now (None), or why not."""
    if priority and who.kind == "public":
        return Refusal("priority")
    if who.kind == "staff":
        return None
    limiter = st.limiter if who.kind == "kiosk" else st.public_limiter
    if not limiter.allowed(who.key):
        return Refusal("limited", limiter.wait_seconds(who.key))
    return None


def record(st: web.State, who: Issuer) -> None:
    """A ticket was issued to ``who``: it counts against its limit."""
    if who.kind != "staff":
        (st.limiter if who.kind == "kiosk" else st.public_limiter).record(who.key)


LOCAL = ("127.0.0.1", "::1")


def enrol_local_kiosk(request: Request) -> str | None:
    """The demo profile's kiosk on this machine enrols itself (``make serve`` stays one
    step); the new device cookie, or None (another profile, another address, enrolled)."""
    st = web.state(request)
    client = request.client.host if request.client else ""
    if not st.profile.enrol_local_kiosk or client not in LOCAL or device(request) is not None:
        return None
    with db.transaction(st.engine) as session:
        cookie = enrolment.enrol_directly(
            session, st.office_id, "kiosk", f"kiosk {client}", st.clock.now()
        )
        request.state.device = enrolment.find(session, st.office_id, cookie)
    return cookie
