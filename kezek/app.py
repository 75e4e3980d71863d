"""``create_app``: the lifespan builds the shared objects, then every feature is mounted."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from types import ModuleType
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from kezek import db, errors, health, i18n, metrics, profile_sync, templating, tokens, web
from kezek.api import routes as api
from kezek.bookings import checkin, identity
from kezek.bookings.rules import rules_of
from kezek.devices import routes as device_routes
from kezek.display import routes as display
from kezek.display.voice import Voice
from kezek.headers import SECURITY_HEADERS, Headers
from kezek.indicators import summary
from kezek.kiosk import booking_checkin as kiosk_booking
from kezek.kiosk import routes as kiosk
from kezek.kiosk import status as kiosk_status
from kezek.kiosk.limits import RateLimiter
from kezek.notify import service as telegram_follow
from kezek.public import routes as info
from kezek.queue import tickets
from kezek.queue.clock import Clock
from kezek.queue.events import Broker, PostgresBroker
from kezek.queue.models import Service, ServicePoint
from kezek.settings import Settings, load_profile
from kezek.staff import routes as staff
from kezek.staff import sessions
from kezek.staff.supervisor import routes as supervisor
from kezek.state import Printers

log = logging.getLogger("kezek")
FEATURES: tuple[ModuleType, ...] = (kiosk, staff, display)


def load_state(
    settings: Settings,
    engine: Engine,
    clock: Clock | None = None,
    profile_name: str | None = None,
    broker: Broker | None = None,
) -> web.State:
    """One office's shared objects: its profile put into the database, its clock."""
    profile = load_profile(profile_name or settings.profile.split(",")[0].strip())
    broker = broker or Broker()
    with db.transaction(engine) as session:
        row = profile_sync.sync_profile(session, profile)
        assert row.id is not None
        booking_key = identity.office_key(session, row.id, settings.booking_key)
        services = {
            s.code: s
            for s in session.exec(
                select(Service).where(Service.office_id == row.id, col(Service.active).is_(True))
            )
        }
        points = {
            p.code: p
            for p in session.exec(
                select(ServicePoint).where(
                    ServicePoint.office_id == row.id, col(ServicePoint.active).is_(True)
                )
            )
        }
    clock = clock or profile_sync.clock(profile)
    if clock.schedule != profile_sync.schedule(profile):
        clock = Clock(profile_sync.schedule(profile), clock.now_fn)
    return web.State(
        settings=settings,
        profile=profile,
        engine=engine,
        broker=broker,
        clock=clock,
        office_id=row.id,
        services=services,
        points=points,
        booking_rules=rules_of(profile),
        booking_key=booking_key,
        booking_limiter=RateLimiter(per_minute=profile.booking.bookings_per_minute),
    )


def make_broker(engine: Engine) -> Broker:
    """LISTEN/NOTIFY on PostgreSQL (events cross workers and servers); in-process on SQLite."""
    return PostgresBroker(engine) if engine.dialect.name == "postgresql" else Broker()


