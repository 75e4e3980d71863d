"""Enrolling a device (issue 14 §2): an admin adds it and gets a one-time code; the code,
typed on the device within a day, becomes its long-lived cookie. Only hashes are stored;
a revoked device is refused at once. No HTTP here (kezek/devices/gate.py reads requests)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from kezek.devices.models import KINDS, Device

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: typed on a touch screen
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(days=1)


class DeviceError(ValueError):
    pass


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normal_code(raw: str) -> str:
    """What was typed, as a code: letters upper-case, spaces and dashes left out."""
    return "".join(ch for ch in raw.upper() if ch not in " -")[:32]


def add(
    session: Session, office_id: int, kind: str, name: str, now: datetime
) -> tuple[Device, str]:
    """A new device waiting for its code; the code is returned once (shown to the admin)."""
    if kind not in KINDS:
        raise DeviceError(f"a device is one of {', '.join(KINDS)}")
    name = " ".join(name.split())[:100]
    if not name:
        raise DeviceError("a device needs a name")
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    device = Device(
        office_id=office_id, kind=kind, name=name, code_hash=digest(code), created_at=now
    )
    session.add(device)
    session.flush()
    return device, code


def enrol(session: Session, office_id: int, typed: str, now: datetime) -> tuple[Device, str] | None:
    """The device a code was made for, now enrolled, and its cookie; None for a wrong, used
    or expired code."""
    code = normal_code(typed)
    if len(code) != CODE_LENGTH:
        return None
    device = session.exec(select(Device).where(Device.code_hash == digest(code))).first()
    if (
        device is None
        or device.office_id != office_id
        or device.revoked
        or device.created_at is None
        or now - device.created_at > CODE_LIFETIME
    ):
        return None
    cookie = "kd_" + secrets.token_urlsafe(32)
    device.code_hash, device.cookie_hash = None, digest(cookie)  # the code works once
    device.enrolled_at = device.last_seen_at = now
    session.add(device)
    return device, cookie


def enrol_directly(session: Session, office_id: int, kind: str, name: str, now: datetime) -> str:
    """A device enrolled without a code (the demo's own kiosk); its cookie."""
    device, code = add(session, office_id, kind, name, now)
    enrolled = enrol(session, office_id, code, now)
    assert enrolled is not None
    return enrolled[1]


def find(session: Session, office_id: int, cookie: str | None) -> Device | None:
    """The live enrolled device of this office that holds ``cookie``."""
    if not cookie or len(cookie) > 100 or not cookie.isascii():
        return None
    device = session.exec(select(Device).where(Device.cookie_hash == digest(cookie))).first()
    if device is None or device.revoked or device.office_id != office_id:
        return None
    return device


def listed(session: Session, office_id: int) -> list[Device]:
    return list(
        session.exec(
            select(Device)
            .where(Device.office_id == office_id, col(Device.revoked).is_(False))
            .order_by(col(Device.id))
        )
    )


def revoke(session: Session, office_id: int, device_id: int) -> bool:
    device = session.get(Device, device_id)
    if device is None or device.office_id != office_id or device.revoked:
        return False
    device.revoked, device.code_hash, device.cookie_hash = True, None, None
    session.add(device)
    return True
