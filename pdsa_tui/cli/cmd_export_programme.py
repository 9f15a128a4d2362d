"""``pdsa export --programme`` (the governance pack) and ``--meeting ID`` (minutes)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from pdsa_tui.cli.app_options import db_path
from pdsa_tui.cli.commands import open_store
from pdsa_tui.cli.errors import EXIT_DATA, EXIT_USAGE, CliError
from pdsa_tui.cli.outfile import export_format, output_target, write_output
from pdsa_tui.model import dates, format_date, parse_date
from pdsa_tui.model.programme import Meeting
from pdsa_tui.store import Store, StoreError


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options this module handles."""
    p.add_argument(
        "--programme",
        action="store_true",
        help="the governance pack: summary, aims, meetings, self-assessment "
        "(md/html/json/docx/pdf)",
    )
    p.add_argument("--meeting", metavar="ID", help="one meeting's minutes (md/html/docx/pdf)")
    p.add_argument(
        "--since",
        metavar="DATE",
        help="with --programme: meetings on or after DATE (default: since the last pack)",
    )


def chosen(args: argparse.Namespace) -> bool:
    """Whether the command is for this module."""
    return bool(
        getattr(args, "programme", False)
        or getattr(args, "meeting", None)
        or getattr(args, "since", None) is not None
    )


def find_meeting(store: Store, key: str) -> Meeting:
    """The meeting with this id or id prefix (4 characters or more)."""
    text = key.strip()
    hits = [
        m for m in store.meetings() if m.id == text or (len(text) >= 4 and m.id.startswith(text))
    ]
    if len(hits) == 1:
        return hits[0]
    raise CliError(
        f"no meeting '{key}'"
        + (" (several match; give more of the id)" if hits else "")
        + "; 'pdsa meeting list' shows them with their ids",
        EXIT_DATA,
    )


def run(args: argparse.Namespace) -> int:
    """Write the pack or the minutes; nothing is written on any error."""
    from pdsa_tui.cli.cmd_export_papers import render_error, template_path
    from pdsa_tui.report.papers import PAPER_FORMATS, minutes_bytes, pack_bytes
    from pdsa_tui.report.programme import MINUTES_FORMATS, PACK_FORMATS

    if args.since is not None and not args.programme:
        raise CliError("--since goes with --programme", EXIT_USAGE)
    others = [
        n for n, v in (("--aim", args.aim), ("--cycle", args.cycle), ("--all", args.all)) if v
    ]
    if args.programme and args.meeting:
        others.insert(0, "--meeting")
    if others:
        first = "--programme" if args.programme else "--meeting"
        raise CliError(f"give {first} on its own, not with {' and '.join(others)}", EXIT_USAGE)
    if args.programme:
        fmt = export_format(args, PACK_FORMATS, "pack.html", "the governance pack")
    else:
        fmt = export_format(args, MINUTES_FORMATS, "minutes.html", "minutes")
    template = template_path(args, fmt)
    since = None
    if args.since is not None:
        try:
            since = parse_date(args.since)
        except ValueError as exc:
            raise CliError(f"--since: {exc}", EXIT_DATA) from None
    path = output_target(args, "pack.html")
    today = dates.today()
    with open_store(args, write=False) as store:
        try:
            if args.meeting:
                meeting = find_meeting(store, args.meeting)
                data = minutes_bytes(store, meeting, fmt=fmt, template=template)
                what = f"minutes of {meeting.title}"
            else:
                prog = store.programme()
                if since is None and prog is not None:
                    since = prog.report_since(today)
                data = pack_bytes(store, since=since, today=today, fmt=fmt, template=template)
                what = "governance pack" + (
                    f" (meetings since {format_date(since)})" if since else ""
                )
        except (RuntimeError, ValueError) as exc:
            raise render_error(exc) from None
    text: str | bytes = data if fmt in PAPER_FORMATS else data.decode("utf-8")
    written = write_output(path, text, force=args.force)
    if written is None:
        return 0
    print(f"Wrote the {what} to {written}")
    if args.programme:
        _remember_pack(args, today, since)
    return 0


def _remember_pack(args: argparse.Namespace, today: dt.date, since: dt.date | None) -> None:
    """Record the pack's day and period, so the next pack starts from it (a warning if not)."""
    try:
        with Store.open(db_path(args)) as store:
            prog = store.programme()
            if prog is not None and (done := prog.packed(today, since)) != prog:
                store.save(done)
    except StoreError as exc:
        print(
            f"pdsa: note: the pack was written, but its date was not recorded ({exc}); "
            "give --since next time",
            file=sys.stderr,
        )
