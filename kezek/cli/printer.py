"""``kezek printer test URL``: print the test talon (every Kazakh letter) on a printer."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from kezek.settings import Settings


def cmd_printer_test(args: argparse.Namespace, settings: Settings) -> int:
    from kezek.kiosk.talon_jobs import resolve_spool
    from kezek.printing.send import print_image
    from kezek.printing.talons import test_talon
    from kezek.printing.urls import parse_printer_url

    url = resolve_spool(args.url, settings.spool_dir)
    parse_printer_url(url)  # a bad URL is a ValueError that names the problem (exit 2)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    image = test_talon(args.width, note=f"{args.url} {stamp}")
    outcome = print_image(url, image, name="test-talon", timeout=args.timeout)
    if not outcome.ok:
        print(f"printer {args.url}: FAILED: {outcome.error} (paper: {outcome.paper})")
        return 1
    print(
        f"printer {args.url}: printed the test talon, {outcome.bytes_sent} bytes "
        f"(paper: {outcome.paper})"
    )
    return 0


def add_printer_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    printer = sub.add_parser("printer", help="talon printers").add_subparsers(
        dest="printer", required=True
    )
    test = printer.add_parser("test", help="print a test talon with every Kazakh letter")
    test.add_argument(
        "url",
        help="tcp://HOST:9100, usb://VID:PID, serial:///dev/ttyUSB0, "
        "file:///dev/usb/lp0, spool://DIR or dummy://",
    )
    test.add_argument(
        "--width",
        type=int,
        choices=(576, 384),
        default=576,
        help="dots: 576 for 80 mm paper, 384 for 58 mm",
    )
    test.add_argument("--timeout", type=float, default=5.0, help="seconds for the whole job")
    test.set_defaults(handler=cmd_printer_test)
