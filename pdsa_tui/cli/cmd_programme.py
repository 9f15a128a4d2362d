"""``pdsa programme show|set``: the PACE group's record (leads, members, cadences, governance)."""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from pdsa_tui.cli.app_options import add_db_option
from pdsa_tui.cli.commands import open_store
from pdsa_tui.cli.errors import EXIT_DATA, CliError
from pdsa_tui.cli.output import print_json
from pdsa_tui.model import Programme, ValidationError, choices, dates, from_form, to_form
from pdsa_tui.store import Store


def visible(text: str) -> str:
    """``text`` with control characters shown as stand-ins (``pdsa_tui.model.safetext``)."""
    from pdsa_tui.model.safetext import visible as shown

    return shown(text)


def no_programme(store: Store) -> CliError:
    """The error for a file that has no programme yet."""
    return CliError(
        f"{store.path} has no programme yet; set one up with 'pdsa programme set --name NAME' "
        "or in the app (p on the aims overview)",
        EXIT_DATA,
    )


def programme_json(store: Store) -> dict[str, Any]:
    """The programme, its aims' leads and cadences, and what is due, as JSON-ready data."""
    from pdsa_tui.analysis.programme import meetings_due, overdue_actions

    prog = store.programme()
    if prog is None:
        raise no_programme(store)
    now = dates.today()
    meetings = store.meetings()
    return {
        "id": prog.id,
        "name": prog.name,
        "pace_lead": prog.pace_lead,
        "data_lead": prog.data_lead,
        "missing_leads": prog.missing_leads(),
        "members": [dataclasses.asdict(m) for m in prog.members],
        "leads_cadence": prog.leads_cadence,
        "governance": {"to": prog.governance_to, "cadence": prog.governance_cadence},
        "localities": list(prog.localities),
        "aims": [
            {
                "id": a.id,
                "code": a.code,
                "lead": a.lead,
                "group_cadence": a.group_cadence,
                "status": a.status,
            }
            for a in store.aims()
        ],
        "next_meetings": [
            {
                "group": d.group,
                "cadence": d.cadence,
                "last": d.last.isoformat() if d.last else None,
                "due": d.due.isoformat() if d.due else None,
            }
            for d in meetings_due(prog, store.aims(), meetings)
        ],
        "overdue_actions": len(overdue_actions(meetings, now)),
        "last_pack": prog.last_pack.isoformat() if prog.last_pack else None,
        "notes": prog.notes,
    }


def cmd_show(args: argparse.Namespace) -> int:
    """Print the programme."""
    with open_store(args, write=False) as store:
        data = programme_json(store)
        if args.json:
            print_json(data)
            return 0
        lines = [visible(data["name"])]
        for label, key in (("PACE lead", "pace_lead"), ("Data lead", "data_lead")):
            value = visible(data[key]) or "(not named: the template calls this role crucial)"
            lines.append(f"{label}: {value}")
        cad = choices.label(choices.CADENCES, data["leads_cadence"]) or "not set"
        lines.append(f"Leads group meets: {cad}")
        gov = data["governance"]
        if gov["to"]:
            how = choices.label(choices.CADENCES, gov["cadence"]).lower() or "cadence not set"
            lines.append(f"Reports to: {visible(gov['to'])}, {how}")
        else:
            lines.append("Reports to: (no governance line recorded)")
        lines.append(f"Localities: {visible(', '.join(data['localities'])) or '(none)'}")
        lines.append(f"Members ({len(data['members'])}):")
        for m in data["members"]:
            agency = choices.label(choices.AGENCIES, m["agency"]) or "agency not given"
            lines.append(
                f"  {visible(m['name'])} - {visible(m['role']) or 'role not given'} ({agency})"
            )
        lines.append(f"Aims ({len(data['aims'])}):")
        for a in data["aims"]:
            cad = choices.label(choices.CADENCES, a["group_cadence"]).lower() or "cadence not set"
            lines.append(
                f"  {visible(a['code'])}: lead {visible(a['lead']) or '(none)'}; group meets {cad}"
            )
        from pdsa_tui.analysis.programme import meetings_due

        for d in meetings_due(store.programme(), store.aims(), store.meetings()):
            lines.append(visible(d.text(dates.today())))
        if data["overdue_actions"]:
            n = data["overdue_actions"]
            lines.append(f"{n} open action{'s' if n != 1 else ''} past due ('pdsa meeting list')")
        print("\n".join(lines))
    return 0


_SET_FIELDS = {
    "name": "name",
    "pace_lead": "pace_lead",
    "data_lead": "data_lead",
    "leads_cadence": "leads_cadence",
    "governance_to": "governance_to",
    "governance_cadence": "governance_cadence",
    "localities": "localities",
    "notes": "notes",
}


def cmd_set(args: argparse.Namespace) -> int:
    """Create or change the programme (only the fields given change)."""
    with open_store(args, write=True) as store:
        base = store.programme()
        values = to_form(base) if base is not None else {}
        given = {
            f: getattr(args, a) for a, f in _SET_FIELDS.items() if getattr(args, a) is not None
        }
        if args.member is not None:
            given["members"] = "\n".join(args.member)
        if not given:
            raise CliError("nothing to set; give at least one option (see --help)", 2)
        values.update(given)
        try:
            record = from_form(Programme, values, base=base)
        except ValidationError as exc:
            raise CliError(_flags(exc), EXIT_DATA) from None
        saved = store.save(record)
        verb = "Updated" if base is not None else "Created"
        print(f"{verb} the programme '{visible(saved.name)}' in {store.path}")
    return 0


def _flags(exc: ValidationError) -> str:
    """A validation error naming the command-line options rather than form labels."""
    flag = {"members": "member"}
    return "; ".join(
        f"--{flag.get(e.field, e.field).replace('_', '-')}: {e.message}" for e in exc.errors
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``programme show|set`` to the parser."""
    prog = sub.add_parser("programme", help="show or set the programme (team, leads, cadences)")
    add_db_option(prog)
    psub = prog.add_subparsers(dest="programme_command", metavar="ACTION", required=True)
    p = psub.add_parser("show", help="print the programme")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_db_option(p)
    p.set_defaults(func=cmd_show)

    cadences = ", ".join(choices.CADENCES)
    p = psub.add_parser("set", help="create the programme or change its fields")
    p.add_argument("--name")
    p.add_argument("--pace-lead", metavar="TEXT")
    p.add_argument("--data-lead", metavar="TEXT")
    p.add_argument("--leads-cadence", metavar="CADENCE", help=f"one of: {cadences}")
    p.add_argument("--governance-to", metavar="TEXT", help="to whom the group reports")
    p.add_argument("--governance-cadence", metavar="CADENCE", help=f"one of: {cadences}")
    p.add_argument("--localities", metavar="LIST", help="comma-separated, e.g. 'North, South'")
    p.add_argument(
        "--member",
        action="append",
        metavar="'NAME | ROLE | AGENCY'",
        help="a member (repeat for each; replaces the list)",
    )
    p.add_argument("--notes", metavar="TEXT")
    add_db_option(p)
    p.set_defaults(func=cmd_set)
