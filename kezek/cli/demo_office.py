"""``kezek demo``: the demo office's logins and a simulated Tuesday–Friday history.

Its logins share a public password, so it refuses a real office (a profile other than
``demo``) and a database with staff of its own, unless ``--force``."""

from __future__ import annotations

import argparse

from kezek import db, demo, profile_sync
from kezek.cli.common import add_office_option, bounded, engine, ensure_office, pick, progress_bar
from kezek.settings import Settings

DEMO_SLUG = "demo"
MAX_DAYS = 2080  # ten years of working days


def _refuse(why: str) -> ValueError:
    return ValueError(
        f"demo refused: {why}: the demo adds logins with the public password "
        f"{demo.DEMO_PASSWORD!r} (--force to do it anyway)"
    )


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    profile = pick(settings, args.office)
    if profile.slug != DEMO_SLUG and not args.force:
        raise _refuse(f"the {profile.slug!r} office is not the demo profile (KEZEK_PROFILE=demo)")
    office_id = ensure_office(settings, args.office)
    eng = engine(settings)
    with db.reading(eng) as session:
        done = args.if_empty and demo.has_history(session, office_id)
        own = demo.own_users(session)
    if done:
        print("the demo office already has its history")
        return 0
    if own and not args.force:
        raise _refuse(f"the database has users of its own ({', '.join(own[:5])})")
    written = demo.load(
        eng,
        office_id,
        profile.zone,
        days=args.days,
        today=profile_sync.clock(profile).business_day(),
        seed=args.seed,
        progress=None if args.quiet else progress_bar("demo history"),
        order=profile_sync.call_order(profile),  # issue 17: the profile's call order
    )
    print(
        f"demo: {written} tickets over {args.days} working days; logins "
        f"{', '.join(u for u, _, _ in demo.DEMO_USERS)} / {demo.DEMO_PASSWORD}"
    )
    return 0


def add_demo_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dem = sub.add_parser(
        "demo", help="the demo office: its logins and a simulated history (demo profile only)"
    )
    dem.add_argument(
        "--days",
        type=bounded(1, MAX_DAYS),
        default=208,
        help=f"working days of history, 1 to {MAX_DAYS} (default 208: a year)",
    )
    dem.add_argument("--if-empty", action="store_true", help="only when there is no history yet")
    dem.add_argument("--seed", type=int, default=2008, help="the simulation's seed (default 2008)")
    dem.add_argument("--quiet", action="store_true", help="no progress bar")
    dem.add_argument(
        "--force",
        action="store_true",
        help="load it on another profile, or beside users of the office's own",
    )
    add_office_option(dem)
    dem.set_defaults(handler=cmd_demo)