def _psycopg_url(engine: Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def close_finished_days(st: web.State) -> int:
    """Close what is still waiting after closing time, and any day left open by a stop."""
    closed = 0
    with db.transaction(st.engine, st.broker) as session:
        # §10: bookings past their grace period without a check-in are no-shows.
        checkin.settle_no_shows(session, st.booking_rules, st.office_id, st.clock.now())
        for day in tickets.stale_days(session, st.clock, st.office_id):
            closed += tickets.close_day(session, st.clock, st.office_id, day)
        today = st.clock.business_day()
        closing = st.clock.closing_at(today)
        if closing is None or st.clock.now() >= closing:
            closed += tickets.close_day(session, st.clock, st.office_id, today)
    # Issue 20: the closed days summarized for the reports (a stale one afresh), in a
    # transaction of its own, a few days a round: a failure there never undoes the closing,
    # and the write lock is not held for weeks of recounting.
    try:
        with db.transaction(st.engine, st.broker) as session:
            summary.refresh_due(session, st.office_id, today)
    except Exception:  # counted live meanwhile; tried again next round
        log.exception("summarizing closed days failed")
    return closed


async def _closer(st: web.State, every: float = 30.0) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            await asyncio.to_thread(close_finished_days, st)
        except Exception:  # a locked database now is retried next round
            log.exception("closing finished days failed")


def home(request: Request) -> Response:
    return web.render(request, "home.html")


def create_app(
    settings: Settings | None = None,
    engine: Engine | None = None,
    clock: Clock | None = None,
    printers: Printers | None = None,
    voice: Voice | None = None,
    limiter: RateLimiter | None = None,
    public_limiter: RateLimiter | None = None,
) -> Starlette:
    """The app. ``printers`` makes the kiosk's print queue (called with ``print_fn=`` in text
    mode), ``voice`` speaks the calls, ``limiter`` paces the kiosk's taps, ``public_limiter``
    every other client's tickets: tests pass their own; by default each office builds its own
    at startup."""
    settings = settings or Settings.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own_engine = engine is None
        # A service starts from what the database says: a restore may have run meanwhile.
        tokens.RECENT.forget()
        sessions.RECENT.forget()
        the_engine = engine or db.make_engine(
            settings.database_url, busy_timeout_ms=settings.busy_timeout_ms
        )
        broker = make_broker(the_engine)
        tasks = []
        if isinstance(broker, PostgresBroker):
            listening = asyncio.Event()
            tasks.append(asyncio.create_task(broker.listen(_psycopg_url(the_engine), listening)))
            await asyncio.wait_for(listening.wait(), timeout=10)
        # KEZEK_PROFILE may name several offices ("kyzylzhar,demo"): one database, one app;
        # the first is served at /, every one at /o/<slug>/.
        states = [
            await asyncio.to_thread(load_state, settings, the_engine, clock, name, broker)
            for name in settings.profile.split(",")
            if name.strip()
        ]
        app.state.kezek = states[0]
        app.state.offices = {st.profile.slug: st for st in states}
        app.state.templates = templating.environment()
        for st in states:
            st.printers = printers or st.printers
            st.voice = voice or st.voice
            st.limiter = limiter or st.limiter
            st.public_limiter = public_limiter or RateLimiter(
                per_minute=st.profile.public_tickets_per_minute
            )
            await asyncio.to_thread(close_finished_days, st)
            tasks.append(asyncio.create_task(_closer(st)))
            for feature in FEATURES:
                await _hook(feature, "startup", st)
        bot = await telegram_follow.start(states, settings)  # None unless a token is set
        try:
            yield
        finally:
            if bot is not None:
                await bot.stop()
            for task in tasks:
                task.cancel()
            for st in states:
                for feature in reversed(FEATURES):
                    await _hook(feature, "shutdown", st)
            if own_engine:
                the_engine.dispose()

    routes: list[BaseRoute] = [
        Route("/", home, name="home"),
        Route("/healthz", health.healthz, name="healthz"),
        Route("/readyz", health.readyz, name="readyz"),
        Route("/metrics", metrics.metrics, name="metrics"),
        Mount("/api", routes=api.routes),
        Mount("/kiosk", routes=[*kiosk_booking.routes, *kiosk.routes]),
        Mount("/staff/supervisor", routes=supervisor.routes),  # before /staff: same cookie path
        Mount("/staff", routes=staff.routes),
        Mount("/display", routes=display.routes),
        Mount("/device", routes=device_routes.routes),
        *kiosk_status.routes,
        *info.routes,
        Mount("/static", app=StaticFiles(directory=web.STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            tickets.QueueError: _queue_error,
            # Database failures are answered inside the middleware (no re-raise, so no
            # traceback with the SQL's parameters in the server's log).
            sa_exc.SQLAlchemyError: errors.database_error,
            500: _server_error,
        },
    )
    app.state.metrics = metrics.Metrics(app)
    app.add_middleware(metrics.Timing, metrics=app.state.metrics)
    app.add_middleware(Headers)  # outermost: the office's prefix is set before the timing
    return app


async def _hook(feature: ModuleType, name: str, st: web.State) -> None:
    hook: Callable[[web.State], Awaitable[Any]] | None = getattr(feature, name, None)
    if hook is not None:
        await hook(st)


async def _queue_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, tickets.QueueError)
    return web.queue_error(request, exc)


async def _server_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, sa_exc.SQLAlchemyError) and errors.unavailable(exc):
        # Raised outside a route (a middleware): the database cannot answer now.
        return _plain_error(
            request,
            503,
            "busy",
            i18n.N_("The system is busy. Please try again."),
            {"Retry-After": errors.RETRY_AFTER},
        )
    # The path only: query strings and bodies may carry personal data.
    log.error("unhandled error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    return _plain_error(
        request, 500, "server_error", i18n.N_("Something went wrong. Please try again.")
    )


def _plain_error(
    request: Request,
    status_code: int,
    kind: str,
    message: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """Errors outside the features: JSON under /api, a short text page elsewhere.

    These answers leave through Starlette's outermost middleware, so they get the security
    headers here."""
    all_headers = {k.decode(): v.decode() for k, v in SECURITY_HEADERS} | (headers or {})
    return errors.answer(request, status_code, kind, message, all_headers)
