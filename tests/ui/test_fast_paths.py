"""The speed-ups of issue 16 keep their behaviour: one parse at open (two if the file
changed meanwhile), the garbage collector paused and always resumed, the app's entry
point with run options (what the start-up benchmark runs), the collector paused until the
first screen and tuned after it, the app's arguments parsed
and its first screen drawn without importing the subcommands or the forms."""

from __future__ import annotations

import gc
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import Programme

from pdsa_tui.cli.errors import EXIT_USAGE
from pdsa_tui.memory import APP_THRESHOLDS, StartUp, paused_gc
from pdsa_tui.model import Aim
from pdsa_tui.report.export import export_text
from pdsa_tui.store import Store, atomic_write
from pdsa_tui.store import opening as opening_module


def test_paused_gc_pauses_and_resumes_even_nested_and_on_error() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # only the outermost block resumes it
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


def test_start_up_pauses_the_collector_until_the_first_screen_then_tunes_it() -> None:
    before = gc.get_threshold()
    start = StartUp()
    try:
        assert not gc.isenabled()
        start.done()
        assert gc.isenabled() and gc.get_threshold() == APP_THRESHOLDS
        assert gc.get_freeze_count() > 0
        start.done()  # once only
    finally:
        start.end()
        gc.unfreeze()
    assert gc.isenabled() and gc.get_threshold() == before


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    parsed: list[bytes] = []
    real = opening_module.parse_records

    def counting(path: Path, raw: bytes) -> tuple[dict[str, Any], Any, Any]:
        parsed.append(raw)
        return real(path, raw)

    monkeypatch.setattr(opening_module, "parse_records", counting)
    return parsed


