"""Random sequences of queue operations keep the invariants (hypothesis state machine)."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlmodel import select

from kezek import db, migrate, profile_sync
from kezek.queue import tickets
from kezek.queue.clock import Clock, ManualClock
from kezek.queue.models import FINAL, IN_HAND, Service, ServicePoint, Status, Ticket, TicketEvent
from kezek.settings import load_profile

SERVICES = ["registration", "vacancies", "training", "certificate"]
POINTS = ["cab1", "cab4"]
TICKET_OPS = {
    "recall": tickets.recall,
    "start": tickets.start,
    "finish": tickets.finish,
    "no_show": tickets.no_show,
    "cancel": tickets.cancel,
}


@cache
def template() -> Path:
    path = Path(tempfile.mkdtemp(prefix="kezek-hyp-")) / "template.sqlite3"
    engine = db.make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with db.transaction(engine) as session:
        profile_sync.sync_profile(session, load_profile("demo"))
    engine.dispose()
    return path


class QueueMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="kezek-run-"))
        shutil.copyfile(template(), self.dir / "db.sqlite3")
        self.engine = db.make_engine(f"sqlite:///{self.dir / 'db.sqlite3'}")
        self.now = ManualClock(datetime(2026, 11, 24, 5, 0, tzinfo=UTC))
        self.clock = Clock(profile_sync.schedule(load_profile("demo")), self.now)
        with db.reading(self.engine) as session:
            self.services = {s.code: s for s in session.exec(select(Service))}
            self.points = {p.code: p for p in session.exec(select(ServicePoint))}
        self.ids: list[int] = []

    def teardown(self) -> None:
        if hasattr(self, "engine"):
            self.engine.dispose()
            shutil.rmtree(self.dir, ignore_errors=True)

    @rule(code=st.sampled_from(SERVICES), priority=st.booleans())
    def issue(self, code: str, priority: bool) -> None:
        with db.transaction(self.engine) as session:
            ticket = tickets.issue(session, self.clock, self.services[code], priority=priority)
            assert ticket.status == Status.waiting
            self.ids.append(ticket.id)  # type: ignore[arg-type]

    @rule(where=st.sampled_from(POINTS))
    def call_next(self, where: str) -> None:
        point = self.points[where]
        try:
            with db.transaction(self.engine) as session:
                ticket = tickets.call_next(session, self.clock, point, None)
                if ticket is None:  # nobody waits for this point's services
                    served = tickets.point_services(session, point)
                    assert not session.exec(
                        select(Ticket).where(
                            Ticket.status == Status.waiting, Ticket.service_id.in_(served)
                        )
                    ).first()  # type: ignore[attr-defined]
                else:
                    assert ticket.status == Status.called and ticket.service_point_id == point.id
        except tickets.IllegalTransition:
            with db.reading(self.engine) as session:
                assert tickets.in_hand(session, point) is not None

    @rule(op=st.sampled_from(sorted(TICKET_OPS)), pick=st.integers(0, 1000))
    def operate(self, op: str, pick: int) -> None:
        if not self.ids:
            return
        ticket_id = self.ids[pick % len(self.ids)]
        with db.transaction(self.engine) as session:
            ticket = session.get_one(Ticket, ticket_id)
            before = ticket.status
            try:
                TICKET_OPS[op](session, self.clock, ticket, None)
            except tickets.IllegalTransition:
                assert ticket.status == before
                return
        assert not Status(before).final

    @rule(code=st.sampled_from(SERVICES), pick=st.integers(0, 1000))
    def transfer(self, code: str, pick: int) -> None:
        if not self.ids:
            return
        with db.transaction(self.engine) as session:
            ticket = session.get_one(Ticket, self.ids[pick % len(self.ids)])
            try:
                child = tickets.transfer(session, self.clock, ticket, self.services[code], None)
            except tickets.QueueError:
                return
            if child.id not in self.ids:  # a waiting ticket is re-routed in place
                self.ids.append(child.id)  # type: ignore[arg-type]

    @rule(minutes=st.integers(1, 90))
    def wait(self, minutes: int) -> None:
        self.now.advance(minutes=minutes)

    @invariant()
    def invariants(self) -> None:
        if not hasattr(self, "engine"):
            return
        with db.reading(self.engine) as session:
            rows = session.exec(select(Ticket)).all()
            events = session.exec(select(TicketEvent)).all()
        assert len(rows) == len(self.ids)
        # Codes are unique per day among first rows (a transfer after a call keeps its code).
        roots = Counter((t.business_day, t.code) for t in rows if t.parent_id is None)
        assert max(roots.values(), default=1) == 1
        # Nobody is called twice; a point holds at most one ticket.
        called = Counter(e.ticket_id for e in events if e.kind == "called")
        assert max(called.values(), default=1) == 1
        hands = Counter(t.service_point_id for t in rows if t.status in IN_HAND)
        assert max(hands.values(), default=1) == 1
        # Counts add up, and the waits are known exactly when a ticket stopped waiting.
        statuses = Counter(t.status for t in rows)
        assert sum(statuses.values()) == len(rows) and set(statuses) <= set(Status)
        for t in rows:
            assert (t.called_at is None) == (
                t.status == Status.waiting or (t.status in FINAL and called[t.id] == 0)
            )
            if t.status != Status.waiting and not (
                t.status == Status.transferred and t.parent_id is None
            ):  # the wait of every visit ends, and is measured
                assert t.wait_seconds is not None
        # A transferred visit's first row holds the figures of its last (issue 13): none
        # while that one waits again.
        by_id = {t.id: t for t in rows}
        for t in rows:
            if t.parent_id is None or t.status == Status.transferred:
                continue
            root = t
            while root.parent_id is not None:
                root = by_id[root.parent_id]
            assert (root.wait_seconds, root.within_target) == (t.wait_seconds, t.within_target)
        # A transferred ticket has exactly one successor.
        children = Counter(t.parent_id for t in rows if t.parent_id)
        assert all(children[t.id] == 1 for t in rows if t.status == Status.transferred)


QueueMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=30, deadline=None)
test_queue_state_machine = QueueMachine.TestCase
