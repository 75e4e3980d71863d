"""Password strength: long enough, not blank, not the user name, not a common password.

The list is shipped (no network, no dependency): the most common passwords of public breach
lists that are 10 characters or longer, and the office words a guesser tries first.
"""

from __future__ import annotations

from kezek.i18n import N_

MIN_LENGTH = 10
_LIST = """
    1234567890 0123456789 0987654321 1111111111 0000000000 1234512345 1q2w3e4r5t
    1qaz2wsx3edc qwertyuiop asdfghjkl; zxcvbnm123 qwerty1234 qwerty12345 password12
    password123 password1234 passw0rd123 iloveyou12 abcdefghij abc1234567 a1234567890
    administrator admin12345 admin123456 adminadmin superadmin welcome123 letmein123
    changeme123 trustno1234 football12 baseball12 sunshine12 princess12 1q2w3e4r5t6y
    qazwsxedcrfv 123qweasdzxc zaq12wsxcde 9876543210 5555555555 7777777777 1212121212
    kezek12345 kezekkezek clerk12345 supervisor qwertyqwerty aaaaaaaaaa password!!
    parol12345 parolparol qazaqstan1 kazakhstan kazakhstan1 almaty1234 astana1234
"""
COMMON = frozenset(_LIST.split())


def weakness(password: str, username: str) -> str | None:
    """The reason (a message id) this password must not be set, or None."""
    if len(password.strip()) < MIN_LENGTH:
        return N_("The new password needs at least 10 characters.")
    folded = password.strip().casefold()
    name = username.strip().casefold()
    if name and (folded == name or folded.startswith(name) and len(folded) - len(name) < 4):
        return N_("The new password must not be the user name.")
    if folded in COMMON or len(set(folded)) < 4:
        return N_("This password is too common; choose another.")
    return None
