"""The office profile (a TOML file).

It describes one office: names, address, hours, service points, services and
printers. It is validated when the app starts; an error names the bad field.
"""

from __future__ import annotations

import tomllib
from datetime import date, time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

PROFILES_DIR = Path(__file__).parent / "profiles"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,32}$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]


class ProfileError(ValueError):
    """The office profile is invalid; the message names the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Names(_Strict):
    kk: Text
    ru: Text
    en: Text

    def get(self, lang: str) -> str:
        return str(getattr(self, lang, self.kk))


class Hours(_Strict):
    """One day's opening hours; the lunch break is optional."""

    open: time
    close: time
    lunch: tuple[time, time] | None = None

    @model_validator(mode="after")
    def _order(self) -> Hours:
        if self.open >= self.close:
            raise ValueError("open must be before close")
        if self.lunch and not (self.open <= self.lunch[0] < self.lunch[1] <= self.close):
            raise ValueError("lunch must be inside opening hours")
        return self


class ServicePointProfile(_Strict):
    code: Code
    names: Names


class ServiceProfile(_Strict):
    code: Code
    letter: Annotated[str, StringConstraints(min_length=1, max_length=2)]
    names: Names
    descriptions: Names | None = None
    points: list[Code] = Field(min_length=1)
    target_wait_minutes: int = Field(default=40, ge=1, le=600)  # appendix 1.2: 40 minutes
    registration: bool = False  # tickets of this service open a personal record card (§3)
    # Whether the standard's appendix measures this service (its table counts only those:
    # 4.1's "of this type of service", 1.2's visits; issue 13).
    appendix: bool = True
    # §10 pre-registration (issue 18): whether visitors may book it, and its slot's length.
    bookable: bool = True
    slot_minutes: int = Field(default=15, ge=5, le=120, multiple_of=5)


class BookingProfile(_Strict):
    """§10 pre-registration: the booking rules of the office (README, "Bookings")."""

    share: float = Field(default=0.0, ge=0, le=1)  # of each cabinet's hour; 0: no booking
    days_ahead: int = Field(default=14, ge=1, le=90)
    window_before_minutes: int = Field(default=30, ge=0, le=240)  # check-in opens
    grace_minutes: int = Field(default=15, ge=0, le=120)  # after the slot's start: no-show
    max_per_iin: int = Field(default=3, ge=1, le=100)  # bookings per IIN in ...
    per_iin_days: int = Field(default=30, ge=1, le=365)  # ... this many rolling days
    release_minutes: int = Field(default=10, ge=0, le=1440)  # a cancelled slot's delay
    bookings_per_minute: int = Field(default=5, ge=1, le=100_000)  # per client address


# Shown as links on the public info page: only web addresses and plain e-mail addresses.
WebAddress = Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"']+$", max_length=200)]
Email = Annotated[
    str, StringConstraints(pattern=r"^[^@\s<>\"':/]+@[^@\s<>\"':/]+$", max_length=200)
]


class HigherBody(_Strict):
    """The body above the department, where a complaint may also go (§22, §24)."""

    name: Names
    address: Names | None = None
    phones: list[Text] = Field(default_factory=list)
    email: Email | None = None
    site: WebAddress | None = None


class Contacts(_Strict):
    """§24: the contacts of the head, the deputy and the higher body (site, e-mail, hours of
    reception, address, phones). The head's phones and address are the office's own."""

    head_point: Code | None = None  # the cabinet of the head and the deputy (§22: №1)
    email: Email | None = None
    site: WebAddress | None = None
    reception: Names | None = None  # the head's hours of reception of citizens
    # §23: who answers a complaint (the head or the deputy), and their phone; the complaint
    # talon names them with the place (the office's address, the head's cabinet).
    answer_by: Names | None = None
    answer_phone: Text | None = None
    higher: HigherBody | None = None


class ComplaintTerm(_Strict):
    """The term for answering a complaint, and the legal act it comes from: the service
    standard (§21–23) sets none. Shown on the info page with its source (issue 13)."""

    days: int = Field(default=5, ge=1, le=90)
    kind: Literal["working", "calendar"] = "working"
    act: Names = Field(
        default_factory=lambda: Names(
            kk="«Мемлекеттік көрсетілетін қызметтер туралы» 2013 жылғы 15 сәуірдегі"
            " № 88-V ҚР Заңының 25-бабының 2-тармағы",
            ru="пункт 2 статьи 25 Закона РК от 15 апреля 2013 года № 88-V"
            " «О государственных услугах»",
            en='Law of the Republic of Kazakhstan No. 88-V of 15 April 2013 "On public'
            ' services", article 25, paragraph 2',
        )
    )
    url: WebAddress | None = None


class Printers(_Strict):
    kiosk: dict[str, str] = Field(default_factory=dict)  # kiosk name -> printer URL
    desk: dict[str, str] = Field(default_factory=dict)  # service point code -> printer URL
    paper_width: Literal[576, 384] = 576  # dots: 80 mm or 58 mm paper
    text_mode: bool = False  # printers with code page 53 (KZ-1048) only

    @model_validator(mode="after")
    def _urls(self) -> Printers:
        """A mistyped printer URL is a start-up error, not a failure at the first talon."""
        from kezek.printing.urls import parse_printer_url

        for where, urls in (("kiosk", self.kiosk), ("desk", self.desk)):
            for name, url in urls.items():
                try:
                    parse_printer_url(url)
                except ValueError as exc:
                    raise ValueError(f"printers.{where}.{name}: {exc}") from None
        return self


