"""Subcommands that work on a database: demo, check, list, data."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pdsa_tui.cli.app_options import add_db_option, db_path
from pdsa_tui.cli.ending import keep_to_the_end
from pdsa_tui.cli.errors import EXIT_DATA, EXIT_USAGE, CliError
from pdsa_tui.cli.output import print_json, print_table
from pdsa_tui.memory import paused_gc
from pdsa_tui.model import (
    Aim,
    ChangeIdea,
    Cycle,
    Measure,
    Record,
    ValidationError,
    format_date,
    point_from_form,
)
from pdsa_tui.model.registry import TABLES, counted
from pdsa_tui.model.safetext import visible
from pdsa_tui.store import (
    DatabaseNotFoundError,
    MissingParentError,
    Store,
    StoreError,
    lock_path,
)
from pdsa_tui.store.csvfile import read_csv_text
from pdsa_tui.store.errors import CsvFileError, what_to_do


@contextlib.contextmanager
def open_store(args: argparse.Namespace, *, write: bool) -> Iterator[Store]:
    """Open the database for a command, turning storage errors into one-line CLI errors."""
    path = db_path(args)
    # The records live until the command ends: frozen, the collector never walks them
    # (its first pass after the open would walk every one of them). Only when nothing
    # else is frozen: thawing at the end must not thaw what a caller froze.
    freeze = gc.get_freeze_count() == 0
    try:
        with paused_gc():
            store = Store.open(path, read_only=not write, user=getattr(args, "user", None))
            if freeze:
                gc.freeze()
    except DatabaseNotFoundError:
        raise CliError(
            f"no database at {path}; create one with 'pdsa demo {path}' or by opening 'pdsa'"
            " (or pass --db PATH)",
            EXIT_DATA,
        ) from None
    except StoreError as exc:
        raise CliError(str(exc), EXIT_DATA) from None
    if write and store.read_only:
        store.close()
        if freeze:
            gc.unfreeze()
        raise CliError(f"{store.path} cannot be changed: {store.read_only_reason}", EXIT_DATA)
    try:
        yield store
    except MissingParentError as exc:  # saved under a record another copy deleted
        raise CliError(exc.cli_text(), EXIT_DATA) from None
    except (StoreError, ValidationError) as exc:
        raise CliError(str(exc), EXIT_DATA) from None
    finally:
        store.close()
        for line in store.copy_notices:  # conflict copies a sync service made, now merged
            print(f"pdsa: {visible(line)}", file=sys.stderr)
        store.copy_notices.clear()
        if freeze:
            gc.unfreeze()


def _one_line(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


# -- demo ------------------------------------------------------------------------
def cmd_demo(args: argparse.Namespace) -> int:
    """Write the demo programme to a new file."""
    from pdsa_tui.demo import write_demo

    path = Path(args.path).expanduser()
    if path.exists() or path.is_symlink():
        raise CliError(f"{path} already exists; pdsa demo never overwrites a file", EXIT_DATA)
    try:
        write_demo(path)
    except FileExistsError:
        raise CliError(
            f"{path} already exists; pdsa demo never overwrites a file", EXIT_DATA
        ) from None
    except (OSError, StoreError) as exc:
        _remove_leftovers(path)
        if isinstance(exc, StoreError):
            raise CliError(str(exc), EXIT_DATA) from None
        raise CliError(
            f"could not write {path}: {exc.strerror or exc}; nothing was written. "
            f"{what_to_do(exc)}",
            EXIT_DATA,
        ) from None
    with Store.open(path, read_only=True) as store:
        counts = store.counts()
    print(f"Wrote the demo programme to {path}: {_counts_text(counts)}.")
    print(f"Open it with: pdsa --db {path}")
    return 0


def _remove_leftovers(path: Path) -> None:
    """After a failed ``pdsa demo``: the database and its lock file, so nothing is left."""
    real = Path(os.path.realpath(path))
    with contextlib.suppress(OSError):
        real.unlink()
    with contextlib.suppress(OSError):
        lock_path(real).unlink()


def _counts_text(counts: dict[str, int]) -> str:
    """The aims and their work: '2 aims, 5 measures, 40 data points, ...' (zeros too)."""
    parts = []
    for table in ("aims", "measures", "points", "ideas", "cycles", "feedback", "cases"):
        n = counts[table]
        if table == "points":
            parts.append(f"{n} data point{'' if n == 1 else 's'}")
        else:
            parts.append(counted(table, n))
    return ", ".join(parts)


def _programme_counts_text(counts: dict[str, int]) -> str:
    """The records around the cycles (programme, meetings, drivers, ...), those present only."""
    around = [t for t in TABLES if t not in ("aims", "measures", "ideas", "cycles", "feedback")]
    return ", ".join(counted(t, counts[t]) for t in around if t != "cases" and counts.get(t))


# -- check -------------------------------------------------------------------------
def cmd_check(args: argparse.Namespace) -> int:
    """Verify the database and print its counts."""
    with open_store(args, write=False) as store:
        # Read-only, nothing to save: the process may end without freeing the records.
        keep_to_the_end(store)
        problems = store.problems()
        from pdsa_tui.store import SCHEMA_VERSION

        version = f"schema version {store.file_version}"
        if store.file_version < SCHEMA_VERSION:
            version += f" (pdsa upgrades it to {SCHEMA_VERSION} when it next opens it for writing)"
        counts = store.counts()
        print(f"{store.path}: {version}, {_counts_text(counts)}.")
        around = _programme_counts_text(counts)
        if around:
            print(f"Around the cycles: {around}.")
        if problems:
            for p in problems:
                print(f"problem: {p}", file=sys.stderr)
            n = len(problems)
            raise CliError(f"{n} problem{'s' if n != 1 else ''} found in {store.path}", EXIT_DATA)
        print("OK: the file parses and every reference resolves.")
        _print_other_copies(store)
    return 0


def _print_other_copies(store: Store) -> None:
    """Other files of this programme beside it: sync services' conflict copies (merged at the
    next open to write) and copies made on purpose (merged only when asked)."""
    from pdsa_tui.store import copies

    for f in copies.waiting_copies(store.path, store.identity()):
        print(
            f"A conflicting copy made by {visible(f.describe())} waits to be merged: "
            f"{visible(f.path.name)} (pdsa merges it when it next opens this file to write: "
            "the app, or any command that saves)"
        )
    others = copies.same_programme_files(store.path, store.identity())
    for other in others:
        print(
            f"Another copy of this programme: {visible(other.name)} "
            f"(merge it with 'pdsa merge {visible(str(other))}')"
        )


# -- list --------------------------------------------------------------------------
def _live(store: Store) -> list[Measure]:
    """Every measure, a case measure with its derived monthly points."""
    from pdsa_tui.analysis.cases import live_measures
    from pdsa_tui.model import Case
    from pdsa_tui.model.dates import today

    return live_measures(store.measures(), store.all(Case), today())


def cmd_list(args: argparse.Namespace) -> int:
    """List records with their ids."""
    with open_store(args, write=False) as store:
        aims = {a.id: a for a in store.all(Aim)}
        ideas = {i.id: i for i in store.all(ChangeIdea)}
        rows: list[dict[str, Any]]
        if args.what == "aims":
            rows = [
                {
                    "id": a.id,
                    "code": a.code,
                    "name": a.code,
                    "statement": a.statement,
                    "target_pct": a.target_pct,
                    "cohort_from": a.cohort_from.isoformat() if a.cohort_from else None,
                    "deadline": a.deadline.isoformat() if a.deadline else None,
                    "lead": a.lead,
                    "status": a.status,
                    "updated": a.updated,
                    "updated_by": a.updated_by,
                }
                for a in store.aims()
            ]
            text = [[r["id"], r["code"], r["status"], _one_line(r["statement"])] for r in rows]
            headers = ["id", "code", "status", "statement"]
        elif args.what == "measures":
            rows = [
                {
                    "id": m.id,
                    "name": m.name,
                    "aim": aims[m.aim_id].code if m.aim_id in aims else None,
                    "aim_id": m.aim_id,
                    "type": m.type,
                    "unit": m.unit,
                    "direction": m.direction,
                    "goal": m.goal,
                    "points": len(m.points),
                    "cases": m.cases,
                    "updated": m.updated,
                    "updated_by": m.updated_by,
                }
                for m in _live(store)
            ]
            text = [
                [r["id"], r["aim"] or "?", r["type"], str(r["points"]), r["name"]] for r in rows
            ]
            headers = ["id", "aim", "type", "points", "name"]
        elif args.what == "ideas":
            rows = [
                {
                    "id": i.id,
                    "title": i.title,
                    "name": i.title,
                    "aim": aims[i.aim_id].code if i.aim_id in aims else None,
                    "aim_id": i.aim_id,
                    "lead": i.lead,
                    "status": i.status,
                    "cycles": len(store.cycles(i.id)),
                    "updated": i.updated,
                    "updated_by": i.updated_by,
                }
                for i in store.ideas()
            ]
            text = [
                [r["id"], r["aim"] or "?", r["status"], str(r["cycles"]), r["title"]] for r in rows
            ]
            headers = ["id", "aim", "status", "cycles", "title"]
        else:
            rows = []
            for c in sorted(
                store.all(Cycle),
                key=lambda c: (ideas[c.idea_id].title if c.idea_id in ideas else "", c.number),
            ):
                idea = ideas.get(c.idea_id)
                aim = aims.get(idea.aim_id) if idea else None
                rows.append(
                    {
                        "id": c.id,
                        "title": c.title,
                        "idea": idea.title if idea else None,
                        "idea_id": c.idea_id,
                        "aim": aim.code if aim else None,
                        "number": c.number,
                        "stage": c.stage,
                        "objective": c.objective,
                        "planned_start": c.planned_start.isoformat() if c.planned_start else None,
                        "planned_end": c.planned_end.isoformat() if c.planned_end else None,
                        "decision": c.decision or None,
                        "updated": c.updated,
                        "updated_by": c.updated_by,
                    }
                )
            text = [
                [
                    r["id"],
                    r["aim"] or "?",
                    str(r["number"]),
                    r["stage"],
                    _one_line(f"{r['idea']}: {r['objective']}"),
                ]
                for r in rows
            ]
            headers = ["id", "aim", "#", "stage", "idea: objective"]
    if args.json:
        print_json(rows)
    else:
        print_table(text, headers)
    return 0


# -- data ----------------------------------------------------------------------------
def find_measure(store: Store, text: str) -> Measure:
    """The measure ``text`` names; a deleted one says who deleted it and how to restore it."""
    try:
        return store.find_measure(text)
    except StoreError as exc:
        raise deleted_record_error(store, Measure, text) or CliError(str(exc), EXIT_DATA) from None


def deleted_record_error(store: Store, cls: type[Record], text: str) -> CliError | None:
    """If ``text`` names a deleted ``cls`` (its title or id), the error to give instead of
    "not found": who deleted it when, and the ``pdsa restore`` command that brings it back."""
    try:
        rid = store.versions.find(text)
    except StoreError:
        return None
    gone = {g["id"] for g in store.versions.deleted() if g["table"] == cls.TABLE}
    if rid not in gone:
        return None
    return CliError(store.versions.missing_parent(cls, cls, rid).cli_text(), EXIT_DATA)


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def _check_kind(m: Measure, ratio: bool) -> None:
    """Refuse to mix values and numerator/denominator pairs in one measure."""
    from pdsa_tui.model.csvseries import kind_clash  # only the data commands read series

    clash = kind_clash(m, ratio)
    if clash:
        raise CliError(f"{clash}; nothing was added", EXIT_DATA)


def point_json(p: Any) -> dict[str, Any]:
    """A data point as the documented JSON object."""
    out: dict[str, Any] = {"id": p.id, "date": p.date.isoformat()}
    if p.value is not None:
        out["value"] = _num(p.value)
    else:
        out["numerator"] = _num(p.numerator)
        out["denominator"] = _num(p.denominator)
    out["note"] = p.note
    out["updated_by"] = p.updated_by
    if p.baseline_end:
        out["baseline_end"] = True
    if p.rebase_after:
        out["rebase_after"] = True
    if p.observations:
        out["observations"] = [_num(v) for v in p.observations]
    return out


def _refuse_case_measure(m: Measure) -> None:
    """Typed points cannot go into a case measure: its points come from its cases."""
    if m.cases:
        raise CliError(
            f"measure '{m.name}' is a case measure: its points are derived from its cases; "
            "add or import cases with 'pdsa cases add' or 'pdsa cases import'",
            EXIT_DATA,
        )


def cmd_data_list(args: argparse.Namespace) -> int:
    """Print a measure's data points (a case measure's derived monthly points)."""
    from pdsa_tui.analysis.cases import with_derived_points
    from pdsa_tui.model.dates import today

    with open_store(args, write=False) as store:
        m = find_measure(store, args.measure)
        m = with_derived_points(m, store.cases(m.id), today())
        points = m.sorted_points()
    if args.json:
        print_json([point_json(p) for p in points])
        return 0
    unit = "%" if m.unit == "percent" else f" {m.unit}"
    print(f"{m.name} ({len(points)} points)")
    rows = []
    for p in points:
        y = p.y
        shown = "" if y is None else f"{y:.1f}{unit}" if m.unit == "percent" else f"{y:g}{unit}"
        ratio = f"{p.numerator:g}/{p.denominator:g}" if p.value is None else ""
        marks = " ".join(
            m for m, on in (("[baseline ends]", p.baseline_end), ("[rebase]", p.rebase_after)) if on
        )
        rows.append([format_date(p.date), shown, ratio, " ".join(x for x in (p.note, marks) if x)])
    print_table(rows, ["date", "value", "num/den", "note"])
    return 0


def cmd_data_add(args: argparse.Namespace) -> int:
    """Add one data point."""
    has_value = args.value is not None
    has_ratio = args.numerator is not None or args.denominator is not None
    if has_value == has_ratio:
        raise CliError(
            "give either --value V or both --numerator N and --denominator D", EXIT_USAGE
        )
    if has_ratio and (args.numerator is None or args.denominator is None):
        raise CliError("--numerator and --denominator go together; give both", EXIT_USAGE)
    with open_store(args, write=True) as store:
        m = find_measure(store, args.measure)
        _refuse_case_measure(m)
        try:
            point = point_from_form(
                date=args.date,
                value=args.value or "",
                numerator=args.numerator or "",
                denominator=args.denominator or "",
                note=args.note or "",
                unit=m.unit,
            )
        except ValidationError as exc:
            raise CliError(str(exc), EXIT_DATA) from None
        _check_kind(m, point.value is None)
        from pdsa_tui.model.csvseries import date_taken

        taken = date_taken(m, point)
        if taken:
            raise CliError(f"{taken}; edit it in the app or choose another date", EXIT_DATA)
        store.measure_data.add_point(m, point)
    print(f"Added {format_date(point.date)} to '{m.name}' ({len(m.points) + 1} points).")
    return 0


def read_csv_file(path: Path) -> str:
    """The text of a CSV file to import; a one-line CLI error when it cannot be read."""
    try:
        return read_csv_text(path)
    except CsvFileError as exc:
        raise CliError(str(exc), EXIT_DATA) from None


def cmd_data_import(args: argparse.Namespace) -> int:
    """Import points from a CSV, all rows or none."""
    path = Path(args.file)
    text = read_csv_file(path)
    with open_store(args, write=True) as store:
        m = find_measure(store, args.measure)
        _refuse_case_measure(m)
        from pdsa_tui.model.csvseries import plan_import

        plan = plan_import(text, str(path), m)
        if plan.errors:
            raise CliError(f"{plan.errors[0]}; nothing was imported", EXIT_DATA)
        store.measure_data.add_points(m, plan.points)
    n = len(plan.rows)
    print(f"Imported {n} point{'s' if n != 1 else ''} into '{m.name}' from {path}.")
    return 0


# -- the app ---------------------------------------------------------------------------
def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add demo, check, list and data to the parser."""
    from pdsa_tui.cli import cmd_data_delete

    p = sub.add_parser("demo", help="write the demo programme to a new database file")
    p.add_argument("path", metavar="PATH", help="where to write it (must not exist)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("check", help="verify the database and print its counts")
    add_db_option(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("list", help="list aims, measures, change ideas or cycles with their ids")
    p.add_argument(
        "what",
        choices=["aims", "measures", "ideas", "cycles"],
        metavar="aims|measures|ideas|cycles",
    )
    p.add_argument("--json", action="store_true", help="print a JSON array")
    add_db_option(p)
    p.set_defaults(func=cmd_list)

    data = sub.add_parser("data", help="list, add or import a measure's data points")
    add_db_option(data)  # also accepted between 'data' and its action
    dsub = data.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    p = dsub.add_parser("list", help="print a measure's data points")
    p.add_argument("--measure", required=True, metavar="NAME_OR_ID")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    add_db_option(p)
    p.set_defaults(func=cmd_data_list)

    p = dsub.add_parser("add", help="add one data point")
    p.add_argument("--measure", required=True, metavar="NAME_OR_ID")
    p.add_argument("--date", required=True, help="e.g. 01/02/2019 (day first) or 2019-02-01")
    p.add_argument("--value", metavar="V")
    p.add_argument("--numerator", metavar="N")
    p.add_argument("--denominator", metavar="D")
    p.add_argument("--note", metavar="TEXT")
    add_db_option(p)
    p.set_defaults(func=cmd_data_add)

    cmd_data_delete.register(dsub)

    p = dsub.add_parser(
        "import",
        help="import points from a CSV (date,value or date,numerator,denominator; optional note)",
    )
    p.add_argument("--measure", required=True, metavar="NAME_OR_ID")
    p.add_argument("file", metavar="FILE.csv")
    add_db_option(p)
    p.set_defaults(func=cmd_data_import)
