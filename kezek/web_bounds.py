"""One strict reading of numbers from the outside: path segments and query parameters.

Only ASCII digits ("²" and "٣" are digits to ``str.isdigit``), and below 2**63 so that no
number reaches the database that a BIGINT (or an INTEGER id) cannot hold: a larger id is
simply not found (404), never a server error.
"""

from __future__ import annotations

from starlette.convertors import CONVERTOR_TYPES, Convertor

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


def number(raw: str | None, *, low: int = 0, high: int = 2**63 - 1) -> int | None:
    """``raw`` as an integer in [low, high] if it is 1–19 ASCII digits, else None."""
    if not raw or len(raw) > 19 or not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if low <= value <= high else None


class BoundedInt(Convertor[int]):
    """The ``{x:int}`` of every route: 1–10 ASCII digits (anything longer is no route: 404)."""

    regex = "[0-9]{1,10}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        value = int(value)
        assert value >= 0, "Negative integers are not supported"
        return str(value)


def install() -> None:
    """Replace Starlette's unbounded ``int`` convertor; before any route is built."""
    CONVERTOR_TYPES["int"] = BoundedInt()
