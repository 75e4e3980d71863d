"""Staff sessions and login throttling: plain functions on the database session, no HTTP.

Sessions: a random id in the cookie, its SHA-256 in the table, a fresh id at every login
(no fixation), a CSRF token per session, an idle and an absolute lifetime.

Throttling, per user name *and* client address (the pair) and per client address, stored
in the database so it survives a restart and holds across worker processes: after a few
failures every further attempt must wait a growing delay (refused before the password is
even checked), after more the key is locked for a while. A name alone is never locked
(anyone could lock a real user out from anywhere): its failures from every address only
make each further wrong answer come later, up to a low cap, and the right password from an
address that did not fail keeps working. A real lock is an administrator's (disabling).
"""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, update

from kezek import db, tokens
from kezek.queue.models import ApiToken, Role, User
from kezek.staff.models import LoginThrottle, StaffSession

IDLE = timedelta(minutes=60)  # the default; the profile's staff_idle_minutes decides
ABSOLUTE = timedelta(hours=14)  # and no session outlives a day
TOUCH_EVERY = timedelta(minutes=1)  # last_seen is written at most this often
RANK = {Role.clerk: 1, Role.supervisor: 2, Role.admin: 3}


@dataclass(frozen=True)
class Policy:
    slow_after: int  # failures before each attempt must wait
    lock_after: int  # failures that lock the key
    first_delay: timedelta
    max_delay: timedelta
    lock_for: timedelta
    forget_after: timedelta  # failures older than this no longer count


USER_POLICY = Policy(
    3, 8, timedelta(seconds=5), timedelta(seconds=60), timedelta(minutes=15), timedelta(hours=1)
)
NAME_SLOW_AFTER = 10  # failures of one name, from any address, before wrong answers slow down
NAME_FIRST_DELAY = 0.25  # seconds, doubling per further failure
NAME_MAX_DELAY = 2.0  # the low cap: a flood costs the attacker time, never the user access
# One address is shared by a whole office behind NAT: more room before it slows everyone.
ADDRESS_POLICY = Policy(
    10, 30, timedelta(seconds=2), timedelta(seconds=30), timedelta(minutes=15), timedelta(hours=1)
)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def rank(role: str) -> int:
    return RANK.get(Role(role), 0) if role in Role.__members__ else 0


# ------------------------------------------------------------------ sessions


def create(session: Session, user: User, now: datetime) -> tuple[str, StaffSession]:
    """A new session for ``user``; returns the raw id (for the cookie only) and the row."""
    assert user.id is not None
    raw = secrets.token_urlsafe(32)
    row = StaffSession(
        id_hash=digest(raw),
        office_id=user.office_id,
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
    )
    session.add(row)
    session.flush()
    return raw, row


def _alive(row: StaffSession, now: datetime, idle: timedelta) -> bool:
    assert row.created_at is not None and row.last_seen_at is not None
    return now - row.last_seen_at <= idle and now - row.created_at <= ABSOLUTE


def lookup(
    session: Session, raw: str | None, office_id: int, now: datetime, idle: timedelta = IDLE
) -> tuple[StaffSession, User] | None:
    """The live session and its active user of this office, or None."""
    if not raw or len(raw) > 100:
        return None
    row = session.get(StaffSession, digest(raw))
    if row is None or row.office_id != office_id or not _alive(row, now, idle):
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active or user.office_id != office_id:
        return None
    return row, user


class _Recent:
    """The sessions found in the last few seconds, so a clerk's click (and its form check)
    costs no database session for the login: one session for the action, one to read the
    result. Ending a session, or every session of a user, empties it at once in this
    process; another worker process sees the change within ``TTL`` seconds."""

    TTL = 3.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._found: dict[tuple[str, int], tuple[float, StaffSession, User]] = {}

    def get(self, key: tuple[str, int]) -> tuple[StaffSession, User] | None:
        with self._lock:
            hit = self._found.get(key)
        if hit is None or time.monotonic() - hit[0] > self.TTL:
            return None
        return hit[1], hit[2]

    def put(self, key: tuple[str, int], found: tuple[StaffSession, User]) -> None:
        with self._lock:
            if len(self._found) > 10_000:  # bounded: stale entries go first
                self._found.clear()
            self._found[key] = (time.monotonic(), *found)

    def forget(self) -> None:
        with self._lock:
            self._found.clear()


RECENT = _Recent()


def find(
    engine: Engine, raw: str | None, office_id: int, now: datetime, idle: timedelta = IDLE
) -> tuple[StaffSession, User] | None:
    """``lookup`` through the short cache of sessions found recently."""
    if not raw or len(raw) > 100:
        return None
    key = (digest(raw), office_id)
    found = RECENT.get(key)
    if found is not None:
        return found if _alive(found[0], now, idle) else None
    with db.reading(engine) as session:
        found = lookup(session, raw, office_id, now, idle)
        if found is not None:
            session.expunge_all()  # kept beyond the session, read only
    if found is not None:
        RECENT.put(key, found)
    return found


