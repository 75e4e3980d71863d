"""The complaints journal (§21–23): register, print the talon, review and answer, amend."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlmodel import Session, select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kezek import db, web
from kezek.i18n import N_
from kezek.indicators import complaints
from kezek.indicators.models import Complaint
from kezek.queue.models import Role, User
from kezek.queue.tickets import QueueError
from kezek.staff import desk
from kezek.staff.access import Staff, refuse, staff
from kezek.staff.supervisor.report_pages import period_of


@staff(Role.supervisor)
def journal(request: Request, who: Staff) -> Response:
    st = web.state(request)
    period, problem = period_of(request)
    with db.reading(st.engine) as session:
        rows = complaints.journal(session, st.office_id, period.start, period.end)
        pending = complaints.open_complaints(session, st.office_id)
    return web.render(
        request,
        "supervisor/complaints.html",
        {
            "complaints": rows,
            "open_complaints": pending,
            "period": period,
            "problem": problem,
            "today": st.clock.business_day(),
            "complaint_state": complaints.state,
            "params": request.query_params,
        },
        status_code=422 if problem else 200,
    )


@staff(Role.clerk)
def complaint_new(request: Request, who: Staff) -> Response:
    """Register a complaint (any staff member at the desk); then its talon is printed."""
    st = web.state(request)
    ctx = {
        "today": st.clock.business_day(),
        "form": who.form,
        "error": None,
        "term": st.profile.complaint_term,
    }
    if request.method == "GET":
        return web.render(request, "supervisor/complaint_new.html", ctx)
    new = complaints.NewComplaint(
        complainant=who.field("complainant", 200),
        contact=who.field("contact", 200),
        about=who.field("about", 2000),
        ticket_code=who.field("ticket_code", 16) or None,
        received_on=_date(who.field("received_on", 10)),
    )
    try:
        with db.transaction(st.engine) as session:
            row = complaints.register(
                session, st.clock, st.office_id, st.profile.complaint_term, new, who.user_id
            )
    except QueueError as exc:
        ctx["error"] = web.queue_text(request, exc)
        return web.render(request, "supervisor/complaint_new.html", ctx, status_code=422)
    failed = _print_complaint(st, who, row)
    return RedirectResponse(
        f"{request.url_for('complaint', complaint_id=row.id)}?printed={0 if failed else 1}",
        status_code=303,
    )


def _desk_point(st: web.State, who: Staff) -> str | None:
    """The printer of the clerk's own cabinet today, else cabinet No. 1's, where §22 sends
    complaints (the head or the deputy), else any desk printer."""
    from kezek.staff.panel import my_point

    desks = st.profile.printers.desk
    with db.reading(st.engine) as session:
        mine = my_point(session, st, who.user_id)
    for code in (mine.code if mine else None, "cab1", *sorted(desks)):
        if code and code in desks:
            return code
    return None


def _print_complaint(st: web.State, who: Staff, row: Complaint) -> str | None:
    """Print the complaint talon (§21–23): number, date received, answer due. Saved first,
    printed second: a printer fault loses nothing and the talon can be printed again."""
    from kezek.printing import send
    from kezek.printing.desk_talons import ComplaintTalon, render_complaint_talon

    code = _desk_point(st, who)
    url = desk.printer_url(st, code) if code else None
    if not url:
        return "no desk printer is configured"
    talon = ComplaintTalon(
        number=row.label,
        received_on=row.received_on,
        answer_due=row.answer_due,
        office=desk.office(st),
        phones=tuple(st.profile.phones),
        **desk.answer_source(st),
    )
    image = render_complaint_talon(talon, st.profile.printers.paper_width)
    # The job is named by the journal number and the time (a reprint is a new job): no
    # personal data in file names or logs.
    stamp = st.clock.local().strftime("%Y%m%d-%H%M%S")
    outcome = send.print_image(url, image, name=f"complaint-{row.label}-{stamp}")
    return None if outcome.ok else (outcome.error or "failed")


def _complaint(session: Session, st: web.State, request: Request) -> Complaint | None:
    """The complaint of the URL, if it is this office's."""
    try:
        return complaints.get(session, st.office_id, request.path_params["complaint_id"])
    except QueueError:
        return None


def _missing(request: Request) -> Response:
    return web.render(request, "supervisor/missing.html", status_code=404)


