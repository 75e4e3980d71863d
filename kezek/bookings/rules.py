"""The booking rules of an office (the profile's ``[booking]`` table, passed in by callers)
and the refusals, which are queue errors: the pages and the API answer them as such."""

from __future__ import annotations

from dataclasses import dataclass, field

from kezek.profile import Profile
from kezek.queue.errors import InvalidInput, QueueError

GRANULE_MINUTES = 5  # a seat: five minutes of one cabinet's time


@dataclass(frozen=True)
class Rules:
    """§10 pre-registration, as Kazakhstan's public-service centres set it."""

    share: float = 0.5  # of each cabinet's hour reserved for bookings (0: no booking)
    days_ahead: int = 14  # how far ahead a day may be booked
    window_before_minutes: int = 30  # check-in opens this long before the slot
    grace_minutes: int = 15  # ... and closes this long after it: then a no-show
    max_per_iin: int = 3  # bookings (not cancelled) per IIN in ...
    per_iin_days: int = 30  # ... this many rolling days
    release_minutes: int = 10  # a cancelled slot is free again after this (0: at once)
    slot_minutes: dict[str, int] = field(default_factory=dict)  # by service code; default 15
    bookable: frozenset[str] | None = None  # service codes; None: every service

    def slot_of(self, service_code: str) -> int:
        return self.slot_minutes.get(service_code, 15)

    def books(self, service_code: str) -> bool:
        return self.share > 0 and (self.bookable is None or service_code in self.bookable)

    @property
    def reserved_minutes(self) -> int:
        """Minutes of each cabinet's hour held for bookings, in whole seats."""
        whole = int(self.share * 60) // GRANULE_MINUTES * GRANULE_MINUTES
        return max(0, min(60, whole))


class Full(QueueError):
    kind = "full"


class Limit(QueueError):
    kind = "limit"


class NotAllowed(InvalidInput):
    """A bad day, a past or closed day, a bad IIN: 422."""

    kind = "invalid"


class Forbidden(QueueError):
    status_code = 403
    kind = "forbidden"


class OutsideWindow(QueueError):
    """Check-in too early (``params["opens"]``, UTC, and ``time`` in office time) or too
    late (409)."""

    kind = "outside_window"


def rules_of(profile: Profile) -> Rules:
    """The office profile's ``[booking]`` table and each service's slot length."""
    b = profile.booking
    return Rules(
        share=b.share,
        days_ahead=b.days_ahead,
        window_before_minutes=b.window_before_minutes,
        grace_minutes=b.grace_minutes,
        max_per_iin=b.max_per_iin,
        per_iin_days=b.per_iin_days,
        release_minutes=b.release_minutes,
        slot_minutes={s.code: s.slot_minutes for s in profile.services},
        bookable=frozenset(s.code for s in profile.services if s.bookable),
    )
