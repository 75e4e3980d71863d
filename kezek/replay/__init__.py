"""``kezek replay FILE``: a scripted day (or month) of timed actions, carried out through the
same domain functions the pages and the API use, with the office clock set to each line's
moment. One transaction per line: a line that cannot be carried out stops the replay with its
number and the reason, and nothing of it is written. The format is in the README."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from kezek import db, profile_sync
from kezek.profile import Profile
from kezek.queue.clock import Clock, ManualClock
from kezek.queue.errors import QueueError
from kezek.replay import booking_acts, lines, office_acts, queue_acts
from kezek.replay.context import Replay, ReplayError

__all__ = ["ReplayError", "replay"]

Act = Callable[[Replay, Any, Any, int | None], None]
ACTS: dict[str, Act] = {
    "issue": queue_acts.issue,
    "call": queue_acts.call,
    "next": queue_acts.next_visitor,
    "pause": queue_acts.pause,
    "resume": queue_acts.resume,
    "return": queue_acts.return_ticket,
    "late": queue_acts.late,
    **dict.fromkeys(lines.MOVES, queue_acts.move),
    "transfer": queue_acts.transfer,
    "close_day": queue_acts.close_day,
    "card": office_acts.card,
    "visit": office_acts.visit,
    "decide": office_acts.decide,
    "corrected": office_acts.corrected,
    "feedback": office_acts.give_feedback,
    "complaint": office_acts.complaint,
    "review": office_acts.review,
    "answer": office_acts.answer,
    "book": booking_acts.do_book,
    "cancel_booking": booking_acts.cancel,
    "check_in": booking_acts.check_in,
}


def _invalid(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"] if part not in ACTS)
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def parse(text: str) -> lines.Action:
    try:
        return lines.parse(text)
    except ValidationError as exc:
        raise ReplayError(_invalid(exc)) from None
    except ValueError as exc:
        raise ReplayError(str(exc)) from None


def carry_out(engine: Engine, run: Replay, text: str) -> None:
    """One line in one transaction; its new labels are kept once it has committed."""
    line = parse(text)
    run.set_time(line.at)
    run.staged.clear()
    try:
        with db.transaction(engine) as session:
            ACTS[line.do](run, session, line, run.actor(session, line.by))
    except ReplayError:
        run.staged.clear()
        raise
    except (QueueError, ValueError) as exc:  # IntakeError and the journal's refusals too
        run.staged.clear()
        raise ReplayError(str(exc)) from None
    except IntegrityError as exc:
        run.staged.clear()
        raise ReplayError(f"the database refuses it: {exc.orig}") from None
    run.commit()


def replay(
    engine: Engine,
    profile: Profile,
    office_id: int,
    source: Iterable[str],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Carry out every line of ``source``; blank lines and ``#`` comments are skipped.
    Returns the number of actions; raises ReplayError at the first line that fails."""
    manual = ManualClock(datetime(1970, 1, 1, tzinfo=UTC))
    run = Replay(office_id, profile, Clock(profile_sync.schedule(profile), manual), manual)
    done = 0
    for number, raw in enumerate(source, start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        try:
            carry_out(engine, run, text)
        except ReplayError as exc:
            raise exc.at_line(number) from None
        done += 1
        if progress is not None:
            progress(number)
    return done
