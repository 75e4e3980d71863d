"""Glue between tickets and printing: the kiosk talon of a ticket, printed after the commit.

The ticket is saved first, then printed off the request path (DESIGN.md, "Save the
ticket, then print"): ``prepare`` marks it *pending* inside the issuing transaction and
builds the talon from plain values; ``submit`` hands the job to the ``PrintQueue`` after the
commit; the queue's callback records *printed* or *failed* in a transaction of its own. A
printer fault never loses or blocks a ticket: the visitor has the number on screen and
staff can ``reprint``.

``kezek.printing`` knows images and bytes, not tickets; this module is the only place that
knows both.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from sqlmodel import Session, col, select

from kezek import db
from kezek.i18n import N_
from kezek.kiosk.issuing import Outlook
from kezek.kiosk.talon_content import queue_talon
from kezek.printing.send import PrintOutcome
from kezek.printing.talons import QueueTalon, render_queue_talon
from kezek.printing.text_queue import TextTalons
from kezek.queue import tickets
from kezek.queue.history import mark_printed
from kezek.queue.models import FINAL, Ticket, TicketEvent
from kezek.state import State

log = logging.getLogger("kezek.talon_jobs")

TOKEN = "{token}"  # noqa: S105 (a placeholder, not a secret)
DEFAULT_SPOOL = "var/spool"  # Settings.spool_dir's default: profiles write spool://var/spool/…


@dataclass(frozen=True)
class TalonJob:
    """One talon to print, made of plain values inside the issuing transaction."""

    ticket_id: int
    url: str
    talon: QueueTalon
    printer: str  # the profile's name of ``url`` ("kiosk/hall"), for the status and the logs


# --- the app's lifespan ----------------------------------------------------------------------


async def startup(st: State) -> None:
    printers = st.profile.printers
    if printers.text_mode:
        # 48 columns of Font A on 80 mm paper, 32 on 58 mm.
        text = TextTalons(48 if printers.paper_width == 576 else 32)
        st.text_talons = text
        st.print_queue = st.printers(print_fn=text)
    else:
        st.print_queue = st.printers()
    st.status_locks = {url: threading.Lock() for url in kiosk_printers(st).values()}


async def shutdown(st: State) -> None:
    queue, st.print_queue = st.print_queue, None
    if queue is not None:
        # Let the jobs in hand finish (each is bounded by the printer time-out).
        await asyncio.to_thread(queue.close, 5.0)


# --- which printer ------------------------------------------------------------------------------


def resolve_spool(url: str, spool_dir: str) -> str:
    """Make a relative ``spool://`` directory absolute.

    ``spool://var/spool/kiosk`` in a profile means "``kiosk`` in the spool directory": under
    ``KEZEK_SPOOL_DIR`` when it is set (tests set it to a temporary directory), otherwise
    against the working directory. Other URLs are returned as they are.
    """
    if not url.startswith("spool://"):
        return url
    path, sep, query = url[len("spool://") :].partition("?")
    directory = Path(path)
    if directory.is_absolute():
        return url
    if directory.is_relative_to(DEFAULT_SPOOL):
        directory = Path(spool_dir) / directory.relative_to(DEFAULT_SPOOL)
    return f"spool://{directory.resolve()}{sep}{query}"


def printer_name(st: State, url: str) -> str:
    """The profile's name of a printer URL: "kiosk/lobby", "desk/cab1" (never the URL)."""
    tables = {"kiosk": st.profile.printers.kiosk, "desk": st.profile.printers.desk}
    for kind, table in tables.items():
        for name, raw in table.items():
            if resolve_spool(raw, st.settings.spool_dir) == url:
                return f"{kind}/{name}"
    return "other"


def kiosk_printers(st: State) -> dict[str, str]:
    """``[printers.kiosk]``: each kiosk's name and its printer's (resolved) URL."""
    table = st.profile.printers.kiosk
    return {name: resolve_spool(url, st.settings.spool_dir) for name, url in table.items()}


def kiosk_printer_url(st: State, kiosk: str | None = None) -> str | None:
    """The printer of the kiosk named ``kiosk`` (issue 20: each kiosk prints on its own).

    A kiosk is named by its address (``/kiosk/<name>/``) or by its enrolled device's name;
    a kiosk whose name the profile does not list (or an unnamed one) prints on the first
    entry of ``[printers.kiosk]``. None when there is no kiosk printer.
    """
    printers = kiosk_printers(st)
    if kiosk is not None and kiosk in printers:
        return printers[kiosk]
    return next(iter(printers.values()), None)


# --- printing ---------------------------------------------------------------------------------


def prepare(
    session: Session,
    st: State,
    ticket: Ticket,
    status_url: str,
    *,
    shown: Outlook | None = None,
    kiosk: str | None = None,
) -> TalonJob | None:
    """Inside the issuing transaction: mark the ticket *pending* and build its talon, for
    the printer of the kiosk named ``kiosk``; ``shown``: the place and wait on its screen.

    None when the office has no kiosk printer (the ticket stays ``print_status="none"``).
    """
    url = kiosk_printer_url(st, kiosk)
    if url is None:
        return None
    assert ticket.id is not None
    # Remember how the phone page is reached, for reprints that come without a request.
    st.status_url = status_url.split("?")[0].replace(ticket.public_token, TOKEN)
    ticket.print_status, ticket.print_error = "pending", None
    ticket.printer = printer_name(st, url)
    session.add(ticket)
    session.flush()
    return TalonJob(
        ticket.id, url, queue_talon(session, st, ticket, status_url, shown), ticket.printer
    )


