"""``pdsa data delete``: delete one data point (the measure's history keeps it)."""

from __future__ import annotations

import argparse

from pdsa_tui.cli.errors import EXIT_DATA, CliError
from pdsa_tui.model import format_date, parse_date


def cmd_data_delete(args: argparse.Namespace) -> int:
    """Delete the point of a measure on one date."""
    from pdsa_tui.cli.commands import find_measure, open_store

    try:
        day = parse_date(args.date)
    except ValueError as exc:
        raise CliError(f"--date: {exc}", EXIT_DATA) from None
    with open_store(args, write=True) as store:
        m = find_measure(store, args.measure)
        hits = [p for p in m.points if p.date == day]
        if not hits:
            raise CliError(
                f"measure '{m.name}' has no point on {format_date(day)}; "
                f"'pdsa data list --measure {m.id}' shows its points",
                EXIT_DATA,
            )
        for point in hits:
            m = store.measure_data.delete_point(m, point.id)
    print(f"Deleted {format_date(day)} from '{m.name}' ({len(m.points)} points left).")
    return 0


def register(dsub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``data delete`` to the ``data`` command."""
    from pdsa_tui.cli.app_options import add_db_option

    p = dsub.add_parser("delete", help="delete a measure's point on one date")
    p.add_argument("--measure", required=True, metavar="NAME_OR_ID")
    p.add_argument("--date", required=True, help="e.g. 01/02/2019 (day first) or 2019-02-01")
    add_db_option(p)
    p.set_defaults(func=cmd_data_delete)
