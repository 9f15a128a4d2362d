"""``pdsa meeting list``: the programme's meetings, newest first."""

from __future__ import annotations

import argparse

from pdsa_tui.cli.app_options import add_db_option
from pdsa_tui.cli.cmd_programme import visible
from pdsa_tui.cli.commands import open_store
from pdsa_tui.cli.output import print_json
from pdsa_tui.model import choices, format_date


def cmd_list(args: argparse.Namespace) -> int:
    """Print the meetings."""
    with open_store(args, write=False) as store:
        meetings = store.meetings()
        rows = [
            {
                "id": m.id,
                "date": m.date.isoformat() if m.date else None,
                "kind": m.kind,
                "aim": m.aim,
                "present": list(m.present),
                "decisions": len(m.decided()),
                "actions": len(m.actions),
            }
            for m in meetings
        ]
        if args.json:
            print_json(rows)
            return 0
        if not rows:
            print("(no meetings recorded)")
            return 0
        for m in meetings:
            kind = choices.label(choices.MEETING_KINDS, m.kind)
            if m.kind == "aim" and m.aim:
                kind = f"{m.aim} group"
            open_n = sum(1 for a in m.actions if not a.done)
            print(
                visible(
                    f"{m.id[:8]}  {format_date(m.date)}  {kind}: {len(m.present)} present, "
                    f"{len(m.decided())} decisions, {len(m.actions)} actions ({open_n} open)"
                )
            )
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``meeting list`` to the parser."""
    meeting = sub.add_parser("meeting", help="list the programme's meetings")
    add_db_option(meeting)
    msub = meeting.add_subparsers(dest="meeting_command", metavar="ACTION", required=True)
    p = msub.add_parser("list", help="the meetings, newest first")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    add_db_option(p)
    p.set_defaults(func=cmd_list)
