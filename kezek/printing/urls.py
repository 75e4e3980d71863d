"""Printer URLs (pure: no I/O): the kinds of printer Kezek knows and their options.

    tcp://HOST[:9100]                 a network printer (raw port 9100)
    usb://VID:PID                     hex ids, e.g. usb://04b8:0e15 (needs pyusb)
    serial:///dev/ttyUSB0?baud=115200
    file:///dev/usb/lp0               a printer device file (never created)
    spool://DIR                       no hardware: DIR/<name>.bin (ESC/POS) + DIR/<name>.png
    dummy://[LABEL]                   escpos.printer.Dummy; jobs kept for tests: dummy_jobs()

Options, as a query string: ``profile=`` (a python-escpos profile with a pixel width,
default TM-T20II), ``status=off`` for a printer that does not answer ``DLE EOT``,
serial ``baud=`` and ``dsrdtr=0|1``, usb ``in_ep=`` and ``out_ep=``, and for tests
``dummy://LABEL?paper=out|near_end|ok`` (a dummy that answers status queries).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

from escpos.capabilities import CAPABILITIES

__all__ = ["DEFAULT_PROFILE", "DEFAULT_TIMEOUT", "SCHEMES", "PrinterURL", "parse_printer_url"]

DEFAULT_TIMEOUT = 3.0  # seconds for a whole job; a talon takes well under one
DEFAULT_PROFILE = "TM-T20II"  # 576 dots: image() checks widths and never prints to stdout
SCHEMES = ("tcp", "usb", "serial", "file", "spool", "dummy")


@dataclass(frozen=True, slots=True)
class PrinterURL:
    """A parsed, validated printer URL."""

    url: str
    scheme: str
    target: str  # host, device path, spool directory, dummy label, or "VID:PID"
    port: int = 9100
    profile: str = DEFAULT_PROFILE
    status: bool = True  # ask the printer for status (DLE EOT) where the connection can
    options: Mapping[str, str] = field(default_factory=dict)


_OPTIONS: dict[str, frozenset[str]] = {
    "tcp": frozenset({"status"}),
    "usb": frozenset({"status", "in_ep", "out_ep"}),
    "serial": frozenset({"status", "baud", "dsrdtr"}),
    "file": frozenset(),
    "spool": frozenset(),
    "dummy": frozenset({"paper"}),
}
_SWITCH = {"on": True, "1": True, "yes": True, "off": False, "0": False, "no": False}


def parse_printer_url(url: str) -> PrinterURL:
    """Check a printer URL; a ``ValueError`` names what is wrong with it."""
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in SCHEMES:
        raise ValueError(
            f"printer URL {url!r}: unknown kind {scheme!r}, expected one of "
            + ", ".join(f"{s}://" for s in SCHEMES)
        )
    parts = urlsplit(url)
    try:
        options = dict(parse_qsl(parts.query, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        raise ValueError(f"printer URL {url!r}: cannot read the options {parts.query!r}") from None
    profile = options.pop("profile", DEFAULT_PROFILE)
    _check_profile(url, profile)
    unknown = sorted(set(options) - _OPTIONS[scheme])
    if unknown:
        allowed = ", ".join(sorted(_OPTIONS[scheme] | {"profile"}))
        raise ValueError(
            f"printer URL {url!r}: unknown option {unknown[0]!r} for {scheme}:// (known: {allowed})"
        )
    status = _switch(url, options.pop("status", "on"))
    common = PrinterURL(url=url, scheme=scheme, target="", profile=profile, status=status)
    return _PARSERS[scheme](common, parts, rest, options)


# One parser per scheme: (the common fields, urlsplit's parts, what follows "://", options).
_Parser = Callable[[PrinterURL, SplitResult, str, dict[str, str]], PrinterURL]


def _tcp(common: PrinterURL, parts: SplitResult, rest: str, options: dict[str, str]) -> PrinterURL:
    url = common.url
    try:
        host, port = parts.hostname, parts.port or 9100
    except ValueError as exc:
        raise ValueError(f"printer URL {url!r}: bad port ({exc})") from None
    if not host:
        raise ValueError(f"printer URL {url!r}: no host, expected tcp://HOST:9100")
    if parts.path not in ("", "/"):
        raise ValueError(f"printer URL {url!r}: a tcp:// URL has no path")
    return replace(common, target=host, port=port, options=options)


def _usb(common: PrinterURL, parts: SplitResult, rest: str, options: dict[str, str]) -> PrinterURL:
    url = common.url
    ids = parts.netloc or parts.path.strip("/")
    if not re.fullmatch(r"[0-9a-fA-F]{1,4}:[0-9a-fA-F]{1,4}", ids):
        raise ValueError(
            f"printer URL {url!r}: expected usb://VID:PID in hex, e.g. usb://04b8:0e15"
        )
    for key in ("in_ep", "out_ep"):
        if key in options:
            _integer(url, key, options[key], 0, 0xFF)
    return replace(common, target=ids.lower(), options=options)


def _serial(
    common: PrinterURL, parts: SplitResult, rest: str, options: dict[str, str]
) -> PrinterURL:
    url = common.url
    device = unquote(parts.path) or parts.netloc  # serial:///dev/ttyUSB0 or serial://COM3
    if not device:
        raise ValueError(f"printer URL {url!r}: no device, expected serial:///dev/ttyUSB0")
    if "baud" in options:
        _integer(url, "baud", options["baud"], 50, 4_000_000)
    if "dsrdtr" in options:
        _switch(url, options["dsrdtr"])
    return replace(common, target=device, options=options)


def _file(common: PrinterURL, parts: SplitResult, rest: str, options: dict[str, str]) -> PrinterURL:
    if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
        raise ValueError(
            f"printer URL {common.url!r}: expected an absolute path, file:///dev/usb/lp0"
        )
    return replace(common, target=unquote(parts.path), options=options)


def _spool(
    common: PrinterURL, parts: SplitResult, rest: str, options: dict[str, str]
) -> PrinterURL:
    # Everything after spool:// is the directory: spool://var/spool is relative.
    directory = unquote(rest.split("?", 1)[0])
    if not directory:
        raise ValueError(f"printer URL {common.url!r}: no directory, expected spool://DIR")
    return replace(common, target=directory, options=options)


def _dummy(
    common: PrinterURL, parts: SplitResult, rest: str, options: dict[str, str]
) -> PrinterURL:
    if options.get("paper", "ok") not in ("ok", "near_end", "out"):
        raise ValueError(f"printer URL {common.url!r}: paper must be ok, near_end or out")
    return replace(common, target=rest.split("?", 1)[0].strip("/"), options=options)


_PARSERS: dict[str, _Parser] = {
    "tcp": _tcp,
    "usb": _usb,
    "serial": _serial,
    "file": _file,
    "spool": _spool,
    "dummy": _dummy,
}


def _check_profile(url: str, profile: str) -> None:
    data = CAPABILITIES["profiles"].get(profile)
    if data is None:
        raise ValueError(f"printer URL {url!r}: unknown python-escpos profile {profile!r}")
    if not isinstance(data["media"]["width"].get("pixels"), int):
        # Without a pixel width python-escpos prints a warning to stdout on every image.
        raise ValueError(f"printer URL {url!r}: profile {profile!r} has no pixel width")


def _switch(url: str, value: str) -> bool:
    if value.lower() not in _SWITCH:
        raise ValueError(f"printer URL {url!r}: expected on or off, not {value!r}")
    return _SWITCH[value.lower()]


def _integer(url: str, key: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value, 0)
    except ValueError:
        raise ValueError(f"printer URL {url!r}: {key} must be a number, not {value!r}") from None
    if not low <= number <= high:
        raise ValueError(f"printer URL {url!r}: {key} must be from {low} to {high}")
    return number
