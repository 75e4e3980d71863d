"""``kezek doctor``: the checks of ``/readyz`` on the command line, with what to do about each.

The printers are asked for their status now (the command has no last known state); the
exit status is 1 when any check fails, 0 otherwise (warnings included).
"""

from __future__ import annotations

import argparse

from kezek import db, health
from kezek.display.voice import Voice
from kezek.settings import ProfileError, Settings, load_profile


def printer_now(url: str, spool_dir: str) -> str:
    """A printer's condition read now, as ``health.printer`` names it."""
    from kezek.kiosk.talon_jobs import resolve_spool
    from kezek.printing.send import printer_status

    try:
        status = printer_status(resolve_spool(url, spool_dir), timeout=2.0)
    except Exception:  # a bad URL or a fault: the printer cannot be used
        return "offline"
    if status.online is False:
        return "offline"
    return status.paper


def checks(settings: Settings) -> list[health.Check]:
    try:
        engine = db.make_engine(settings.database_url)
    except Exception as exc:  # a malformed URL: its kind, never the URL (a password)
        found = [
            health.Check(
                "database",
                health.FAIL,
                f"KEZEK_DATABASE_URL cannot be used ({type(exc).__name__})",
                "set KEZEK_DATABASE_URL to sqlite:///PATH or postgresql+psycopg://…",
            )
        ]
    else:
        found = health.basics(engine)
        engine.dispose()
    for name in (n.strip() for n in settings.profile.split(",") if n.strip()):
        try:
            profile = load_profile(name)
        except ProfileError as exc:
            found.append(
                health.Check(f"profile {name}", health.FAIL, str(exc), "check KEZEK_PROFILE")
            )
            continue
        found.append(health.Check(f"profile {profile.slug}", health.OK, "loaded"))
        for printer, url in health.printer_names(profile).items():
            condition = printer_now(url, settings.spool_dir)
            found.append(health.printer(f"{profile.slug}:{printer}", condition))
    chosen = settings.voice_engine
    found.append(health.voice(Voice(None if chosen == "off" else chosen)))
    return found


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    found = checks(settings)
    width = max(len(c.name) for c in found)
    for check in found:
        print(f"{check.status.upper():4}  {check.name:{width}}  {check.detail}")
        if check.status != health.OK and check.fix:
            print(f"{'':4}  {'':{width}}  -> {check.fix}")
    verdict = health.overall(found)
    print("ready to serve" if verdict == health.OK else "not ready: fix the FAIL lines above")
    return 0 if verdict == health.OK else 1


def add_doctor_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    doctor = sub.add_parser("doctor", help="check the installation (as /readyz does)")
    doctor.set_defaults(handler=cmd_doctor)
