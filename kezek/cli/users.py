"""``kezek user add|list|passwd`` (tokens: ``kezek.cli.tokens``).

A password comes from ``--password``, ``--password-file FILE``, or, without a terminal, the
first line of standard input (``echo … | kezek user add NAME``); on a terminal it is asked
twice."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from sqlmodel import Session, select

from kezek import auth, db
from kezek.cli.common import Subparsers, add_office_option, engine, ensure_office
from kezek.queue.models import Role, User
from kezek.settings import Settings


def _password(args: argparse.Namespace) -> str:
    if args.password:
        return str(args.password)
    if args.password_file:
        try:
            lines = Path(args.password_file).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise auth.AuthError(f"--password-file: {exc.strerror}: {args.password_file}") from None
        return lines[0] if lines else ""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise auth.AuthError("the two passwords differ")
    return first


def cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    office_id = ensure_office(settings, args.office)
    with db.transaction(engine(settings)) as session:
        user = auth.create_user(
            session, office_id, args.username, _password(args), args.role, args.name or ""
        )
        print(f"user {user.username} ({user.role}) added")
    return 0


def cmd_user_list(args: argparse.Namespace, settings: Settings) -> int:
    office_id = ensure_office(settings, args.office)
    with db.reading(engine(settings)) as session:
        for user in session.exec(
            select(User).where(User.office_id == office_id).order_by(User.username)
        ):
            print(f"{user.username:20} {user.role:11} {'active' if user.active else 'disabled'}")
    return 0


def _user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None:
        raise auth.AuthError(f"no user {username!r}")
    return user


def cmd_user_passwd(args: argparse.Namespace, settings: Settings) -> int:
    ensure_office(settings)
    with db.transaction(engine(settings)) as session:
        auth.set_password(session, _user(session, args.username), _password(args))
    print("password changed")
    return 0


def _password_options(parser: argparse.ArgumentParser) -> None:
    given = parser.add_mutually_exclusive_group()
    given.add_argument(
        "--password", help="the password (visible to other users of the machine: prefer a file)"
    )
    given.add_argument(
        "--password-file",
        metavar="FILE",
        help="read the password from the first line of FILE; without either option it is "
        "asked on a terminal, or read from standard input",
    )


def add_user_commands(sub: Subparsers) -> None:
    user = sub.add_parser("user", help="staff users: add, list, change a password")
    users = user.add_subparsers(dest="user", required=True, metavar="ACTION")
    add = users.add_parser("add", help="add a staff user to an office")
    add.add_argument("username", help="1–64 letters, digits, dots or underscores")
    add.add_argument(
        "--role", choices=list(Role.__members__), default="clerk", help="(default clerk)"
    )
    add.add_argument("--name", help="the full name shown on the console")
    _password_options(add)
    add_office_option(add)
    add.set_defaults(handler=cmd_user_add)
    listing = users.add_parser("list", help="the office's users, their roles, whether active")
    add_office_option(listing)
    listing.set_defaults(handler=cmd_user_list)
    passwd = users.add_parser("passwd", help="set a user's password")
    passwd.add_argument("username", help="the user")
    _password_options(passwd)
    passwd.set_defaults(handler=cmd_user_passwd)
