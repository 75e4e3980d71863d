"""The queue lines of a replay, through the functions the kiosk and the console call.

A queue line is refused where the kiosk or the console would refuse it: a ticket while the
office is closed (§10: a weekend, a public holiday, lunch, after hours) or when the wait
would run past closing and the profile does not issue such tickets; a call at a cabinet that
is closed (not open at that moment, or switched off in the profile).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from kezek.kiosk import issuing
from kezek.profile_sync import call_order
from kezek.queue import late as running_late
from kezek.queue import pauses, returns, tickets
from kezek.queue.models import Ticket
from kezek.replay import lines
from kezek.replay.context import Replay, ReplayError


def issue(run: Replay, session: Session, line: lines.Issue, actor: int | None) -> None:
    run.new_label("ticket", line.label)
    service = run.service(session, line.service)
    taken = issuing.take(
        session,
        run.clock,
        service,
        priority=line.priority,
        lang=line.lang,
        request_id=None,
        confirmed=True,  # the visitor agrees to wait through lunch
        issue_past_closing=run.profile.issue_past_closing,
        order=call_order(run.profile),
    )
    if taken.ticket is None:
        raise ReplayError("the kiosk refuses: the wait would run past closing (§10)")
    run.name("ticket", line.label, taken.ticket.id)


def call(run: Replay, session: Session, line: lines.Call, actor: int | None) -> None:
    point = run.point(session, line.point)
    expected = run.row_id("ticket", line.expect) if line.expect is not None else None
    if not point.active or not run.clock.is_open():
        raise ReplayError(f"the cabinet {point.code!r} is closed at this time (§10)")
    ticket = tickets.call_next(session, run.clock, point, actor, call_order(run.profile))
    if ticket is None:
        raise ReplayError(f"nobody is waiting for {point.code!r}")
    if expected is not None and ticket.id != expected:
        raise ReplayError(f"the call brought {ticket.code}, not {line.expect!r}")


MOVES: dict[str, Callable[..., Ticket]] = {
    "recall": tickets.recall,
    "start": tickets.start,
    "finish": tickets.finish,
    "no_show": tickets.no_show,
    "cancel": tickets.cancel,
}


def move(run: Replay, session: Session, line: lines.Move, actor: int | None) -> None:
    ticket = run.ticket(session, line.ticket)
    if line.do == "recall":  # bounded by the profile (issue 17)
        returns.bounded_recall(session, run.clock, ticket, actor, run.profile.max_recalls)
        return
    MOVES[line.do](session, run.clock, ticket, actor)


def next_visitor(run: Replay, session: Session, line: lines.Next, actor: int | None) -> None:
    """Issue 17: the one in hand finished (served), the next one called."""
    point = run.point(session, line.point)
    expected = run.row_id("ticket", line.expect) if line.expect is not None else None
    if not point.active or not run.clock.is_open():
        raise ReplayError(f"the cabinet {point.code!r} is closed at this time (§10)")
    ticket = tickets.finish_and_call_next(session, run.clock, point, actor, call_order(run.profile))
    if expected is not None and (ticket is None or ticket.id != expected):
        brought = ticket.code if ticket else "nobody"
        raise ReplayError(f"the call brought {brought}, not {line.expect!r}")


def pause(run: Replay, session: Session, line: lines.Pause, actor: int | None) -> None:
    pauses.pause(session, run.clock, run.point(session, line.point), actor, line.reason, line.note)


def resume(run: Replay, session: Session, line: lines.Resume, actor: int | None) -> None:
    pauses.resume(session, run.clock, run.point(session, line.point))


def return_ticket(run: Replay, session: Session, line: lines.Return, actor: int | None) -> None:
    ticket = run.ticket(session, line.ticket)
    window = run.profile.return_window_minutes
    back = returns.return_to_queue(session, run.clock, ticket, actor, window)
    run.name("ticket", line.ticket, back.id)  # the label follows the visit to its new row


def late(run: Replay, session: Session, line: lines.Late, actor: int | None) -> None:
    ticket = run.ticket(session, line.ticket)
    order, places = call_order(run.profile), run.profile.late_places
    running_late.run_late(session, run.clock, ticket, order, places)


def transfer(run: Replay, session: Session, line: lines.Transfer, actor: int | None) -> None:
    if line.label is not None and line.label != line.ticket:
        run.new_label("ticket", line.label)
    service = run.service(session, line.service)
    moved = tickets.transfer(session, run.clock, run.ticket(session, line.ticket), service, actor)
    run.name("ticket", line.ticket, moved.id)  # the label follows the visit to its new row
    if line.label is not None:
        run.name("ticket", line.label, moved.id)


def close_day(run: Replay, session: Session, line: lines.CloseDay, actor: int | None) -> None:
    tickets.close_day(session, run.clock, run.office_id, run.clock.business_day())
