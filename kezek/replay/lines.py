"""The lines of a scripted day (``kezek replay FILE``): one pydantic model per action.

Every field is bounded; an unknown field or action is refused with the line's number. Names
(``as``, ``ticket``, ``card``, ``application``, ``complaint``) are the file's own labels.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

Label = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[\w.\-]+$")]
Code = Annotated[str, Field(min_length=1, max_length=32)]
DocumentCode = Literal[
    "identity", "work_history", "income", "residence_permit", "kandas_certificate"
]
Answer = Literal["yes", "no", "skip"]
MOVES = ("recall", "start", "finish", "no_show", "cancel")


class Line(BaseModel):
    """What every line has: the office-local moment and, optionally, the staff user."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)
    at: datetime
    by: Annotated[str, Field(max_length=64)] | None = None  # a staff username, or nobody

    @field_validator("at", mode="before")
    @classmethod
    def _local(cls, raw: object) -> object:
        """``YYYY-MM-DDTHH:MM`` or with seconds, in the office's own time (no zone)."""
        if not isinstance(raw, str) or len(raw) not in (16, 19):
            raise ValueError("at: expected YYYY-MM-DDTHH:MM[:SS] in office local time")
        moment = datetime.fromisoformat(raw)
        if moment.tzinfo is not None:
            raise ValueError("at: office local time, without a zone")
        return moment


class Issue(Line):
    do: Literal["issue"]
    label: Label = Field(alias="as")
    service: Code
    priority: bool = False
    lang: Literal["kk", "ru", "en"] = "kk"


class Call(Line):
    do: Literal["call"]
    point: Code
    expect: Label | None = None  # the ticket that must come; another one fails the line


class Next(Line):
    """Issue 17: finish the ticket in hand (served) and call the next, in one action."""

    do: Literal["next"]
    point: Code
    expect: Label | None = None  # the ticket that must come; nobody waiting fails the line


class Pause(Line):
    do: Literal["pause"]
    point: Code
    reason: Literal["break", "paperwork", "other"]
    note: Annotated[str, Field(max_length=200)] | None = None  # needed for "other"


class Resume(Line):
    do: Literal["resume"]
    point: Code


class Return(Line):
    """A no-show back in its queue (within the profile's window); the label follows it."""

    do: Literal["return"]
    ticket: Label


class Late(Line):
    """The visitor's "I am running late" (the profile's late_places, once, within target)."""

    do: Literal["late"]
    ticket: Label


class Move(Line):
    do: Literal["recall", "start", "finish", "no_show", "cancel"]
    ticket: Label


class Transfer(Line):
    do: Literal["transfer"]
    ticket: Label
    service: Code
    label: Label | None = Field(default=None, alias="as")


class CloseDay(Line):
    do: Literal["close_day"]


class NewCard(Line):
    do: Literal["card"]
    label: Label = Field(alias="as")
    iin: Annotated[str, Field(min_length=12, max_length=12, pattern=r"^\d{12}$")]
    surname: Annotated[str, Field(min_length=1, max_length=100)]
    name: Annotated[str, Field(min_length=1, max_length=100)]
    patronymic: Annotated[str, Field(max_length=100)] = ""
    category: Literal["citizen", "foreigner", "kandas"]
    birth_date: date | None = None  # default: from the IIN
    sex: Literal["m", "f"] | None = None  # default: from the IIN
    address: Annotated[str, Field(min_length=1, max_length=300)] = "—"
    phone: Annotated[str, Field(max_length=40)] = ""


class Visit(Line):
    do: Literal["visit"]
    card: Label
    application: Label
    documents: Annotated[list[DocumentCode], Field(max_length=5)] = []
    outcome: Literal["accepted", "missing", "none"]
    ticket: Label | None = None  # the ticket in hand: the visit is linked to it
    point: Code | None = None  # where the talon is given (the ticket's cabinet by default)


class Decide(Line):
    do: Literal["decide"]
    application: Label
    result: Literal["registered", "refused"]
    ground: Literal["documents_missing", "employed"] | None = None
    comment: Annotated[str, Field(max_length=1000)] = ""
    registered_on: date | None = None


class Corrected(Line):
    do: Literal["corrected"]
    application: Label
    reason: Annotated[str, Field(min_length=1, max_length=1000)] = "corrected after review"


class Feedback(Line):
    do: Literal["feedback"]
    ticket: Label
    answers: dict[Literal["2.1", "3.1", "4.3", "4.4", "5.1"], Answer]
    lang: Literal["kk", "ru", "en"] = "kk"


class NewComplaint(Line):
    do: Literal["complaint"]
    label: Label = Field(alias="as")
    ticket: Label | None = None
    text: Annotated[str, Field(min_length=1, max_length=2000)]
    name: Annotated[str, Field(min_length=1, max_length=200)] = "—"
    contact: Annotated[str, Field(max_length=200)] = ""


class Review(Line):
    do: Literal["review"]
    complaint: Label
    justified: bool


class AnswerComplaint(Line):
    do: Literal["answer"]
    complaint: Label
    justified: bool
    satisfied: bool | None = None
    text: Annotated[str, Field(min_length=1, max_length=4000)] = "answered"


class Book(Line):
    """§10 pre-registration: a visitor books a slot (``start``: office time)."""

    do: Literal["book"]
    label: Label = Field(alias="as")
    service: Code
    date: date
    start: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
    iin: Annotated[str, Field(min_length=12, max_length=12, pattern=r"^\d{12}$")]
    lang: Literal["kk", "ru", "en"] = "kk"


class CancelBooking(Line):
    do: Literal["cancel_booking"]
    booking: Label


class CheckIn(Line):
    """The booked visitor checks in at the kiosk: ``as`` names the ticket."""

    do: Literal["check_in"]
    booking: Label
    label: Label = Field(alias="as")


Action = Annotated[
    Book
    | CancelBooking
    | CheckIn
    | Issue
    | Call
    | Next
    | Pause
    | Resume
    | Return
    | Late
    | Move
    | Transfer
    | CloseDay
    | NewCard
    | Visit
    | Decide
    | Corrected
    | Feedback
    | NewComplaint
    | Review
    | AnswerComplaint,
    Field(discriminator="do"),
]
ACTION: TypeAdapter[Action] = TypeAdapter(Action)
MAX_LINE = 8000  # characters: the longest valid line is far shorter


def parse(text: str) -> Action:
    """One line of JSON into its action; ``pydantic.ValidationError`` names what is wrong."""
    if len(text) > MAX_LINE:
        raise ValueError(f"a line is at most {MAX_LINE} characters")
    return ACTION.validate_json(text)
