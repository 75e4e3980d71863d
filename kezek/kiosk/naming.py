"""Which kiosk a request comes from (issue 20: every kiosk prints on its own printer)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request

from kezek import web
from kezek.devices import gate


def kiosk_name(request: Request) -> str | None:
    """Which kiosk asks (issue 20): its address ``/kiosk/<name>/``, else its enrolled
    device's name; the profile's ``[printers.kiosk]`` gives that name its printer."""
    named = request.path_params.get("kiosk")
    if named is not None:
        return str(named)
    device = gate.device(request, "kiosk")
    return device.name if device is not None else None


def kiosk_base(request: Request) -> str:
    """The kiosk's own address, ending in "/": its forms and links stay on it."""
    named = request.path_params.get("kiosk")
    if named is None:
        return str(web.url_for(request, "kiosk"))
    return str(web.url_for(request, "kiosk_named", kiosk=named))


def known_kiosk(request: Request) -> None:
    """``/kiosk/<name>/`` of a name the profile gives no printer is a 404."""
    named = request.path_params.get("kiosk")
    if named is not None and named not in web.state(request).profile.printers.kiosk:
        raise HTTPException(404)


def booking_url(request: Request, st: web.State, *, enrolled: bool) -> str | None:
    """The kiosk's "I have a booking" (§10): at an enrolled kiosk (check-in needs one) of an
    office that books some service in advance."""
    if not enrolled or not any(st.booking_rules.books(code) for code in st.services):
        return None
    return f"{kiosk_base(request)}booking"
