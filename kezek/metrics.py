"""``/metrics`` in the Prometheus text format, for a staff token of a supervisor or admin.

The queue's numbers are read from the database at each scrape (so they are the same from
every worker and survive a restart): tickets issued and called per service, waiting now,
the longest wait now, the wait-time histogram with the office's target (and its warning) as
bucket edges. The process's own numbers are kept in memory: print jobs by outcome per
printer, the open display and console streams, and the latency per route template (until
the answer starts, so a live stream counts as quick). One ``CollectorRegistry`` per app.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from sqlmodel import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kezek import db
from kezek.api import guards
from kezek.api.guards import unauthorized
from kezek.i18n import N_
from kezek.queue.models import Role, Service, Status, Ticket, table_of
from kezek.staff import sessions
from kezek.state import State
from kezek.web import error_json

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
WAIT_EDGES_MINUTES = (5, 10, 20, 30, 40, 60, 90)
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


def wait_edges(st: State) -> list[float]:
    """Bucket edges in seconds; every service's target and the warning are among them
    (appendix 1.2: 40 minutes)."""
    targets = {s.target_wait_minutes for s in st.profile.services}
    minutes = {*WAIT_EDGES_MINUTES, *targets, st.profile.warn_wait_minutes}
    return [m * 60.0 for m in sorted(minutes)]


def _streams(st: State) -> tuple[int, int]:
    """Open (display, console) streams of an office."""
    hub = st.live.hub if st.live is not None else None
    displays = sum(len(g.clients) for g in hub.groups.values()) if hub is not None else 0
    listening = 1 if hub is not None and hub.task is not None and not hub.task.done() else 0
    return displays, max(0, st.broker.subscriber_count(st.office_id) - listening)


class QueueCollector(Collector):
    """What the offices' queues and printers say, read when Prometheus asks."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        labels = ["office", "service"]
        issued = CounterMetricFamily("kezek_tickets_issued", "Tickets issued", labels=labels)
        called = CounterMetricFamily("kezek_tickets_called", "Tickets called", labels=labels)
        waiting = GaugeMetricFamily("kezek_waiting", "Tickets waiting now", labels=labels)
        longest = GaugeMetricFamily(
            "kezek_longest_wait_seconds", "How long the first in line has waited", labels=labels
        )
        waits = HistogramMetricFamily(
            "kezek_wait_seconds", "Waits from the ticket to its first call", labels=labels
        )
        target = GaugeMetricFamily(
            "kezek_wait_target_seconds", "The service's target wait", labels=labels
        )
        jobs = CounterMetricFamily(
            "kezek_print_jobs", "Print jobs by outcome", labels=["office", "printer", "outcome"]
        )
        streams = GaugeMetricFamily(
            "kezek_open_streams", "Open live streams", labels=["office", "kind"]
        )
        for slug, st in getattr(self.app.state, "offices", {}).items():
            self._queue(slug, st, issued, called, waiting, longest, waits)
            for service in st.profile.services:
                target.add_metric([slug, service.code], service.target_wait_minutes * 60.0)
            for (printer, outcome), count in sorted(st.print_jobs.items()):
                jobs.add_metric([slug, printer, outcome], count)
            displays, consoles = _streams(st)
            streams.add_metric([slug, "display"], displays)
            streams.add_metric([slug, "console"], consoles)
        yield from (issued, called, waiting, longest, waits, target, jobs, streams)

    @staticmethod
    def _queue(slug: str, st: State, *families: Any) -> None:
        issued, called, waiting, longest, waits = families
        t = table_of(Ticket)
        edges = wait_edges(st)
        mine = t.c.office_id == st.office_id
        first = t.c.parent_id.is_(None)  # a visit's first row: transfers are not new tickets
        spent = [sa.func.sum(sa.case((t.c.wait_seconds <= e, 1), else_=0)) for e in edges]
        with db.reading(st.engine) as session:
            codes = {
                s.id: s.code
                for s in session.exec(select(Service).where(Service.office_id == st.office_id))
            }
            counts = session.execute(
                sa.select(
                    t.c.service_id,
                    sa.func.sum(sa.case((first, 1), else_=0)),
                    sa.func.count(t.c.called_at),
                )
                .where(mine)
                .group_by(t.c.service_id)
            ).all()
            queued = session.execute(
                sa.select(t.c.service_id, sa.func.count(), sa.func.min(t.c.issued_at))
                .where(mine, t.c.status == Status.waiting)
                .group_by(t.c.service_id)
            ).all()
            hist = session.execute(
                sa.select(t.c.service_id, sa.func.count(), sa.func.sum(t.c.wait_seconds), *spent)
                .where(mine, first, t.c.wait_seconds.is_not(None))
                .group_by(t.c.service_id)
            ).all()
        now = st.clock.now()
        seen = {code: (0, 0) for code in codes.values()}
        for service_id, made, calls in counts:
            seen[codes.get(service_id, "?")] = (int(made or 0), int(calls or 0))
        for code, (made, calls) in sorted(seen.items()):
            issued.add_metric([slug, code], made)
            called.add_metric([slug, code], calls)
        in_line = {codes.get(sid, "?"): (int(n), oldest) for sid, n, oldest in queued}
        for code in sorted(seen):
            n, oldest = in_line.get(code, (0, None))
            waiting.add_metric([slug, code], n)
            age = (now - oldest).total_seconds() if oldest is not None else 0.0
            longest.add_metric([slug, code], max(0.0, age))
        for service_id, count, total, *under in hist:
            buckets = [(repr(float(e)), int(u or 0)) for e, u in zip(edges, under, strict=True)]
            buckets.append(("+Inf", int(count)))
            waits.add_metric([slug, codes.get(service_id, "?")], buckets, float(total or 0))


