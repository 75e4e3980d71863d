"""API tokens (issue 14 §5): created with an expiry and a scope, listed, revoked.

Only a token's SHA-256 is stored, so the secret is shown once. A token dies with its user's
password reset, role change or disable (``kezek.staff.sessions.end_all``); it expires; its
scope is the service points it may act on (none named: every point of the office). What it
may do at a point is the console's rule, ``kezek.queue.ownership``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select, update

from kezek.queue.clock import utcnow
from kezek.queue.models import ApiToken, ServicePoint, User

DEFAULT_DAYS = 90
MAX_DAYS = 730
TOUCH_EVERY = timedelta(minutes=1)  # last use is written at most once a minute


class TokenError(ValueError):
    pass


@dataclass(frozen=True)
class Created:
    row: ApiToken
    secret: str


@dataclass(frozen=True)
class Grant:
    """What a valid token carries into a request: its user and its scope."""

    user: User
    points: frozenset[str] | None
    token_id: int
    stale: bool  # its last use is over a minute old: worth writing down


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_points(session: Session, office_id: int, raw: str) -> list[str]:
    """``cab1,cab4`` as the office's point codes; an unknown code is an error."""
    codes = sorted({code.strip() for code in raw.split(",") if code.strip()})
    known = set(
        session.exec(select(ServicePoint.code).where(ServicePoint.office_id == office_id)).all()
    )
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise TokenError(f"unknown service point {unknown[0][:32]!r}")
    return codes


def create(
    session: Session,
    user: User,
    *,
    days: int = DEFAULT_DAYS,
    points: str = "",
    now: datetime | None = None,
) -> Created:
    """A new token for ``user``, valid ``days`` days, for ``points`` (none: all)."""
    assert user.id is not None
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"a token lives 1 to {MAX_DAYS} days")
    if not user.active:
        raise TokenError(f"user {user.username!r} is disabled")
    now = now or utcnow()
    secret = "kz_" + secrets.token_urlsafe(32)
    row = ApiToken(
        office_id=user.office_id,
        user_id=user.id,
        token_hash=digest(secret),
        created_at=now,
        expires_at=now + timedelta(days=days),
        points=",".join(parse_points(session, user.office_id, points)),
    )
    session.add(row)
    session.flush()
    return Created(row=row, secret=secret)


def grant(session: Session, token: str, now: datetime) -> Grant | None:
    """The grant of a live token (not revoked, not expired, its user active)."""
    if not token or len(token) > 200 or not token.isascii():
        return None
    row = session.exec(
        select(ApiToken).where(
            ApiToken.token_hash == digest(token), col(ApiToken.revoked).is_(False)
        )
    ).first()
    if row is None or row.id is None or (row.expires_at is not None and row.expires_at <= now):
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    stale = row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY
    return Grant(user=user, points=row.scope(), token_id=row.id, stale=stale)


def touch(session: Session, token_id: int, now: datetime) -> None:
    """Record the token's last use (at most once a minute: a read should not write)."""
    session.exec(update(ApiToken).where(col(ApiToken.id) == token_id).values(last_used_at=now))


def listed(session: Session, office_id: int, username: str = "") -> list[tuple[ApiToken, User]]:
    """The office's tokens not revoked, newest first, with their users."""
    query = (
        select(ApiToken, User)
        .join(User, col(User.id) == col(ApiToken.user_id))
        .where(ApiToken.office_id == office_id, col(ApiToken.revoked).is_(False))
        .order_by(col(ApiToken.id).desc())
    )
    if username:
        query = query.where(User.username == username.strip().lower())
    return [(token, user) for token, user in session.exec(query).all()]


def revoke(session: Session, office_id: int, token_id: int) -> bool:
    RECENT.forget()
    row = session.get(ApiToken, token_id)
    if row is None or row.office_id != office_id or row.revoked:
        return False
    row.revoked = True
    session.add(row)
    return True


class _Recent:
    """Grants found in the last ``TTL`` seconds (issue 20: a clerk's call-next and its finish
    cost no database session for the token), like ``kezek.staff.sessions.RECENT``. Revoking
    a token, or every token of a user, empties it at once in this process; another worker
    process sees it within ``TTL`` seconds."""

    TTL = 3.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._found: dict[str, tuple[float, Grant, datetime | None]] = {}

    def get(self, key: str, now: datetime) -> Grant | None:
        with self._lock:
            hit = self._found.get(key)
        if hit is None or time.monotonic() - hit[0] > self.TTL:
            return None
        _, found, expires = hit
        return None if expires is not None and expires <= now else found

    def put(self, key: str, found: Grant, expires: datetime | None) -> None:
        with self._lock:
            if len(self._found) > 10_000:  # bounded
                self._found.clear()
            self._found[key] = (time.monotonic(), found, expires)

    def forget(self) -> None:
        with self._lock:
            self._found.clear()


RECENT = _Recent()


def find(
    session_for: Callable[[], ContextManager[Session]], token: str, now: datetime
) -> Grant | None:
    """``grant`` through the short cache; ``session_for()`` opens a read session on a miss.

    The grant handed out first says ``stale`` (its caller records the use); the cached copy
    does not, so a token's use is written at most once a ``TTL`` per process."""
    if not token or len(token) > 200 or not token.isascii():
        return None
    key = digest(token)
    found = RECENT.get(key, now)
    if found is not None:
        return found
    with session_for() as session:
        found = grant(session, token, now)
        if found is None:
            return None
        expires = session.get_one(ApiToken, found.token_id).expires_at
        session.expunge_all()  # kept beyond the session, read only
    RECENT.put(key, dataclasses.replace(found, stale=False), expires)
    return found
