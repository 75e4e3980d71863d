"""The one command: ``kezek serve | db … | user … | token create | demo | report | printer test``.

Each group of sub-commands lives in a module of this package and is registered in
``EXTENSIONS``. Every mistake (a bad variable, a database that cannot be used, a refusal)
ends in one line ``kezek: …`` on standard error and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

import sqlalchemy as sa

from kezek import auth
from kezek.cli.common import Subparsers, database_error
from kezek.cli.database import add_db_commands
from kezek.cli.demo_office import add_demo_command
from kezek.cli.doctor import add_doctor_command
from kezek.cli.estimates import add_estimates_command
from kezek.cli.forecast import add_forecast_command
from kezek.cli.printer import add_printer_commands
from kezek.cli.replay import add_replay_command
from kezek.cli.report import add_report_command
from kezek.cli.serve import add_serve_command, serve_limits
from kezek.cli.tokens import add_token_commands
from kezek.cli.users import add_user_commands
from kezek.settings import ProfileError, Settings

__all__ = ["EXTENSIONS", "main", "parser", "serve_limits"]

Handler = Callable[[argparse.Namespace, Settings], int]
# What each KEZEK_* variable chooses, for the help's epilog (the README's table, shorter).
ENVIRONMENT = {
    "KEZEK_PROFILE": "the office profile: kyzylzhar, demo, a TOML path, or several with commas",
    "KEZEK_DATABASE_URL": "sqlite:///PATH (default sqlite:///var/kezek.sqlite3) "
    "or postgresql+psycopg://USER:PASSWORD@HOST/NAME",
    "KEZEK_SPOOL_DIR": "where spool:// printers without a path write (default var/spool)",
    "KEZEK_SECURE_COOKIES": "1 behind HTTPS",
    "KEZEK_BUSY_TIMEOUT_MS": "SQLite: how long a write waits before a 503 (default 10000)",
    "KEZEK_PUBLIC_URL": "the scheme and host visitors' phones reach (the talon's QR code)",
    "KEZEK_VOICE_ENGINE": "the display's espeak-ng program, or off",
    "KEZEK_TELEGRAM_TOKEN": "the office's Telegram bot token; empty: no bot",
    "KEZEK_TELEGRAM_API_URL": "the Bot API address (a proxy, or the tests' fake)",
    "KEZEK_BOOKING_KEY": "the key of the bookings' IIN hash (32+ characters)",
}


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("kezek")
    except PackageNotFoundError:  # a source checkout on PYTHONPATH
        return "unknown (not installed)"


def epilog() -> str:
    width = max(len(name) for name in ENVIRONMENT)
    lines = [f"  {name:{width}}  {text}" for name, text in ENVIRONMENT.items()]
    return "environment:\n" + "\n".join(lines) + "\n\n`kezek COMMAND --help` tells more."


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="kezek",
        description="Kezek: the lobby kiosk and queue of a public-service office.",
        epilog=epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"kezek {version()}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for extend in EXTENSIONS:
        extend(sub)
    return top


# Sub-commands that live in their own module of this package: fn(subparsers) -> None.
EXTENSIONS: list[Callable[[Subparsers], None]] = [
    add_serve_command,
    add_db_commands,
    add_user_commands,
    add_token_commands,
    add_demo_command,
    add_report_command,
    add_printer_commands,
    add_replay_command,
    add_doctor_command,
    add_forecast_command,
    add_estimates_command,
]


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    try:
        handler: Handler = args.handler
        return handler(args, settings)
    except sa.exc.SQLAlchemyError as exc:  # the database went away, or refused, mid-way
        raise database_error(settings.database_url, exc) from None


def _main(argv: Sequence[str] | None) -> int:
    top = parser()
    args = top.parse_args(argv)
    if not hasattr(args, "handler"):  # `kezek` alone, or `kezek db`
        top.print_help()
        return 2
    try:
        return run(args)
    except (ProfileError, auth.AuthError, ValueError) as exc:  # BackupError is a ValueError
        print(f"kezek: {exc}", file=sys.stderr)
        return 2


def main(argv: Sequence[str] | None = None) -> None:
    try:
        code = _main(argv)
    except KeyboardInterrupt:  # Ctrl-C at a prompt, during a long command or while the
        print("\nkezek: interrupted", file=sys.stderr)  # parser is built: no traceback
        code = 130
    sys.exit(code)
