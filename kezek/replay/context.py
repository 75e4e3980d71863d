"""What the actions of a replay share: the office, its clock set to the line's moment, the
file's labels, and the refusal that stops the replay."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from kezek.bookings.models import Booking
from kezek.indicators.models import Complaint
from kezek.intake.models import Application, Card
from kezek.profile import Profile
from kezek.queue.clock import Clock, ManualClock
from kezek.queue.models import Service, ServicePoint, Ticket, User


class ReplayError(ValueError):
    """A line that cannot be carried out: the replay stops there and writes nothing of it."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        self.reason, self.line = reason, line
        super().__init__(f"line {line}: {reason}" if line is not None else reason)

    def at_line(self, line: int) -> ReplayError:
        return ReplayError(self.reason, line)


KINDS: dict[str, type[Ticket | Card | Application | Complaint | Booking]] = {
    "ticket": Ticket,
    "booking": Booking,
    "card": Card,
    "application": Application,
    "complaint": Complaint,
}


@dataclass
class Replay:
    """One run over one file. Labels are kept per kind; a line's new labels are staged and
    kept only once its transaction has committed."""

    office_id: int
    profile: Profile
    clock: Clock
    manual: ManualClock
    labels: dict[str, dict[str, int]] = field(default_factory=lambda: {k: {} for k in KINDS})
    staged: list[tuple[str, str, int]] = field(default_factory=list)

    def set_time(self, local: datetime) -> datetime:
        moment = local.replace(tzinfo=self.profile.zone)
        if moment.astimezone(self.profile.zone).replace(tzinfo=None) != local:
            raise ReplayError(f"{local.isoformat()} does not exist in {self.profile.timezone}")
        if moment < self.manual.at:
            raise ReplayError("the time goes back: lines must be in time order")
        self.manual.at = moment
        return self.clock.now()

    def name(self, kind: str, label: str, row_id: int | None) -> None:
        assert row_id is not None
        self.staged.append((kind, label, row_id))

    def new_label(self, kind: str, label: str) -> None:
        if label in self.labels[kind] or any(k == kind and n == label for k, n, _ in self.staged):
            raise ReplayError(f"the {kind} {label!r} is already named")

    def commit(self) -> None:
        for kind, label, row_id in self.staged:
            self.labels[kind][label] = row_id
        self.staged.clear()

    def row_id(self, kind: str, label: str) -> int:
        for staged_kind, name, row_id in reversed(self.staged):
            if (staged_kind, name) == (kind, label):
                return row_id
        if label not in self.labels[kind]:
            raise ReplayError(f"no {kind} {label!r} earlier in the file")
        return self.labels[kind][label]

    def get(self, session: Session, kind: str, label: str) -> object:
        row = session.get(KINDS[kind], self.row_id(kind, label))
        if row is None:
            raise ReplayError(f"the {kind} {label!r} is gone from the database")
        return row

    def ticket(self, session: Session, label: str) -> Ticket:
        row = self.get(session, "ticket", label)
        assert isinstance(row, Ticket)
        return row

    def service(self, session: Session, code: str) -> Service:
        row = session.exec(
            select(Service).where(Service.office_id == self.office_id, Service.code == code)
        ).first()
        if row is None:
            raise ReplayError(f"no service {code!r} in the office profile")
        return row

    def point(self, session: Session, code: str) -> ServicePoint:
        row = session.exec(
            select(ServicePoint).where(
                ServicePoint.office_id == self.office_id, ServicePoint.code == code
            )
        ).first()
        if row is None:
            raise ReplayError(f"no service point {code!r} in the office profile")
        return row

    def actor(self, session: Session, username: str | None) -> int | None:
        if username is None:
            return None
        user = session.exec(
            select(User).where(User.office_id == self.office_id, User.username == username)
        ).first()
        if user is None or not user.active:
            raise ReplayError(f"no active staff user {username!r}")
        return user.id
