"""The IIN (*ЖСН*): 12 digits — YYMMDD, a century-and-sex digit, four serial digits, a check digit.

Refused: a wrong length, a non-digit, a wrong check digit, an unknown century digit.
Only warned about: birth-date digits that disagree with the date of birth on the card (the
clerk checks the identity document; the person may have been given an unusual number).
"""

from __future__ import annotations

from datetime import date

from kezek.i18n import N_

WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
# 7th digit: odd = male, even = female; 1–2: 1800s, 3–4: 1900s, 5–6: 2000s.
CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


class IINError(ValueError):
    """A refused IIN; ``message`` is an English msgid."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_digit(first11: str) -> int | None:
    """The official control digit of 11 digits, or None when no digit is possible."""
    digits = [int(c) for c in first11]
    remainder = sum(d * w for d, w in zip(digits, WEIGHTS_1, strict=True)) % 11
    if remainder == 10:
        remainder = sum(d * w for d, w in zip(digits, WEIGHTS_2, strict=True)) % 11
        if remainder == 10:
            return None
    return remainder


def normalize(raw: str) -> str:
    """Spaces and dashes that people type between groups of digits are dropped."""
    return "".join(raw.split()).replace("-", "")


def validate(raw: str) -> str:
    """The IIN as 12 digits, or IINError with a message for the clerk."""
    iin = normalize(raw)
    if not iin:
        raise IINError(N_("Enter the IIN."))
    if len(iin) != 12 or not iin.isascii() or not iin.isdigit():
        raise IINError(N_("The IIN has 12 digits."))
    if int(iin[6]) not in CENTURY:
        raise IINError(N_("The 7th digit of the IIN must be from 1 to 6."))
    expected = check_digit(iin[:11])
    if expected is None or expected != int(iin[11]):
        raise IINError(
            N_(
                "This IIN is not valid: its check digit does not match. "
                "Check the number on the identity document."
            )
        )
    return iin


def birth_date(iin: str) -> date | None:
    """The birth date the IIN encodes, or None when the digits are not a real date."""
    century = CENTURY.get(int(iin[6]))
    if century is None:
        return None
    try:
        return date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def sex(iin: str) -> str:
    """ "m" or "f" as the 7th digit encodes it."""
    return "m" if int(iin[6]) % 2 else "f"


def mask(iin: str) -> str:
    """§18.2: lists show only the last four digits."""
    return "••••••••" + iin[-4:]
