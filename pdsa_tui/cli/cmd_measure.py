"""``pdsa measure add``: a measure of typed points, or a case measure (``--cases``)."""

from __future__ import annotations

import argparse

from pdsa_tui.cli.app_options import add_db_option
from pdsa_tui.cli.commands import deleted_record_error, open_store
from pdsa_tui.cli.errors import EXIT_DATA, EXIT_USAGE, CliError
from pdsa_tui.model import Aim, Measure, ValidationError, from_form
from pdsa_tui.store import StoreError

HELP = "add a measure to an aim (typed points, or cases with --cases)"
DESCRIPTION = (
    "Add a measure to an aim. A measure of typed points takes --type, --unit, --direction "
    "and --goal. A case measure (--cases) takes its data as cases: --start-event, "
    "--milestone and --target-weeks (and --reminder-weeks, default half the target); its "
    "unit is percent and higher is better, its monthly points derived from the cases."
)
_CASE_ONLY = ("start_event", "milestone", "target_weeks", "reminder_weeks")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``measure add`` to the parser."""
    measure = sub.add_parser("measure", help=HELP, description=DESCRIPTION)
    add_db_option(measure)
    msub = measure.add_subparsers(dest="measure_command", metavar="ACTION", required=True)
    p = msub.add_parser("add", help=HELP, description=DESCRIPTION)
    p.add_argument("--aim", required=True, metavar="CODE_OR_ID", help="e.g. 'Aim 2'")
    p.add_argument("--name", required=True)
    p.add_argument("--type", metavar="TYPE", help="outcome (default), process or balancing")
    p.add_argument("--unit", metavar="UNIT", help="percent (default), count, days, weeks, rate")
    p.add_argument("--direction", metavar="DIR", help="up (default), down or neutral")
    p.add_argument("--goal", metavar="N", help="the value you aim for")
    p.add_argument("--definition", metavar="TEXT", help="operational definition")
    p.add_argument("--source", metavar="TEXT", help="data source")
    p.add_argument("--frequency", metavar="TEXT", help="e.g. monthly (the default)")
    p.add_argument(
        "--rules",
        metavar="R",
        help="rule set for signals: default (the programme's; the default), anhoej, ihi or "
        "mdc (Making Data Count)",
    )
    p.add_argument(
        "--cannot-be-negative",
        action="store_const",
        const="yes",
        help="the values cannot go below 0: no control limit below 0",
    )
    p.add_argument("--multiply", metavar="K", help="e.g. 1000 to show a rate per 1,000")
    p.add_argument("--cases", action="store_true", help="a case measure: its data are cases")
    p.add_argument("--start-event", metavar="TEXT", help="e.g. 'accommodated'")
    p.add_argument("--milestone", metavar="TEXT", help="e.g. 'permanence recommendation'")
    p.add_argument("--target-weeks", metavar="N", help="e.g. 30")
    p.add_argument("--reminder-weeks", metavar="N", help="default: half the target")
    add_db_option(p)
    p.set_defaults(func=cmd_add)


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def cmd_add(args: argparse.Namespace) -> int:
    """Add one measure."""
    options = dict.fromkeys([*Measure.POINT_FIELDS, *Measure.CASE_FIELDS])
    given = {n: getattr(args, n) for n in options if getattr(args, n, None) is not None}
    if args.cases:
        wrong = [n for n in ("unit", "direction") if n in given]
        wrong = [n for n in wrong if given[n].strip().lower() not in ("percent", "up")]
        if wrong:
            raise CliError(
                f"a case measure is percent, higher is better (met / due); "
                f"leave out {_flag(wrong[0])}",
                EXIT_USAGE,
            )
        given.pop("unit", None)
        given.pop("direction", None)
        given.setdefault("frequency", "monthly")
    else:
        extra = [n for n in _CASE_ONLY if n in given]
        if extra:
            raise CliError(f"{_flag(extra[0])} is for a case measure; add --cases", EXIT_USAGE)
    with open_store(args, write=True) as store:
        try:
            aim = store.find_aim(args.aim)
        except StoreError as exc:
            gone = deleted_record_error(store, Aim, args.aim)
            raise gone or CliError(str(exc), EXIT_DATA) from None
        try:
            base = Measure(aim_id=aim.id, cases=bool(args.cases))
            measure = from_form(Measure, given, base=base)
        except ValidationError as exc:
            raise CliError(_with_flags(exc) + "; nothing was saved", EXIT_DATA) from None
        taken = [
            m for m in store.measures(aim.id) if m.name.strip().lower() == measure.name.lower()
        ]
        if taken:
            raise CliError(
                f"{aim.code} already has a measure called '{taken[0].name}' ({taken[0].id}); "
                "choose another name",
                EXIT_DATA,
            )
        saved = store.save(measure)
    if saved.cases:
        print(
            f"Added case measure '{saved.name}' to {aim.code} ({saved.id}): "
            f"{saved.start_event} to {saved.milestone} within {saved.target_weeks:g} weeks, "
            f"reminder at {saved.reminder_at:g} weeks. Add cases with 'pdsa cases add'."
        )
    else:
        print(f"Added measure '{saved.name}' to {aim.code} ({saved.id}).")
    return 0


def _with_flags(exc: ValidationError) -> str:
    """The errors, each naming the option to change."""
    return "; ".join(f"{_flag(e.field)}: {e.message}" for e in exc.errors)
