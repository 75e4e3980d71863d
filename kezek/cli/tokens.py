"""``kezek token create USER [--expires DAYS] [--points cab1,cab4] | list [USER] | revoke ID``.

Issue 14 §5. Registered in ``kezek.cli.EXTENSIONS``; the admin pages do the same.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from sqlmodel import select

from kezek import db, tokens
from kezek.cli.common import engine, ensure_office
from kezek.queue.models import User
from kezek.settings import Settings


def cmd_create(args: argparse.Namespace, settings: Settings) -> int:
    office_id = ensure_office(settings)
    with db.transaction(engine(settings)) as session:
        name = args.username.strip().lower()
        user = session.exec(
            select(User).where(User.username == name, User.office_id == office_id)
        ).first()
        if user is None:
            raise tokens.TokenError(f"no user {args.username!r}")
        print(tokens.create(session, user, days=args.expires, points=args.points).secret)
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    office_id = ensure_office(settings)
    with db.reading(engine(settings)) as session:
        print(f"{'id':>5}  {'user':20} {'scope':20} {'expires (UTC)':17} last used (UTC)")
        for token, user in tokens.listed(session, office_id, args.username or ""):
            print(
                f"{token.id:>5}  {user.username:20} {token.points or 'all points':20} "
                f"{_when(token.expires_at):17} {_when(token.last_used_at)}"
            )
    return 0


def _when(at: datetime | None) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if at else "never"


def cmd_revoke(args: argparse.Namespace, settings: Settings) -> int:
    office_id = ensure_office(settings)
    with db.transaction(engine(settings)) as session:
        if not tokens.revoke(session, office_id, args.id):
            raise tokens.TokenError(f"no live token {args.id}")
    print(f"token {args.id} revoked")
    return 0


def add_token_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("token", help="API tokens: create, list, revoke")
    token = group.add_subparsers(dest="token", required=True, metavar="ACTION")
    create = token.add_parser("create", help="print a new API token for a user (shown once)")
    create.add_argument("username", help="the user the token acts as")
    create.add_argument(
        "--expires",
        type=int,
        default=tokens.DEFAULT_DAYS,
        metavar="DAYS",
        help=f"days until it expires (default {tokens.DEFAULT_DAYS}, at most {tokens.MAX_DAYS})",
    )
    create.add_argument(
        "--points", default="", help="service points it may act on, e.g. cab1,cab4 (default all)"
    )
    create.set_defaults(handler=cmd_create)
    listing = token.add_parser("list", help="live tokens: id, user, scope, expiry, last use")
    listing.add_argument("username", nargs="?", help="only this user's tokens")
    listing.set_defaults(handler=cmd_list)
    revoke = token.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("id", type=int, help="the token's id, as token list shows it")
    revoke.set_defaults(handler=cmd_revoke)
