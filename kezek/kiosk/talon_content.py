"""What a ticket's talon says: the plain values of its layout (code, service, cabinets,
place, estimate, hours, the phone page's link), read from the database for the ticket."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session

from kezek import i18n
from kezek.kiosk.issuing import Outlook
from kezek.printing.talons import LocalizedText, QueueTalon, languages
from kezek.queue import estimate_inputs, tickets
from kezek.queue.models import Service, ServicePoint, Ticket
from kezek.settings import WEEKDAYS, Profile
from kezek.state import State
from kezek.web import WEEKDAY_NAMES


def office_hours_lines(profile: Profile, lang: str) -> tuple[str, ...]:
    """§10 in a few lines, days with the same hours grouped: "сейсенбі–жұма / вторник–пятница
    09:00–18:00", then the lunch break, in the talon's languages."""
    langs = languages(lang)
    groups: list[tuple[int, int, Any]] = []  # (first weekday, last weekday, hours)
    for index, day in enumerate(WEEKDAYS):
        hours = profile.schedule.get(day)  # type: ignore[call-overload]
        if hours is None:
            continue
        if groups and groups[-1][2] == hours and groups[-1][1] == index - 1:
            groups[-1] = (groups[-1][0], index, hours)
        else:
            groups.append((index, index, hours))
    lines: list[str] = []
    for first, last, hours in groups:
        days = []
        for language in langs:
            names = [i18n.gettext(language, WEEKDAY_NAMES[first])]
            if last != first:
                names.append(i18n.gettext(language, WEEKDAY_NAMES[last]))
            if "–".join(names) not in days:
                days.append("–".join(names))
        lines.append(f"{' / '.join(days)} {hours.open:%H:%M}–{hours.close:%H:%M}")
        if hours.lunch:
            start, end = (f"{moment:%H:%M}" for moment in hours.lunch)
            lunch = [
                i18n.gettext(language, "lunch %(start)s–%(end)s", start=start, end=end)
                for language in langs
            ]
            lines.append(" / ".join(dict.fromkeys(lunch)))
    return tuple(lines)


def short_point_name(point: ServicePoint, lang: str) -> str:
    """ "№1" for "№1 кабинет" / "Кабинет №1": the talon prints the label once, in two languages."""
    for name in (point.name_ru, point.name_kk):
        found = re.search(r"№\s*[\w/-]+", name)
        if found:
            return found.group(0).replace(" ", "")
    return point.name(lang)


def queue_talon(
    session: Session,
    st: State,
    ticket: Ticket,
    status_url: str,
    shown: Outlook | None = None,
) -> QueueTalon:
    """The plain values of a ticket's talon: office, service, code, time, place, wait, QR.

    ``shown``: the place, wait and range the kiosk has just counted for its screen (issue
    20: not counted again for the talon); otherwise they are counted now, in the call order.
    """
    service = session.get_one(Service, ticket.service_id)
    points = tickets.serving_points(session, ticket.service_id)
    if shown is None:
        found, ranged = estimate_inputs.counted(
            session, st.clock, ticket, st.call_order, st.estimate_rates
        )
        position, wait_minutes = (found.position, found.minutes) if found else (1, None)
        wait_range = (ranged.low_min, ranged.high_min) if ranged else None
    else:
        position, wait_minutes = shown.position, shown.minutes
        low, high = shown.low, shown.high
        wait_range = (low, high) if low is not None and high is not None else None
    name = st.profile.name
    return QueueTalon(
        code=ticket.code,
        lang=ticket.lang,
        office=LocalizedText(name.kk, name.ru, name.en),
        service=LocalizedText(service.name_kk, service.name_ru, service.name_en),
        issued_at=st.clock.local(ticket.issued_at).strftime("%d.%m.%Y %H:%M"),
        position=position,
        wait_minutes=wait_minutes,
        cabinets=tuple(short_point_name(point, ticket.lang) for point in points),
        hours=office_hours_lines(st.profile, ticket.lang),
        status_url=status_url,
        priority=ticket.priority,
        booked_at=st.clock.local(ticket.booked_for).strftime("%H:%M") if ticket.booked_for else "",
        wait_range=wait_range,
    )
