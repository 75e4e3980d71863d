"""The one command: ``kezek serve | db upgrade | user … | token create | demo | printer test``."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence

from sqlmodel import Session, select

from kezek import auth, db, demo, profile_sync
from kezek.cli.common import engine, ensure_office, progress_bar
from kezek.cli.printer import add_printer_commands
from kezek.cli.report import add_report_command
from kezek.cli.tokens import add_token_commands
from kezek.queue.models import Role, User
from kezek.settings import ProfileError, Settings, load_profile

Handler = Callable[[argparse.Namespace, Settings], int]


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    ensure_office(settings)
    base = f"http://{args.host}:{args.port}"
    print(
        f"""
Kezek is serving the {settings.profile!r} office on {base}
  kiosk:    {base}/kiosk/
  display:  {base}/display/
  staff:    {base}/staff/
  phone pages and the API: {base}/api/openapi.json
Demo logins (password {demo.DEMO_PASSWORD!r}): {", ".join(u for u, _, _ in demo.DEMO_USERS)}
""",
        flush=True,
    )
    uvicorn.run(
        "kezek.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        server_header=False,
        log_level="info",
        proxy_headers=args.proxy_headers,
        timeout_graceful_shutdown=5,  # open event streams must not hold a restart
        limit_concurrency=serve_limits(args)["limit_concurrency"],
        timeout_keep_alive=serve_limits(args)["timeout_keep_alive"],
    )
    return 0


def serve_limits(args: argparse.Namespace) -> dict[str, int]:
    """Slow or idle clients cannot hold the server: a bound on open connections (over it,
    503) and on how long an idle keep-alive connection stays open."""
    return {"limit_concurrency": args.max_connections, "timeout_keep_alive": args.keep_alive}


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    ensure_office(settings)
    print("database is up to date")
    return 0


def cmd_db_backup(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from kezek import backup

    count = backup.backup(settings.database_url, Path(args.file))
    print(f"backed up to {args.file} ({count} tickets)")
    return 0


def cmd_db_restore(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from kezek import backup

    count = backup.restore(settings.database_url, Path(args.file))
    print(f"restored from {args.file} ({count} tickets)")
    return 0


def _password(args: argparse.Namespace) -> str:
    if args.password:
        return str(args.password)
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise auth.AuthError("the two passwords differ")
    return first


def cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    office_id = ensure_office(settings)
    with db.transaction(engine(settings)) as session:
        user = auth.create_user(
            session, office_id, args.username, _password(args), args.role, args.name or ""
        )
        print(f"user {user.username} ({user.role}) added")
    return 0


def cmd_user_list(args: argparse.Namespace, settings: Settings) -> int:
    office_id = ensure_office(settings)
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


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    office_id = ensure_office(settings)
    eng = engine(settings)
    profile = load_profile(settings.profile)
    with db.transaction(eng) as session:
        demo.ensure_users(session, office_id)
        if args.if_empty and demo.has_history(session, office_id):
            print("the demo office already has its history")
            return 0
    clock = profile_sync.clock(profile)
    written = demo.load(
        eng,
        office_id,
        profile.zone,
        days=args.days,
        today=clock.business_day(),
        seed=args.seed,
        progress=None if args.quiet else progress_bar("demo history"),
    )
    print(
        f"demo: {written} tickets over {args.days} working days; logins "
        f"{', '.join(u for u, _, _ in demo.DEMO_USERS)} / {demo.DEMO_PASSWORD}"
    )
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="kezek", description="Kezek queue system")
    sub = top.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--max-connections",
        type=int,
        default=500,  # displays and consoles each hold one event stream
        help="open connections per worker before new ones get 503 (default 500)",
    )
    serve.add_argument(
        "--keep-alive", type=int, default=5, help="seconds an idle connection stays open"
    )
    serve.add_argument(
        "--proxy-headers", action="store_true", help="trust X-Forwarded-* (behind a proxy)"
    )
    serve.set_defaults(handler=cmd_serve)

    dbp = sub.add_parser("db", help="database").add_subparsers(dest="db", required=True)
    dbp.add_parser("upgrade", help="apply migrations, load the office profile").set_defaults(
        handler=cmd_db_upgrade
    )
    back = dbp.add_parser("backup", help="online copy of the SQLite database to a new file")
    back.add_argument("file")
    back.set_defaults(handler=cmd_db_backup)
    rest = dbp.add_parser("restore", help="put a backup back (SQLite)")
    rest.add_argument("file")
    rest.set_defaults(handler=cmd_db_restore)

    user = sub.add_parser("user", help="staff users").add_subparsers(dest="user", required=True)
    add = user.add_parser("add")
    add.add_argument("username")
    add.add_argument("--role", choices=list(Role.__members__), default="clerk")
    add.add_argument("--name")
    add.add_argument("--password", help="(prompted when omitted)")
    add.set_defaults(handler=cmd_user_add)
    user.add_parser("list").set_defaults(handler=cmd_user_list)
    passwd = user.add_parser("passwd")
    passwd.add_argument("username")
    passwd.add_argument("--password")
    passwd.set_defaults(handler=cmd_user_passwd)

    dem = sub.add_parser("demo", help="load the demo office's simulated history")
    dem.add_argument("--days", type=int, default=208, help="working days (default: a year)")
    dem.add_argument("--if-empty", action="store_true", help="only when there is no history yet")
    dem.add_argument("--seed", type=int, default=2008)
    dem.add_argument("--quiet", action="store_true")
    dem.set_defaults(handler=cmd_demo)

    for extend in EXTENSIONS:
        extend(sub)
    return top


# Sub-commands that live in their own module of this package: fn(subparsers) -> None.
EXTENSIONS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = [
    add_printer_commands,
    add_report_command,
    add_token_commands,
]


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        code = args.handler(args, Settings.from_env())
    except (ProfileError, auth.AuthError, ValueError) as exc:  # BackupError is a ValueError
        print(f"kezek: {exc}", file=sys.stderr)
        code = 2
    sys.exit(code)