def _may_open(st: web.State, who: Staff, row: Complaint | None) -> bool:
    """A complaint (a name, a contact, maybe about a clerk) is the head's to read (§22); the
    clerk who registered it may open and reprint its talon the same business day."""
    if who.may(Role.supervisor):
        return True
    return (
        row is not None
        and row.registered_by == who.user_id
        and row.registered_at is not None
        and st.clock.business_day(row.registered_at) == st.clock.business_day()
    )


def _opened(request: Request, st: web.State, who: Staff) -> Complaint | Response:
    """The complaint of the URL if this user may open it; else the refusal (403 whether or
    not it exists, so a clerk learns nothing of other complaints), or 404 for a supervisor."""
    with db.reading(st.engine) as session:
        row = _complaint(session, st, request)
    if not _may_open(st, who, row):
        return _closed(request)
    if row is None:
        return _missing(request)
    return row


def _closed(request: Request) -> Response:
    return refuse(request, N_("Your role does not allow this page or action."))


@staff(Role.clerk)
def complaint_print(request: Request, who: Staff) -> Response:
    st = web.state(request)
    row = _opened(request, st, who)
    if isinstance(row, Response):
        return row
    failed = _print_complaint(st, who, row)
    return RedirectResponse(
        f"{request.url_for('complaint', complaint_id=row.id)}?printed={0 if failed else 1}",
        status_code=303,
    )


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _yes_no(raw: str) -> bool | None:
    return {"yes": True, "no": False}.get(raw)


def _page(
    request: Request, who: Staff, row: Complaint, error: str | None = None, status: int = 200
) -> Response:
    st = web.state(request)
    with db.reading(st.engine) as session:
        corrections = complaints.amendments(session, row)
        names = {
            user.id: user.full_name or user.username
            for user in session.exec(select(User).where(User.office_id == st.office_id))
        }
    return web.render(
        request,
        "supervisor/complaint.html",
        {
            "complaint": row,
            "today": st.clock.business_day(),
            "complaint_state": complaints.state,
            "may_review": who.may(Role.supervisor),
            "printed": request.query_params.get("printed"),
            "print_url": request.url_for("complaint_print", complaint_id=row.id),
            "amendments": corrections,
            "changes_of": complaints.changes_of,
            "names": names,
            "zone": st.profile.zone,
            "error": error,
            "answer_source": desk.answer_source(st),  # §23: as the talon says
        },
        status_code=status,
    )


@staff(Role.clerk)
def complaint_page(request: Request, who: Staff) -> Response:
    """One complaint: its talon can be reprinted by the desk; a supervisor reviews it."""
    st = web.state(request)
    row = _opened(request, st, who)
    if isinstance(row, Response):
        return row
    return _page(request, who, row)


@staff(Role.supervisor)
def complaint_review(request: Request, who: Staff) -> Response:
    """Before the answer: the review and the answer (with whether it satisfied). After it:
    refused; a correction is an amendment (issue 13)."""
    st = web.state(request)
    verdict = _yes_no(who.field("justified", 3))
    if verdict is None:
        return RedirectResponse(
            request.url_for("complaint", complaint_id=request.path_params["complaint_id"]),
            status_code=303,
        )
    return _act(
        request,
        who,
        409,
        lambda session, row: complaints.review(
            session,
            st.clock,
            row,
            verdict,
            who.field("answer", 4000),
            who.user_id,
            _yes_no(who.field("satisfied", 3)),
        ),
    )


@staff(Role.supervisor)
def complaint_amend(request: Request, who: Staff) -> Response:
    """Correct an answered complaint: a new audited amendment that keeps the answer's date."""
    st = web.state(request)
    return _act(
        request,
        who,
        422,
        lambda session, row: complaints.amend(
            session,
            st.clock,
            row,
            who.user_id,
            who.field("reason", 1000),
            justified=_yes_no(who.field("justified", 3)),
            satisfied=_yes_no(who.field("satisfied", 3)),
            answer=who.field("answer", 4000),
        ),
    )


def _act(
    request: Request, who: Staff, refused: int, act: Callable[[Session, Complaint], object]
) -> Response:
    """Load the complaint of this office, change it in one transaction, back to its page;
    a refusal shows the page again with the reason (status ``refused``)."""
    st = web.state(request)
    try:
        with db.transaction(st.engine) as session:
            row = _complaint(session, st, request)
            if row is None:
                return _missing(request)
            act(session, row)
    except QueueError as exc:
        with db.reading(st.engine) as session:
            again = _complaint(session, st, request)
        assert again is not None
        return _page(request, who, again, web.queue_text(request, exc), refused)
    return RedirectResponse(request.url_for("complaint", complaint_id=row.id), status_code=303)
