"""``pdsa cases list|add|close|import``: the cases of a case measure."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from pdsa_tui.analysis.cases import CaseState, case_state, case_states
from pdsa_tui.cli.app_options import add_db_option
from pdsa_tui.cli.commands import find_measure, open_store, read_csv_file
from pdsa_tui.cli.errors import EXIT_DATA, CliError
from pdsa_tui.cli.output import print_json, print_table
from pdsa_tui.model import Case, Measure, ValidationError, format_date, from_form, ref_key
from pdsa_tui.model import dates as dates_mod
from pdsa_tui.model.csvcases import COLUMNS_HELP, read_cases_csv
from pdsa_tui.store import Store

HELP = "list, add, close or import the cases of a case measure"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``cases`` and its actions to the parser."""
    cases = sub.add_parser("cases", help=HELP, description=HELP)
    add_db_option(cases)
    csub = cases.add_subparsers(dest="cases_command", metavar="ACTION", required=True)

    p = csub.add_parser("list", help="print the cases with their deadlines and status")
    p.add_argument("--measure", required=True, metavar="NAME_OR_ID")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    add_db_option(p)
    p.set_defaults(func=cmd_list)

    p = csub.add_parser("add", help="add one case")
    p.add_argument("--measure", required=True, metavar="NAME_OR_ID")
    p.add_argument("--ref", required=True, help="the case-management reference, e.g. C-1042")
    p.add_argument("--start", required=True, metavar="DATE", help="the start event's date")
    p.add_argument("--end", metavar="DATE", help="the milestone's date, if reached")
    p.add_argument("--team", metavar="T", help="team or locality")
    p.add_argument("--note", metavar="N", help="a note (never a name)")
    p.add_argument(
        "--lead", metavar="WORKER", help="the worker who leads the case (shown in their My work)"
    )
    add_db_option(p)
    p.set_defaults(func=cmd_add)

    p = csub.add_parser("close", help="record the date a case reached its milestone")
    p.add_argument("--measure", required=True, metavar="NAME_OR_ID")
    p.add_argument("--ref", required=True)
    p.add_argument("--end", required=True, metavar="DATE", help="the milestone's date")
    add_db_option(p)
    p.set_defaults(func=cmd_close)

    p = csub.add_parser(
        "import",
        help=f"import a month's extract: CSV columns {COLUMNS_HELP}; all rows or none",
        description=(
            f"Import cases from a CSV with columns {COLUMNS_HELP}. A known reference "
            "updates its case, a new one adds a case. All rows or none; errors name the line."
        ),
    )
    p.add_argument("--measure", required=True, metavar="NAME_OR_ID")
    p.add_argument("file", metavar="FILE.csv")
    add_db_option(p)
    p.set_defaults(func=cmd_import)


def case_measure(store: Store, text: str) -> Measure:
    """The case measure named ``text``; a measure of typed points is refused."""
    m = find_measure(store, text)
    if not m.cases:
        raise CliError(
            f"measure '{m.name}' is a measure of typed points, not of cases; "
            "use 'pdsa data' for its points",
            EXIT_DATA,
        )
    return m


def case_json(s: CaseState) -> dict[str, Any]:
    """One case as the documented JSON object."""
    c = s.case
    return {
        "id": c.id,
        "ref": c.ref,
        "start": s.start.isoformat(),
        "end": c.end.isoformat() if c.end else None,
        "deadline": s.deadline.isoformat(),
        "reminder": s.reminder.isoformat(),
        "weeks": s.weeks,
        "status": s.status,
        "team": c.team,
        "note": c.note,
        "lead": c.lead,
    }


def _state(m: Measure, case: Case) -> CaseState:
    assert m.target_weeks is not None and m.reminder_at is not None
    return case_state(case, m.target_weeks, m.reminder_at, dates_mod.today())


def _status_words(m: Measure, s: CaseState) -> str:
    weeks = f"{m.target_weeks:g}-week point {format_date(s.deadline)}"
    if s.status == "open":
        return f"open, {s.weeks:g} weeks so far; {weeks}"
    return f"{s.status}, {s.weeks:g} weeks to {m.milestone}; {weeks}"


def cmd_list(args: argparse.Namespace) -> int:
    """Print a case measure's cases."""
    with open_store(args, write=False) as store:
        m = case_measure(store, args.measure)
        states = case_states(m, store.cases(m.id), dates_mod.today())
    if args.json:
        print_json([case_json(s) for s in states])
        return 0
    print(f"{m.name}: {len(states)} case{'s' if len(states) != 1 else ''}")
    rows = [
        [
            s.case.ref,
            format_date(s.start),
            format_date(s.case.end),
            format_date(s.deadline),
            f"{s.weeks:.1f}",
            s.status + (" (reminder)" if s.past_reminder else ""),
            s.case.team,
            s.case.lead,
        ]
        for s in states
    ]
    print_table(rows, ["ref", "start", "milestone", "deadline", "weeks", "status", "team", "lead"])
    return 0


def _parse_case(values: dict[str, str], base: Case) -> Case:
    try:
        return from_form(Case, values, base=base)
    except ValidationError as exc:
        raise CliError(str(exc) + "; nothing was saved", EXIT_DATA) from None


def cmd_add(args: argparse.Namespace) -> int:
    """Add one case."""
    with open_store(args, write=True) as store:
        m = case_measure(store, args.measure)
        values = {"ref": args.ref, "start": args.start, "end": args.end or ""}
        given = (("team", args.team), ("note", args.note), ("lead", args.lead))
        values.update({k: v for k, v in given if v})
        case = _parse_case(values, Case(measure_id=m.id))
        saved = store.measure_data.save_case(m, case)
        state = _state(m, saved)
    print(f"Added case {saved.ref} to '{m.name}' ({_status_words(m, state)}).")
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    """Record a case's milestone date."""
    with open_store(args, write=True) as store:
        m = case_measure(store, args.measure)
        case = store.find_case(m, args.ref)
        if case is None:
            known = [c.ref for c in store.cases(m.id)]
            shown = ", ".join(known[:8]) or "none yet"
            if len(known) > 8:
                shown += f" and {len(known) - 8} more"
            raise CliError(
                f"measure '{m.name}' has no case '{args.ref}' (known: {shown}); "
                "add it with 'pdsa cases add'",
                EXIT_DATA,
            )
        was = case.end
        closed = _parse_case({"end": args.end}, case)
        saved = store.measure_data.save_case(m, closed)
        state = _state(m, saved)
    before = f" (was {format_date(was)})" if was and was != saved.end else ""
    print(
        f"Closed case {saved.ref}: {m.milestone} on {format_date(saved.end)}{before}; "
        f"{_status_words(m, state)}."
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import cases from a CSV, all rows or none."""
    path = Path(args.file)
    text = read_csv_file(path)
    with open_store(args, write=True) as store:
        m = case_measure(store, args.measure)
        plan = read_cases_csv(text, str(path), {ref_key(c.ref): c for c in store.cases(m.id)})
        if plan.errors:
            raise CliError(f"{plan.first_error()}; nothing was imported", EXIT_DATA)
        changed = [
            dataclasses.replace(r.case, measure_id=m.id) for r in plan.rows if r.action != "same"
        ]
        if changed:
            store.measure_data.save_cases(m, changed)
    print(f"Imported {path} into '{m.name}': {plan.summary()}.")
    return 0