def needs_touch(row: StaffSession, now: datetime) -> bool:
    assert row.last_seen_at is not None
    return now - row.last_seen_at >= TOUCH_EVERY


def touch(session: Session, id_hash: str, now: datetime) -> None:
    row = session.get(StaffSession, id_hash)
    if row is not None:
        row.last_seen_at = now
        session.add(row)


def end(session: Session, raw: str | None) -> None:
    RECENT.forget()
    if raw and len(raw) <= 100:
        session.exec(delete(StaffSession).where(col(StaffSession.id_hash) == digest(raw)))


def end_all(session: Session, user_id: int) -> None:
    """Every session and every API token of a user: after a password change, a reset, a role
    change or a disable (re-enabling the user brings no old token back)."""
    RECENT.forget()
    tokens.RECENT.forget()
    session.exec(delete(StaffSession).where(col(StaffSession.user_id) == user_id))
    session.exec(update(ApiToken).where(col(ApiToken.user_id) == user_id).values(revoked=True))


def purge(session: Session, now: datetime) -> None:
    # Past the absolute lifetime every session is dead, whatever the profile's idle time.
    session.exec(delete(StaffSession).where(col(StaffSession.last_seen_at) < now - ABSOLUTE))


# ------------------------------------------------------------------ throttling


@dataclass(frozen=True)
class Blocked:
    locked: bool  # locked for a while (True) or only slowed down (False)
    seconds: int  # until the next attempt is allowed


def throttle_keys(username: str, address: str) -> list[tuple[str, Policy]]:
    return [
        (_pair_key(username, address), USER_POLICY),
        (digest("addr:" + address), ADDRESS_POLICY),
    ]


def _pair_key(username: str, address: str) -> str:
    return digest("user:" + username.strip().lower() + "\n" + address)


def _name_key(username: str) -> str:
    return digest("name:" + username.strip().lower())


def name_failed(session: Session, office_id: int, username: str, now: datetime) -> float:
    """Count a failure of the name from any address; the seconds the wrong answer must wait."""
    key = _name_key(username)
    row = session.get(LoginThrottle, key) or LoginThrottle(key_hash=key, office_id=office_id)
    if row.last_failure_at is not None and now - row.last_failure_at >= USER_POLICY.forget_after:
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    session.add(row)
    steps = row.failures - NAME_SLOW_AFTER
    return 0.0 if steps < 0 else min(NAME_MAX_DELAY, NAME_FIRST_DELAY * 2 ** min(steps, 8))


def _delay(policy: Policy, failures: int) -> timedelta:
    steps = failures - policy.slow_after
    delay: timedelta = policy.first_delay * (2 ** max(0, steps))
    return min(policy.max_delay, delay)


def blocked(session: Session, keys: list[tuple[str, Policy]], now: datetime) -> Blocked | None:
    """Whether an attempt now must be refused without checking the password."""
    worst: Blocked | None = None
    for key, policy in keys:
        row = session.get(LoginThrottle, key)
        if row is None:
            continue
        if row.locked_until is not None and now < row.locked_until:
            found = Blocked(True, math.ceil((row.locked_until - now).total_seconds()))
        elif (
            row.failures >= policy.slow_after
            and row.last_failure_at is not None
            and now - row.last_failure_at < policy.forget_after
            and now < row.last_failure_at + _delay(policy, row.failures)
        ):
            wait = row.last_failure_at + _delay(policy, row.failures) - now
            found = Blocked(False, math.ceil(wait.total_seconds()))
        else:
            continue
        if worst is None or (found.locked, found.seconds) > (worst.locked, worst.seconds):
            worst = found
    return worst


def failed(
    session: Session, office_id: int, keys: list[tuple[str, Policy]], now: datetime
) -> Blocked | None:
    """Count a failed login on every key; returns the lock it caused, if any."""
    result: Blocked | None = None
    for key, policy in keys:
        row = session.get(LoginThrottle, key) or LoginThrottle(key_hash=key, office_id=office_id)
        if row.last_failure_at is not None and now - row.last_failure_at >= policy.forget_after:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= policy.lock_after:
            row.locked_until, row.failures = now + policy.lock_for, 0
            result = Blocked(True, int(policy.lock_for.total_seconds()))
        session.add(row)
    session.flush()
    return result


def succeeded(session: Session, username: str, address: str) -> None:
    """A right password clears the pair's failures (the address's and the name's decay on
    their own: a flood from elsewhere goes on being slowed)."""
    key = _pair_key(username, address)
    session.exec(delete(LoginThrottle).where(col(LoginThrottle.key_hash) == key))