def test_a_writable_open_parses_an_unchanged_file_once(
    tmp_db: Path, programme: Programme, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = _count_parses(monkeypatch)
    with Store.open(tmp_db) as again:
        assert not again.read_only
        assert again.get(Aim, programme.aim.id).code == programme.aim.code
    assert len(parsed) == 1


def test_a_file_saved_by_another_copy_during_the_open_is_read_again(
    tmp_db: Path, programme: Programme, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    shutil.copyfile(tmp_db, elsewhere)
    with Store.open(elsewhere, user="other") as other:
        added = other.save(Aim(code="Aim 9", statement="saved while the file was opened"))
    newer = elsewhere.read_bytes()
    parsed = _count_parses(monkeypatch)
    real_read = opening_module.read_file

    def read_then_other_copy_saves(path: Path) -> bytes:
        raw = real_read(path)
        if len(parsed) == 0:  # between the first read and the read under the lock
            atomic_write(path, newer)
        return raw

    monkeypatch.setattr(opening_module, "read_file", read_then_other_copy_saves)
    with Store.open(tmp_db) as opened:
        assert opened.get(Aim, added.id).code == "Aim 9"
        assert opened.get(Aim, programme.aim.id).code == programme.aim.code
    assert len(parsed) == 2 and parsed[1] == newer


def test_export_resumes_the_collector(store: Store, programme: Programme) -> None:
    text = export_text(store, all=True, fmt="html")
    assert programme.aim.code in text
    assert gc.isenabled()


def test_app_entry_point_takes_run_options(tmp_db: Path, programme: Programme) -> None:
    """``ui.app.run`` as the start-up benchmark runs it: headless, with an auto-pilot."""
    from pdsa_tui.ui.app import run
    from pdsa_tui.ui.screens.overview import OverviewScreen

    seen: list[str] = []

    async def pilot(p: Any) -> None:
        await p.pause()
        # The first screen is drawn: the collector is back, tuned for the app.
        assert gc.isenabled() and gc.get_threshold() == APP_THRESHOLDS
        seen.append(type(p.app.screen).__name__)
        seen.append(p.app.store.get(Aim, programme.aim.id).code)
        p.app.exit()

    thresholds = gc.get_threshold()
    try:
        assert run(tmp_db, headless=True, auto_pilot=pilot, size=(100, 30)) == 0
    finally:
        gc.unfreeze()  # run() froze this test process's objects, as it does the app's
    assert seen == [OverviewScreen.__name__, programme.aim.code]
    assert gc.isenabled() and gc.get_threshold() == thresholds  # as before the app


def test_opening_the_app_parses_without_importing_subcommands() -> None:
    """``pdsa --db PATH`` needs none of the subcommands' modules."""
    code = (
        "import sys; from pdsa_tui.cli import parse_args; "
        "a = parse_args(['--db', 'x.json', '--user', 'check', '--read-only']); "
        "print(a.db, a.user, a.read_only, a.demo, getattr(a, 'func', None)); "
        "print(sorted(m for m in sys.modules if m.startswith('pdsa_tui.cli.cmd_')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["x.json check True False None", "[]"]


FIRST_SCREEN = """
import sys
from pathlib import Path

from pdsa_tui.cli import parse_args
from pdsa_tui.ui.app import run

LATER = ("pdsa_tui.ui.dialogs.modals", "pdsa_tui.ui.widgets.fields", "pdsa_tui.cli.commands",
         "pdsa_tui.model.csvseries", "pdsa_tui.store.csvfile", "importlib.resources",
         # Word and PDF board papers: imported when such an export runs, never at start.
         "docx", "typst", "lxml", "pdsa_tui.report.paper_docx", "pdsa_tui.report.paper_typst",
         "pdsa_tui.report.summary", "pdsa_tui.ui.screens.summary")


async def ready(pilot):
    await pilot.pause()
    print(type(pilot.app.screen).__name__, [m for m in LATER if m in sys.modules])
    pilot.app.exit()


run(Path(parse_args(["--db", sys.argv[1]]).db), headless=True, auto_pilot=ready, size=(100, 30))
"""


def test_the_first_screen_imports_no_form_and_no_subcommand(
    tmp_db: Path, store: Store, programme: Programme
) -> None:
    """Forms, dialogs and the subcommands' modules are imported when first used, not at start
    (nor importlib.resources: the self-assessment template is read beside its module; nor
    python-docx, Typst and lxml: only a Word or PDF export loads them)."""
    out = subprocess.run(
        [sys.executable, "-c", FIRST_SCREEN, str(tmp_db)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert out.strip().splitlines()[-1] == "OverviewScreen []"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--db", "x.json", "frobnicate"], "invalid choice: 'frobnicate'"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--db"], "argument --db: expected one argument"),
    ],
)
def test_usage_errors_are_those_of_the_full_parser(argv: list[str], expected: str) -> None:
    from pdsa_tui.cli import CliError, parse_args

    with pytest.raises(CliError, match=re.escape(expected)) as info:
        parse_args(argv)
    assert info.value.status == EXIT_USAGE


def test_help_still_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    from pdsa_tui.cli import parse_args

    with pytest.raises(SystemExit):
        parse_args(["--db", "x.json", "--help"])
    text = capsys.readouterr().out
    for command in ("demo", "check", "list", "data", "analyse", "export", "merge", "cases"):
        assert command in text


def test_a_subcommand_still_parses_with_the_db_before_it() -> None:
    from pdsa_tui.cli import parse_args

    args = parse_args(["--db", "x.json", "list", "aims", "--json"])
    assert args.db == "x.json" and args.func is not None


REVIEW_FIRST = """
import sys
from pathlib import Path

from pdsa_tui.ui.app import run


async def ready(pilot):
    await pilot.pause()
    from pdsa_tui.ui.screens.review import ReviewScreen

    await pilot.app.push_screen(ReviewScreen())
    await pilot.pause()
    later = ("pdsa_tui.ui.screens.cycle", "pdsa_tui.ui.screens.programme")
    print(type(pilot.app.screen).__name__, [m for m in later if m in sys.modules])
    pilot.app.exit()


run(Path(sys.argv[1]), headless=True, auto_pilot=ready, size=(100, 30))
"""


def test_the_review_queue_opens_without_the_cycle_form_or_programme_modules(
    tmp_db: Path, store: Store, programme: Programme
) -> None:
    """The cycle form's module (tabs, text areas) loads when a cycle is opened from the queue,
    the programme screen's when a meeting is recorded: not with the queue."""
    out = subprocess.run(
        [sys.executable, "-c", REVIEW_FIRST, str(tmp_db)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert out.strip().splitlines()[-1] == "ReviewScreen []"


def test_each_command_is_registered_by_the_module_named_for_it() -> None:
    """COMMAND_MODULES says, for every command, the module whose register() adds it, and
    lists every command the full parser has, in its order."""
    import argparse
    import importlib

    from pdsa_tui.cli import COMMAND_MODULES, build_parser
    from pdsa_tui.cli.parser import Parser

    full = build_parser()
    (action,) = (a for a in full._actions if isinstance(a, argparse._SubParsersAction))
    assert list(action.choices) == list(COMMAND_MODULES)
    for name in dict.fromkeys(COMMAND_MODULES.values()):
        parser = Parser(prog="pdsa")
        sub = parser.add_subparsers(dest="command", parser_class=Parser)
        importlib.import_module(f"pdsa_tui.cli.{name}").register(sub)
        assert {c for c, m in COMMAND_MODULES.items() if m == name} == set(sub.choices)


def test_a_command_imports_its_own_module_and_no_other_command() -> None:
    """``pdsa --db X export ...`` parses with export's module alone (the others cost start-up)."""
    code = (
        "import sys; from pdsa_tui.cli import parse_args; "
        "a = parse_args(['--db', 'x.json', 'export', '--all', '--format', 'md', '-o', 'out.md']); "
        "print(a.command, a.db, a.all, a.fmt); "
        "from pdsa_tui.cli import COMMAND_MODULES as M; "
        "print(sorted(m for m in set(M.values()) if f'pdsa_tui.cli.{m}' in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    # commands.py holds open_store, which every command uses.
    assert out == ["export x.json True md", "['cmd_export', 'commands']"]


def test_a_bad_option_of_a_command_is_refused_as_before() -> None:
    from pdsa_tui.cli import CliError, parse_args

    with pytest.raises(CliError, match=re.escape("unrecognized arguments: --bogus")) as info:
        parse_args(["export", "--all", "-o", "out.md", "--bogus"])
    assert info.value.status == EXIT_USAGE