class Profile(_Strict):
    slug: Code
    name: Names
    address: Names
    phones: list[Text] = Field(default_factory=list)
    timezone: str = "Asia/Almaty"
    district: Text | None = None  # §3: registration is at the place of residence
    # §10: Tuesday–Friday 09:00–18:00, lunch 13:00–14:00
    schedule: dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], Hours]
    holidays: list[date] = Field(default_factory=list)  # the office's own closed days
    # Kazakhstan's statutory holidays and transferred days off (the ``holidays`` library),
    # merged with the list above; false: only the list (kezek.public_holidays).
    statutory_holidays: bool = True
    points: list[ServicePointProfile] = Field(min_length=1)
    services: list[ServiceProfile] = Field(min_length=1)
    printers: Printers = Field(default_factory=Printers)
    issue_past_closing: bool = (
        False  # whether the kiosk still issues when the wait runs past closing
    )
    warn_wait_minutes: int = Field(default=30, ge=1, le=600)
    # Issue 19: the share of visits within 40 minutes (1.2, %) the Plan page staffs for
    # while the supervisor has entered no target for the year (§20).
    plan_target_percent: float = Field(default=90, ge=1, le=100)
    # Issue 17: the call order. "protect_target": a ticket whose visit has waited
    # warn_wait_minutes and not yet its target is called first, the nearest to breaching
    # first, ahead of priority tickets that still have time; one past its target goes
    # before fresh tickets, and first of all once overdue_call_minutes past it.
    # "priority_then_oldest": priority first (§11), then the oldest (kezek/queue/order.py).
    call_order: Literal["protect_target", "priority_then_oldest"] = "priority_then_oldest"
    overdue_call_minutes: int = Field(default=20, ge=0, le=600)
    # §18.2: a decision's result not collected this many days after it was prepared is
    # listed for the supervisor (and kept).
    uncollected_days: int = Field(default=30, ge=1, le=365)
    complaint_term: ComplaintTerm = Field(default_factory=ComplaintTerm)
    # A staff session ends after this long without a user action (a shared desk computer).
    staff_idle_minutes: int = Field(default=60, ge=5, le=720)
    # Issue 14 §2: tickets a minute per address for a client that is not an enrolled kiosk
    # (a phone, a script), on every issuing route together.
    public_tickets_per_minute: int = Field(default=3, ge=1, le=100_000)
    # The demo: a kiosk opened from this machine (127.0.0.1) enrols itself.
    enrol_local_kiosk: bool = False
    contacts: Contacts = Field(default_factory=Contacts)
    # Issue 17: a called ticket may be called again this many times; then "did not come".
    max_recalls: int = Field(default=3, ge=1, le=20)
    # Issue 17: a no-show may be returned to its queue this many minutes after (0: never).
    return_window_minutes: int = Field(default=30, ge=0, le=240)
    # Issue 17: "I am running late" on the phone page moves a waiting ticket back this many
    # places, once, while it keeps its target (kezek/queue/late.py; 0: not offered).
    late_places: int = Field(default=3, ge=0, le=20)
    booking: BookingProfile = Field(default_factory=BookingProfile)

    @model_validator(mode="after")
    def _references(self) -> Profile:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timezone: unknown time zone {self.timezone!r}") from None
        point_codes = [p.code for p in self.points]
        _unique("points", point_codes)
        _unique("services", [s.code for s in self.services])
        _unique("services letter", [s.letter for s in self.services])
        from kezek.display.letters import unnamed  # a leaf module; the call says each letter

        for service in self.services:
            for letter, lang in unnamed(service.letter):
                # The call says each letter by its name (kezek/display/letters.py).
                raise ValueError(
                    f"services.{service.code}.letter: {letter!r} has no spoken name in"
                    f" {lang!r}; use a Cyrillic letter the call can say in kk and ru"
                )
            for code in service.points:
                if code not in point_codes:
                    raise ValueError(
                        f"services.{service.code}.points: unknown service point {code!r}"
                    )
        head = self.contacts.head_point
        if head is not None and head not in point_codes:
            raise ValueError(f"contacts.head_point: unknown service point {head!r}")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _unique(what: str, codes: list[str]) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise ValueError(f"{what}: {code!r} appears twice")
        seen.add(code)


def load_profile(name_or_path: str) -> Profile:
    """A shipped profile by name (``kyzylzhar``, ``demo``) or a TOML file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = PROFILES_DIR / f"{name_or_path}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        shipped = ", ".join(sorted(p.stem for p in PROFILES_DIR.glob("*.toml")))
        raise ProfileError(f"profile {name_or_path!r} not found (shipped: {shipped})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"profile {path}: not valid TOML: {exc}") from None
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "profile"
        raise ProfileError(f"profile {path}: {where}: {first['msg']}") from None
