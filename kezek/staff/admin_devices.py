"""Admin pages: the office's enrolled devices (issue 14 §2). Adding one shows its one-time
code (typed on the device at /device/enrol within a day); a device can be revoked."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from kezek import db, web
from kezek.devices import enrolment
from kezek.devices.routes import KIND_NAMES
from kezek.i18n import N_
from kezek.queue.models import Role
from kezek.staff.access import Staff, staff
from kezek.staff.admin_tokens import local_time


def _page(
    request: Request,
    who: Staff,
    *,
    error: tuple[str, dict[str, Any]] | None = None,
    notice: tuple[str, dict[str, Any]] | None = None,
    code: str | None = None,
    status_code: int = 200,
) -> Response:
    st = who.st
    with db.reading(st.engine) as session:
        rows = [
            {
                "id": d.id,
                "kind": KIND_NAMES[d.kind],
                "name": d.name,
                "enrolled": local_time(st, d.enrolled_at),
            }
            for d in enrolment.listed(session, st.office_id)
        ]
    ctx = {"rows": rows, "kinds": KIND_NAMES, "code": code, "error": error, "notice": notice}
    return web.render(request, "staff/admin_devices.html", ctx, status_code=status_code)


@staff(Role.admin)
def devices_page(request: Request, who: Staff) -> Response:
    if request.method == "GET":
        return _page(request, who)
    st = who.st
    try:
        with db.transaction(st.engine) as session:
            _, code = enrolment.add(
                session, st.office_id, who.field("kind", 16), who.field("name", 100), st.clock.now()
            )
    except enrolment.DeviceError:
        error = N_("Choose the kind of device and give it a name.")
        return _page(request, who, error=(error, {}), status_code=422)
    return _page(request, who, code=f"{code[:4]}-{code[4:]}", status_code=201)


@staff(Role.admin)
def revoke(request: Request, who: Staff) -> Response:
    st = who.st
    device_id = int(request.path_params["device_id"])
    with db.transaction(st.engine) as session:
        done = enrolment.revoke(session, st.office_id, device_id)
    if not done:
        return _page(request, who, error=(N_("No such device."), {}), status_code=404)
    return _page(request, who, notice=(N_("Device %(id)s is revoked."), {"id": device_id}))
