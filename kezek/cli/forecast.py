"""``kezek forecast --date YYYY-MM-DD [--target PERCENT] [--backtest DAYS]``: the hourly plan
of a coming day (issue 19) — forecast arrivals with their 80 % band, the cabinets the
simulation and Erlang C recommend, the predicted share within 40 minutes — and the two
backtests: the forecast against "the same slot a week earlier", and the simulation of past
days with their own staffing against their 1.2. Progress goes to standard error.
Registered in ``kezek.cli.EXTENSIONS``.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta

from sqlmodel import Session

from kezek import db, i18n, profile_sync
from kezek.cli.common import (
    Subparsers,
    add_office_option,
    bounded,
    engine,
    ensure_office,
    pick,
    progress_bar,
)
from kezek.forecast import arrivals, plan
from kezek.queue.clock import Clock
from kezek.queue.errors import QueueError
from kezek.settings import Settings


def _percent(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = -1.0
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError("expected a percentage from 1 to 100")
    return value


def add_forecast_command(sub: Subparsers) -> None:
    cmd = sub.add_parser("forecast", help="the hourly plan of a day: arrivals and cabinets")
    cmd.add_argument(
        "--date", dest="day", type=date.fromisoformat, required=True, help="YYYY-MM-DD"
    )
    cmd.add_argument(
        "--target",
        type=_percent,
        help="1.2 to staff for, %% (default: the year's target, else the profile's)",
    )
    cmd.add_argument("--runs", type=bounded(1, 200), default=12, help="simulated days (12)")
    cmd.add_argument(
        "--backtest",
        type=bounded(0, 400),
        default=0,
        metavar="DAYS",
        help="also simulate the DAYS days before --date with their own staffing (0: no)",
    )
    cmd.add_argument("--lang", choices=list(i18n.LANGUAGES), default="ru", help="language (ru)")
    add_office_option(cmd)
    cmd.add_argument("--quiet", action="store_true", help="no progress bar")
    cmd.set_defaults(handler=cmd_forecast)


def cmd_forecast(args: argparse.Namespace, settings: Settings) -> int:
    office_id = ensure_office(settings, args.office)
    profile = pick(settings, args.office)
    clock = profile_sync.clock(profile)
    _ = i18n.Translator(args.lang)
    minutes = min(s.target_wait_minutes for s in profile.services)
    eng = engine(settings)
    try:
        plan.check_day(clock, args.day, clock.business_day())
        with db.reading(eng) as session:
            target = args.target or plan.target_of(
                session, office_id, args.day.year, profile.plan_target_percent
            )
            inputs = plan.load_inputs(session, clock, office_id, args.day)
            bar = None if args.quiet else progress_bar("plan")
            day = plan.day_plan(inputs, clock, args.day, target, minutes, args.runs, bar)
            _print_plan(day, _)
            tested = arrivals.backtest(inputs.counts, clock)
            print(
                _(
                    "Forecast backtest, %(days)s days: mean absolute error %(mae)s a slot; "
                    "the same slot a week earlier: %(naive)s.",
                    days=len(tested.days),
                    mae=f"{tested.mae:.2f}",
                    naive=f"{tested.naive_mae:.2f}",
                )
            )
            if args.backtest:
                _print_backtest(session, clock, office_id, args, minutes, _)
    except QueueError as exc:
        raise ValueError(_(exc.message, **exc.params)) from None
    finally:
        eng.dispose()
    return 0


def _print_plan(day: plan.DayPlan, _: i18n.Translator) -> None:
    print(_("Plan for %(day)s, target %(target)s %%", day=day.day, target=f"{day.target * 100:g}"))
    print(_("hour  visits (likely range)  cabinets  Erlang C  within"))
    for h in day.hours:
        line = f"{h.hour:02d}:00 {h.arrivals:6.1f} ({h.low}–{h.high})".ljust(28)
        line += f"{h.cabinets:5d} {h.erlang:9d} {h.within * 100:8.1f} %"
        print(line)
        if h.note:
            print("      " + _(h.note, cv=day.cv_text))
    print(
        _(
            "Predicted 1.2: %(share)s %%; expected longest wait %(minutes)s min.",
            share=f"{day.outcome.day_share * 100:.1f}",
            minutes=round(day.outcome.longest),
        )
    )


def _print_backtest(
    session: Session,
    clock: Clock,
    office_id: int,
    args: argparse.Namespace,
    minutes: int,
    _: i18n.Translator,
) -> None:
    end = args.day - timedelta(days=1)
    bar = None if args.quiet else progress_bar("backtest")
    past = plan.model_backtest(
        session,
        clock,
        office_id,
        end - timedelta(days=args.backtest - 1),
        end,
        minutes,
        progress=bar,
    )
    print(_("day         predicted  actual  visits"))
    for found in past:
        print(
            f"{found.day}  {found.predicted * 100:8.1f} %"
            f" {found.actual * 100:6.1f} % {found.visits:6d}"
        )
    if past:
        error = sum(abs(p.predicted - p.actual) for p in past) / len(past)
        print(
            _(
                "Mean absolute error of the predicted 1.2: %(error)s points.",
                error=f"{error * 100:.1f}",
            )
        )
