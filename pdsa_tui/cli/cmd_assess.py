"""``pdsa assess list|set|new``: the self-sufficiency self-assessment."""

from __future__ import annotations

import argparse
from typing import Any

from pdsa_tui.cli.app_options import add_db_option
from pdsa_tui.cli.cmd_programme import visible
from pdsa_tui.cli.commands import open_store
from pdsa_tui.cli.errors import EXIT_DATA, CliError
from pdsa_tui.cli.output import print_json
from pdsa_tui.model import choices, dates, format_date, parse_date
from pdsa_tui.store import Store


def assess_rows(store: Store) -> list[dict[str, Any]]:
    """Every question with the latest assessment's answer and pdsa's evidence."""
    from pdsa_tui.analysis.programme import all_questions, evidence, facts_from, theme_name
    from pdsa_tui.store import assess

    latest = assess.latest(store)
    answers = store.answers(latest.id) if latest is not None else {}
    facts = facts_from(store, dates.today())
    rows = []
    for q in all_questions(store.questions()):
        a = answers.get(q.id)
        rows.append(
            {
                "id": q.id,
                "theme": theme_name(q.theme),
                "question": q.text,
                "status": a.status if a is not None else "not-yet",
                "notes": a.notes if a is not None else "",
                "action": a.action if a is not None else "",
                "owner": a.owner if a is not None else "",
                "review": a.review.isoformat() if a is not None and a.review else None,
                "evidence": evidence(q.evidence_key, facts),
            }
        )
    return rows


def cmd_list(args: argparse.Namespace) -> int:
    """Print every question with its status."""
    from pdsa_tui.store import assess

    with open_store(args, write=False) as store:
        rows = assess_rows(store)
        if args.json:
            print_json(rows)
            return 0
        latest = assess.latest(store)
        if latest is None:
            print(
                "No self-assessment yet: every question is 'not yet'. Start with 'pdsa assess set'."
            )
        else:
            print(f"Self-assessment of {format_date(latest.date)}")
        theme = None
        for r in rows:
            if r["theme"] != theme:
                theme = r["theme"]
                print(f"\n{theme}")
            status = choices.label(choices.ASSESS_STATUSES, r["status"])
            print(visible(f"  {r['id']:<16} {status:<14} {r['question']}"))
            if r["evidence"]:
                print(visible(f"  {'':<16} {'':<14} pdsa: {r['evidence']}"))
    return 0


def _find_question(store: Store, key: str) -> str:
    from pdsa_tui.analysis.programme import all_questions

    questions = all_questions(store.questions())
    ids = [q.id for q in questions]
    text = key.strip()
    if text in ids:
        return text
    hits = [i for i in ids if len(text) >= 4 and i.startswith(text)]
    if len(hits) == 1:
        return hits[0]
    raise CliError(
        f"no question '{key}' (template questions have ids like 'data-2'; "
        "'pdsa assess list' shows them all)",
        EXIT_DATA,
    )


def _date(flag: str, text: str) -> Any:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise CliError(f"{flag}: {exc}", EXIT_DATA) from None


def cmd_set(args: argparse.Namespace) -> int:
    """Set one question's status (and notes, action, owner, review date) in the latest round."""
    from pdsa_tui.store import assess

    fields: dict[str, Any] = {"status": args.status}
    for name in ("notes", "action", "owner"):
        value = getattr(args, name)
        if value is not None:
            fields[name] = value.strip()
    if args.review is not None:
        fields["review"] = _date("--review", args.review) if args.review.strip() else None
    with open_store(args, write=True) as store:
        qid = _find_question(store, args.id)
        with store.transaction():
            round_ = assess.current(store, dates.today())
            assess.set_answer(store, round_, qid, **fields)
        label = choices.label(choices.ASSESS_STATUSES, args.status).lower()
        print(f"Set {qid} to '{label}' in the self-assessment of {format_date(round_.date)}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    """Start a new dated round, carrying the latest answers forward."""
    from pdsa_tui.store import assess

    day = _date("--date", args.date) if args.date else dates.today()
    with open_store(args, write=True) as store:
        before = assess.latest(store)
        if before is not None and before.date is not None and day <= before.date:
            raise CliError(
                f"--date: the latest self-assessment is dated {format_date(before.date)}; "
                f"a new one must be later (got {format_date(day)})",
                EXIT_DATA,
            )
        assess.start(store, day)
        carried = " (answers carried forward from the last one)" if before else ""
        print(f"Started the self-assessment of {format_date(day)}{carried}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``assess list|set|new`` to the parser."""
    top = sub.add_parser("assess", help="the self-sufficiency self-assessment")
    add_db_option(top)
    asub = top.add_subparsers(dest="assess_command", metavar="ACTION", required=True)
    p = asub.add_parser("list", help="every question with its status and pdsa's evidence")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    add_db_option(p)
    p.set_defaults(func=cmd_list)

    p = asub.add_parser("set", help="set a question's status in the latest self-assessment")
    p.add_argument("id", metavar="ID", help="the question's id, e.g. data-2")
    p.add_argument("--status", required=True, choices=list(choices.ASSESS_STATUSES))
    p.add_argument("--notes", metavar="TEXT")
    p.add_argument("--action", metavar="TEXT", help="the next action")
    p.add_argument("--owner", metavar="TEXT", help="who takes the action")
    p.add_argument("--review", metavar="DATE", help="review by (day first, or ISO)")
    add_db_option(p)
    p.set_defaults(func=cmd_set)

    p = asub.add_parser("new", help="start a new dated self-assessment (answers carried forward)")
    p.add_argument("--date", metavar="DATE", help="its date (default: today)")
    add_db_option(p)
    p.set_defaults(func=cmd_new)
