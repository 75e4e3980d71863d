"""A card's phone number, parsed with ``phonenumbers`` (Google's libphonenumber) and stored
in E.164 (issue 17): "8 701 234 56 78", "+7 (701) 234-56-78" and "7012345678" are all
"+77012345678"; a number without a country code is read as Kazakhstan's (region KZ)."""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, ValidationResult

from kezek.i18n import N_

REGION = "KZ"
NOT_DIGITS = N_("Write the phone with digits, e.g. +7 715 221 6500.")
TOO_SHORT = N_("The phone number is too short: a Kazakh number has 10 digits after +7 (or 8).")
TOO_LONG = N_("The phone number is too long: a Kazakh number has 10 digits after +7 (or 8).")
NO_SUCH = N_("There is no such phone number: check the code and the digits, e.g. +7 701 234 5678.")


class PhoneInvalid(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def e164(raw: str) -> str:
    """The number in E.164, or PhoneInvalid with the reason (a msgid)."""
    try:
        number = phonenumbers.parse(raw, REGION)
    except NumberParseException:
        raise PhoneInvalid(NOT_DIGITS) from None
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible in (ValidationResult.TOO_SHORT, ValidationResult.INVALID_LENGTH):
        raise PhoneInvalid(TOO_SHORT)
    if possible == ValidationResult.TOO_LONG:
        raise PhoneInvalid(TOO_LONG)
    if not phonenumbers.is_valid_number(number):
        raise PhoneInvalid(NO_SUCH)
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