def route_templates(routes: list[BaseRoute], prefix: str = "") -> dict[int, str]:
    """id(endpoint) -> its path template ("/api/tickets/{ticket_id:int}"), for the latency
    label (by id: a mount's router, the endpoint of a 404 below it, is not hashable)."""
    found: dict[int, str] = {}
    for route in routes:
        if isinstance(route, Mount):
            if route.routes:
                found.update(route_templates(list(route.routes), prefix + route.path))
            else:
                found.setdefault(id(route.app), prefix + route.path + "/{path}")
        elif isinstance(route, Route):
            found.setdefault(id(route.endpoint), prefix + route.path)
    return found


class Metrics:
    """One app's registry: the queue collector and the request latency."""

    def __init__(self, app: Starlette) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(QueueCollector(app))
        self.latency = Histogram(
            "kezek_request_seconds",
            "Time to the start of the answer, per route template",
            ["method", "route"],
            registry=self.registry,
            buckets=LATENCY_BUCKETS,
        )
        self.app = app
        self._templates: dict[int, str] | None = None

    def template(self, scope: Scope) -> str:
        if self._templates is None:
            self._templates = route_templates(self.app.routes)
        return self._templates.get(id(scope.get("endpoint")), "unmatched")


class Timing:
    """Time every HTTP answer until its start, labelled by its route template."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.metrics.latency.labels(scope["method"], self.metrics.template(scope)).observe(
                    time.perf_counter() - started
                )
            await send(message)

        await self.app(scope, receive, timed)


def metrics(request: Request) -> Response:
    """The Prometheus text: a supervisor's or an admin's staff token only."""
    user = guards.bearer_user(request)
    if user is None:
        return unauthorized(request)
    if sessions.rank(user.role) < sessions.rank(Role.supervisor):
        return error_json(
            request, 403, "forbidden", N_("Your role does not allow this page or action.")
        )
    found: Metrics = request.app.state.metrics
    return Response(
        generate_latest(found.registry),
        media_type=CONTENT_TYPE,
        headers={"cache-control": "no-store"},
    )
