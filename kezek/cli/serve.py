"""``kezek serve``: checks the installation, migrates, binds the socket, then says where it
serves (never before the bind succeeded) and hands the socket to uvicorn."""

from __future__ import annotations

import argparse
import socket

from sqlmodel import select

from kezek import db, demo, installation
from kezek.cli.common import bounded, engine, ensure_offices
from kezek.queue.models import User
from kezek.settings import Settings


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, or one line saying why not."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ValueError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def logins(settings: Settings) -> str:
    """The demo's logins where they exist; with no user at all, how to add the first."""
    with db.reading(engine(settings)) as session:
        present = demo.demo_logins(session)
        anyone = session.exec(select(User.id).limit(1)).first() is not None
    if present:
        return f"Demo logins (password {demo.DEMO_PASSWORD!r}): {', '.join(present)}"
    if not anyone:
        return "No staff user yet: add the first admin with  kezek user add NAME --role admin"
    return ""


def serve_limits(args: argparse.Namespace) -> dict[str, int]:
    """Slow or idle clients cannot hold the server: a bound on open connections (over it,
    503) and on how long an idle keep-alive connection stays open."""
    return {"limit_concurrency": args.max_connections, "timeout_keep_alive": args.keep_alive}


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    problem = installation.missing()
    if problem:
        raise ValueError(problem)
    offices = ensure_offices(settings)
    config = uvicorn.Config(
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
    sock = bind(args.host, args.port)
    base = f"http://{args.host}:{args.port}"
    prefixes = "".join(f"\n  office {slug}: {base}/o/{slug}/" for slug in list(offices)[1:])
    print(
        f"""
Kezek is serving the {next(iter(offices))!r} office on {base}
  kiosk:    {base}/kiosk/
  display:  {base}/display/
  staff:    {base}/staff/
  phone pages and the API: {base}/api/openapi.json{prefixes}
{logins(settings)}
""",
        flush=True,
    )
    server = uvicorn.Server(config)
    if args.workers > 1:
        Multiprocess(config, sockets=[sock]).run()
        return 0
    config.load_app()
    server.run(sockets=[sock])
    return 0 if server.started else 1


def add_serve_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="migrate, then serve the app (one office or several)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=bounded(1, 65535), default=8000, help="port (8000)")
    serve.add_argument(
        "--workers",
        type=bounded(1, 64),
        default=1,
        help="processes (default 1; more only on PostgreSQL: SQLite's live events stay in one)",
    )
    serve.add_argument(
        "--max-connections",
        type=bounded(1, 100_000),
        default=500,  # displays and consoles each hold one event stream
        help="open connections per worker before new ones get 503 (default 500)",
    )
    serve.add_argument(
        "--keep-alive",
        type=bounded(1, 3600),
        default=5,
        help="seconds an idle connection stays open (default 5)",
    )
    serve.add_argument(
        "--proxy-headers",
        action="store_true",
        help="trust X-Forwarded-For/-Proto (behind a reverse proxy on this machine)",
    )
    serve.set_defaults(handler=cmd_serve)
