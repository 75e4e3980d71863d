"""The JSON API's bodies both ways: pydantic models, strict, with bounded fields; the one
parser that reads a body within its limit and answers a refusal in the request's language;
and the answers, whose fields are what each kind of client may see. The OpenAPI document is
made from these models, so a field added here is documented without another edit."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request

from kezek.api import guards
from kezek.i18n import N_
from kezek.queue.models import Status
from kezek.web import error_json

MAX_BODY = 4096


class TicketIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    service: str = Field(min_length=1, max_length=32)
    priority: bool = False
    lang: Literal["kk", "ru", "en"] | None = None
    request_id: str | None = Field(
        default=None, min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$"
    )


class TransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    service: str = Field(min_length=1, max_length=32)


class CallIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    reason: str = Field(min_length=1, max_length=500)


class PauseIn(BaseModel):
    """Issue 17: why the service point pauses; "other" needs a note."""

    model_config = ConfigDict(extra="forbid", strict=True)
    reason: Literal["break", "paperwork", "other"]
    note: str | None = Field(default=None, max_length=200)


class NoticeText(BaseModel):
    """Issue 17: the hall's notice in Kazakh and Russian (English optional), plain text."""

    model_config = ConfigDict(extra="forbid", strict=True)
    kk: str = Field(min_length=1, max_length=200)
    ru: str = Field(min_length=1, max_length=200)
    en: str | None = Field(default=None, max_length=200)


class NoticeIn(BaseModel):
    """Issue 17: a message to the hall displays, shown for ``minutes`` (1–480)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    text: NoticeText
    minutes: int = Field(ge=1, le=480)


Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
HourMinute = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class BookingIn(BaseModel):
    """§10 pre-registration: a slot for an IIN; ``challenge`` is the solved ALTCHA payload
    (``GET /api/bookings/challenge``), not needed with a staff token."""

    model_config = ConfigDict(extra="forbid", strict=True)
    service: str = Field(min_length=1, max_length=32)
    date: Day
    start: HourMinute
    iin: str = Field(min_length=1, max_length=20)
    lang: Literal["kk", "ru", "en"] | None = None
    challenge: str = Field(default="", max_length=2000)


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    token: str = Field(default="", max_length=64)


class MoveIn(BaseModel):
    """Move a booking to another free slot of its service (the manage token's right)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    token: str = Field(default="", max_length=64)
    date: Day
    start: HourMinute


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PublicTicket(_Out):
    """What anyone holding the ticket's token sees: no priority (§11), no token."""

    id: int
    code: str
    service: str
    lang: str
    issued_at: str | None
    called_at: str | None
    status: Status
    service_point: str | None
    recall_count: int
    position: int | None
    estimated_wait_minutes: int | None
    # Issue 19: the quoted range (kezek.queue.wait_range), minutes; None once not waiting.
    estimate_low_min: int | None = None
    estimate_high_min: int | None = None


class IssuedTicket(PublicTicket):
    """The answer to the issuing request: it alone learns the phone page's address."""

    status_url: str


class Ticket(PublicTicket):
    """What staff see: the priority too, never the visitor's token."""

    priority: bool


class PointState(_Out):
    """A service point's pause (issue 17): paused or not, why, since when (ISO 8601)."""

    point: str
    paused: bool
    reason: Literal["break", "paperwork", "other"] | None
    note: str | None
    since: str | None


class Notice(_Out):
    """The notice the hall displays show now (issue 17); times in ISO 8601."""

    id: int
    text: dict[str, str]
    posted_at: str
    expires_at: str


class QueueService(_Out):
    service: str
    name: str
    waiting: int
    being_served: int
    oldest_wait_minutes: int | None


class Queue(_Out):
    open: bool
    services: list[QueueService]


class StatsLine(_Out):
    """One clerk (``key``: the username) or one cabinet (``key``: its code) over the period
    (issue 17; the rules are in ``kezek.indicators.clerks``)."""

    key: str
    name: str
    served: int
    mean_service_minutes: float | None
    p90_service_minutes: float | None
    no_shows: int
    calls: int
    hours_worked: float
    calls_per_hour: float | None
    pause_minutes_by_reason: dict[str, float] | None  # null: no pause in the period


class ClerkStats(_Out):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    start: str = Field(alias="from")
    end: str = Field(alias="to")
    clerks: list[StatsLine]
    service_points: list[StatsLine]


class ForecastHour(_Out):
    """One hour of the plan (issue 19): visits expected (80 % band), the cabinets the
    simulation recommends (and Erlang C), the predicted share within 40 minutes, %."""

    hour: int = Field(ge=0, le=23)
    arrivals: float
    low: int
    high: int
    cabinets: int
    erlang_cabinets: int
    within_target: float


class Forecast(_Out):
    date: str
    target: float
    within_target: float
    longest_wait_minutes: int
    hours: list[ForecastHour]


class Slot(_Out):
    start: str
    end: str
    free: int


class Booking(_Out):
    """The answer to a booking: its code and the link to cancel or move it (which carries
    the manage token); never the IIN."""

    code: str
    service: str
    date: str
    start: str
    manage_url: str


class CancelledBooking(_Out):
    code: str
    status: str


class AltchaChallenge(BaseModel):
    """An ALTCHA challenge (v1): find ``number`` ≤ ``maxNumber`` with
    SHA-256(salt + number) = challenge; send back base64 JSON of these and the number."""

    algorithm: str
    challenge: str
    max_number: int = Field(alias="maxNumber")
    salt: str
    signature: str


class Error(BaseModel):
    """Every refusal; some carry more (the field at fault, the next opening)."""

    error: str
    message: str


def view(model: type[_Out], answer: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``answer`` that ``model`` shows, and no other."""
    return {name: answer[name] for name in model.model_fields}


async def parse(request: Request, model: type[BaseModel]) -> Any:
    """The validated body, or an error response with a message in the request's language."""
    try:
        raw = await guards.read_body(request, MAX_BODY)
    except guards.TooLarge:
        return error_json(request, 413, "too_large", N_("The request is too large."))
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])[:40] or "body"
        return error_json(
            request,
            422,
            "invalid",
            N_("Field %(field)s is not valid: %(problem)s."),
            params={"field": field, "problem": first["msg"][:120]},
            field=field,
        )
