"""``pdsa merge OTHER.json``: bring back a copy of the database edited elsewhere."""

from __future__ import annotations

import argparse
from pathlib import Path

from pdsa_tui.cli.errors import EXIT_DATA, CliError
from pdsa_tui.store import StoreError
from pdsa_tui.store.merge import MergeResult


def cmd_merge(args: argparse.Namespace) -> int:
    """Merge OTHER into the database (OTHER is only read)."""
    from pdsa_tui.cli.commands import open_store
    from pdsa_tui.cli.output import print_json

    other = Path(args.other).expanduser()
    with open_store(args, write=not args.dry_run) as store:
        try:
            result = store.versions.merge_file(other, dry_run=args.dry_run)
        except StoreError as exc:
            raise CliError(" ".join(str(exc).split()), EXIT_DATA) from None
    if args.json:
        print_json(result.as_json())
        return 0
    counts = result.as_json()
    summary = ", ".join(f"{counts[k]} {k}" for k in ("added", "updated", "deleted", "conflicts"))
    print(f"merged {args.other}: {summary}{' (dry run: nothing written)' if args.dry_run else ''}")
    if args.dry_run:
        for line in planned_lines(result):
            print(line)
    return 0


def planned_lines(result: MergeResult) -> list[str]:
    """One line per record a merge would add, change or delete: what, which table, its title."""
    from pdsa_tui.model.registry import noun
    from pdsa_tui.store.versions import doc_title

    verbs = {"added": "add", "changed": "change", "deleted": "delete"}
    lines = []
    for action, table, doc in sorted(result.items, key=lambda i: (i[0], i[1], doc_title(i[2]))):
        lines.append(
            f"  would {verbs[action]:<6} {noun(table)} '{doc_title(doc)}' ({doc.get('id', '')})"
        )
    return lines


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``merge`` to the parser."""
    from pdsa_tui.cli.app_options import add_db_option

    p = sub.add_parser(
        "merge",
        help="merge a copy of the database edited elsewhere (the copy is never written)",
    )
    p.add_argument("other", metavar="OTHER.json", help="the other copy")
    p.add_argument("--dry-run", action="store_true", help="say what would change; write nothing")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    add_db_option(p)
    p.set_defaults(func=cmd_merge)
