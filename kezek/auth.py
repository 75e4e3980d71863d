"""Users, passwords (argon2) and API tokens. Sessions and CSRF live in ``kezek.staff``."""

from __future__ import annotations

import functools
import hashlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from kezek.queue.clock import utcnow
from kezek.queue.models import Role, User

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Checked against when a name has no account, so both answers take as long; made on the
    first login, not at import (0.2-0.4 s that every ``kezek`` command paid)."""
    return _hasher.hash("not a password")


MIN_PASSWORD = 10  # the rest of the rules: kezek/passwords.py


class AuthError(ValueError):
    pass


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"the password needs at least {MIN_PASSWORD} characters")
    if len(password) > 256:
        raise AuthError("the password is too long (256 characters at most)")
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return (
            _hasher.verify(password_hash or _dummy_hash(), password[:256])
            and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    ok = verify_password(user.password_hash if user else None, password)
    return user if (ok and user is not None and user.active) else None


def create_user(
    session: Session,
    office_id: int,
    username: str,
    password: str,
    role: Role | str,
    full_name: str = "",
) -> User:
    username = username.strip().lower()
    if (
        not username
        or len(username) > 64
        or not username.replace("_", "").replace(".", "").isalnum()
    ):
        raise AuthError("a user name is 1–64 letters, digits, dots or underscores")
    if role not in Role.__members__:
        raise AuthError(f"role must be one of {', '.join(Role.__members__)}")
    if session.exec(select(User).where(User.username == username)).first():
        raise AuthError(f"user {username!r} already exists")
    user = User(
        office_id=office_id,
        username=username,
        full_name=full_name.strip()[:200],
        role=str(role),
        password_hash=hash_password(password),
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    session.add(user)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Issue 14 §5: the rest of the tokens' life (scope, expiry, list, revoke) is kezek/tokens.py.
def create_token(session: Session, user: User) -> str:
    from kezek import tokens

    return tokens.create(session, user).secret
