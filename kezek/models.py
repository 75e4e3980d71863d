"""Every table of Kezek, imported in one place for Alembic and ``create_all``."""

from kezek.bookings.models import Booking, BookingKey, BookingSeat  # noqa: F401
from kezek.devices.models import Device  # noqa: F401
from kezek.indicators.models import (  # noqa: F401
    Complaint,
    ComplaintAmendment,
    Feedback,
    FeedbackMark,
    IndicatorListView,
    IndicatorTarget,
)
from kezek.indicators.summary_tables import day_summaries, summary_days  # noqa: F401
from kezek.intake.models import (  # noqa: F401  (issue 4: personal record cards)
    Application,
    ApplicationDocument,
    AuditEntry,
    Card,
    CardVisit,
    IntakeCounter,
    Referral,
)
from kezek.notify.models import Follower  # noqa: F401  (issue 17: Telegram)
from kezek.queue.hall import HallMessage  # noqa: F401  (issue 17: a message to the hall)
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
from kezek.queue.pauses import PointPause  # noqa: F401  (issue 17)
from kezek.queue.quotes import EstimateQuote  # noqa: F401  (issue 19)
from kezek.staff.models import LoginThrottle, StaffSession  # noqa: F401