def submit(st: State, job: TalonJob) -> None:
    """After the commit: queue the talon. Returns at once: the printer's worker thread
    renders it (issue 20: not the request thread, which holds the GIL for other requests)."""
    queue = st.print_queue
    kiosk = job.printer.startswith("kiosk/")
    record = partial(record_outcome, st, job.ticket_id, kiosk=kiosk, url=job.url)

    def on_done(outcome: PrintOutcome) -> None:
        st.note_print(job.printer, outcome.ok, outcome.paper)
        record(outcome)

    if queue is None:  # the app is shutting down
        on_done(PrintOutcome(False, "print queue is closed", "unknown", 0))
        return
    name = f"{job.talon.code}-{job.ticket_id}"
    text = st.text_talons
    if text is not None:
        text.put(name, job.talon)

        def done(outcome: PrintOutcome) -> None:
            if not outcome.ok:
                text.take(name)  # refused before the worker took it: forget the values
            on_done(outcome)

        queue.submit(job.url, TextTalons.PLACEHOLDER, name=name, on_done=done)
        return
    render = partial(render_queue_talon, job.talon, st.profile.printers.paper_width)
    queue.submit(job.url, render, name=name, on_done=on_done)


def record_outcome(
    st: State, ticket_id: int, outcome: PrintOutcome, *, kiosk: bool = True, url: str = ""
) -> None:
    """The print job's callback (on the worker thread): record what became of the talon,
    and, for a kiosk's printer (``url``), what that says about it."""
    # A talon that printed proves the printer works; one that failed for another reason than
    # the paper says it cannot be used now (refused, silent, jammed).
    if kiosk and outcome.ok:
        st.paper[url] = (time.monotonic(), outcome.paper.replace("unknown", "ok"))
        st.talons_failing.discard(url)
    elif kiosk:
        st.paper[url] = (time.monotonic(), "out" if outcome.paper == "out" else "offline")
        st.talons_failing.add(url)  # until a talon prints, whatever the status poll says
    error = None if outcome.ok else (outcome.error or "unknown error")[:200]
    with db.transaction(st.engine) as session:
        mark_printed(session, ticket_id, st.clock.now(), error)


def reprint(
    st: State,
    ticket_id: int,
    *,
    actor_id: int | None = None,
    printer_url: str | None = None,
    status_url: str | None = None,
) -> None:
    """Print a ticket's talon again (staff, after a failure). Returns once it is queued;
    the outcome lands on the ticket like the first print's.

    ``printer_url``: another printer (a clerk's desk) instead of the printer of the kiosk
    that issued it.
    Raises ``tickets.NotFound`` for a ticket of another office, ``tickets.IllegalTransition``
    for a finished one, ``tickets.InvalidInput`` when there is no printer.
    """
    if printer_url is None and kiosk_printer_url(st) is None:
        raise tickets.InvalidInput(N_("No talon printer is configured."))
    with db.transaction(st.engine) as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None or ticket.office_id != st.office_id:
            raise tickets.NotFound(N_("No such ticket."))
        # At the kiosk: the one that printed it first (still in the profile), else the first.
        kiosk = (ticket.printer or "").partition("kiosk/")[2] or None
        url = printer_url or kiosk_printer_url(st, kiosk)
        assert url is not None
        if ticket.status in FINAL:
            raise tickets.IllegalTransition(
                N_("Ticket %(code)s is finished: no talon to reprint."), code=ticket.code
            )
        template = st.status_url or f"/t/{TOKEN}"
        link = status_url or f"{template.replace(TOKEN, ticket.public_token)}?lang={ticket.lang}"
        ticket.print_status, ticket.print_error = "pending", None
        session.add(ticket)
        session.add(
            TicketEvent(
                office_id=ticket.office_id,
                ticket_id=ticket_id,
                kind="reprint",
                at=st.clock.now(),
                actor_id=actor_id,
            )
        )
        session.flush()
        url = resolve_spool(url, st.settings.spool_dir)
        job = TalonJob(
            ticket_id, url, queue_talon(session, st, ticket, link), printer_name(st, url)
        )
    submit(st, job)


def failed_talons(
    session: Session, office_id: int, day: date, limit: int | None = None
) -> list[Ticket]:
    """The day's tickets whose talon did not print and whose visitor may still need it."""
    return list(
        session.exec(
            select(Ticket)
            .where(
                Ticket.office_id == office_id,
                Ticket.business_day == day,
                Ticket.print_status == "failed",
                col(Ticket.status).not_in(list(FINAL)),
            )
            .order_by(col(Ticket.issued_at), col(Ticket.id))
            .limit(limit)
        ).all()
    )
