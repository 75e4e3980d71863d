"""Every table of Kezek, imported in one place for Alembic and ``create_all``."""

from kezek.queue.models import (  # noqa: F401
    ApiToken,
    DayCounter,
    Office,
    PointService,
    Service,
    ServicePoint,
    Ticket,
    TicketEvent,
    User,
)
