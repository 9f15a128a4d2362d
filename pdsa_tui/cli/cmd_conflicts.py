"""``pdsa conflicts`` and ``pdsa history``: what copies disagreed on, and every record's past."""

from __future__ import annotations

import argparse
from typing import Any

from pdsa_tui.cli.errors import EXIT_USAGE, CliError
from pdsa_tui.store.versions import shown_value


def shown(value: Any, width: int = 70) -> str:
    """A stored value on one line, control characters made visible."""
    return shown_value(value, width)


def cmd_conflicts(args: argparse.Namespace) -> int:
    """List unresolved conflicts, or resolve one."""
    from pdsa_tui.cli.commands import open_store
    from pdsa_tui.cli.output import print_json

    if getattr(args, "conflicts_command", None) == "resolve":
        if (args.take is None) == (args.text is None):
            raise CliError(
                "give --take VALUE_INDEX (0, 1, ... as listed), or --text TEXT (a text "
                "field's value made from both)",
                EXIT_USAGE,
            )
        with open_store(args, write=True) as store:
            if args.text is not None:
                doc = store.versions.combine_conflict(args.record_id, args.field, args.text)
            else:
                doc = store.versions.resolve_conflict(args.record_id, args.field, args.take)
        kept = "saved the text given" if args.text is not None else f"kept value {args.take}"
        print(f"Resolved '{args.field}' of {doc['id']}: {kept}.")
        return 0
    with open_store(args, write=False) as store:
        rows = store.versions.conflicts()
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("No conflicts.")
        return 0
    for row in rows:
        print(f"{row['table']} {row['id']} ({shown(row['title'], 40)}): field {row['field']}")
        for v in row["values"]:
            who = v["updated_by"] or "?"
            print(f"  [{v['index']}] {shown(v['value'])}  ({who}, {v['updated']})")
    n = len(rows)
    print(
        f"{n} conflict{'s' if n != 1 else ''}; keep one value with: "
        "pdsa conflicts resolve ID FIELD --take INDEX"
    )
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """Print the versions of one record, newest first."""
    from pdsa_tui.cli.commands import open_store
    from pdsa_tui.cli.output import print_json, print_table

    with open_store(args, write=False) as store:
        versions = store.versions.history(store.versions.find(args.record_id))
    if args.json:
        print_json([v.as_json() for v in versions])
        return 0
    rows = [
        [
            v.rev,
            v.updated,
            shown(v.updated_by or "?", 20),
            "(deleted)" if v.deleted else ", ".join(v.changed),
        ]
        for v in versions
    ]
    print_table(rows, ["rev", "updated", "updated_by", "changed"])
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Bring back a deleted record, or make an earlier version of one its newest."""
    from pdsa_tui.cli.commands import open_store
    from pdsa_tui.store.versions import doc_title

    with open_store(args, write=True) as store:
        doc = store.versions.restore(store.versions.find(args.record_id), args.version)
    which = f"version {args.version}" if args.version else "its last version"
    print(f"Restored {doc['id']} ({shown(doc_title(doc), 40)}) to {which}.")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``conflicts``, ``history`` and ``restore`` to the parser."""
    from pdsa_tui.cli.app_options import add_db_option

    p = sub.add_parser("conflicts", help="list (or resolve) edits of one field by two copies")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    add_db_option(p)
    csub = p.add_subparsers(dest="conflicts_command", metavar="resolve")
    r = csub.add_parser("resolve", help="keep one of a conflict's values")
    r.add_argument("record_id", metavar="ID", help="the record's id")
    r.add_argument("field", metavar="FIELD", help="the field, as 'pdsa conflicts' names it")
    r.add_argument(
        "--take", type=int, metavar="VALUE_INDEX", help="which value to keep (0, 1, ... as listed)"
    )
    r.add_argument(
        "--text",
        metavar="TEXT",
        help="instead of --take, on a text field: the value to keep, e.g. both values edited "
        "into one",
    )
    add_db_option(r)
    r.set_defaults(func=cmd_conflicts)
    p.set_defaults(func=cmd_conflicts)

    p = sub.add_parser("history", help="a record's versions, newest first (who, when, what)")
    p.add_argument(
        "record_id",
        metavar="RECORD",
        help="the record's title, case reference or id (deleted ones too)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON array")
    add_db_option(p)
    p.set_defaults(func=cmd_history)

    p = sub.add_parser(
        "restore", help="bring back a deleted record, or an earlier version of one (see history)"
    )
    p.add_argument(
        "record_id",
        metavar="RECORD",
        help="the record's title, case reference or id (deleted ones too)",
    )
    p.add_argument(
        "--version", metavar="REV", help="the version to restore, as 'pdsa history ID' lists it"
    )
    add_db_option(p)
    p.set_defaults(func=cmd_restore)
