"""The IIN of a booking, kept as a keyed hash (HMAC-SHA256): the limits need only to know
two bookings are the same person's, and an unkeyed hash of a 12-digit number with a check
digit and a birth date is undone by trying them all. Shown only masked (§18.2)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlmodel import Session

from kezek.bookings.models import BookingKey


def iin_hash(key: bytes, iin: str) -> str:
    return hmac.new(key, iin.encode("ascii"), hashlib.sha256).hexdigest()


def office_key(session: Session, office_id: int, configured: str = "") -> bytes:
    """``configured`` (``KEZEK_BOOKING_KEY``) when set; else the office's own key, made once
    at random and kept in the database."""
    if configured:
        return configured.encode()
    row = session.get(BookingKey, office_id)
    if row is None:
        row = BookingKey(office_id=office_id, key=secrets.token_urlsafe(48))
        session.add(row)
        session.flush()
    return row.key.encode()


def digest(token: str) -> str:
    """The manage token is stored as its SHA-256, like the API's tokens."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def new_code() -> str:
    """``1234-5678``: digits, so the kiosk's keypad takes it."""
    number = secrets.randbelow(10**8)
    return f"{number // 10**4:04d}-{number % 10**4:04d}"


def masked(last4: str) -> str:
    return "••••••••" + last4
