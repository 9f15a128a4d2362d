"""Attacks through what users type or import (issue 10): decimal commas, ctrl+q with unsaved
typing, terminal escape injection, huge CSV fields. Each failed on main before its fix."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from test_ui_cycle import demo_cycle, open_cycle, type_text
from test_ui_measure import DAYS, form_errors, on_disk, open_measure, type_into
from ui_support import SMALL, demo_app, screen_text

from pdsa_tui.cli import main
from pdsa_tui.demo import write_demo
from pdsa_tui.model import Aim, ChangeIdea, DataPoint, Measure
from pdsa_tui.model.safetext import visible
from pdsa_tui.store import Store
from pdsa_tui.ui.dialogs.modals import ConfirmScreen
from pdsa_tui.ui.dialogs.point_form import PointForm
from pdsa_tui.ui.screens.cycle import CycleScreen

ESC = "\x1b"
CSI = "\x9b"
#: Clipboard write (OSC 52), window title, clear screen, a C1 CSI and a bell.
HOSTILE = f"{ESC}]52;c;cHduZWQ={ESC}\\ {ESC}]2;owned\x07 {ESC}[2J {CSI}31m red\x07 end"


def cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def no_controls(text: str) -> None:
    assert ESC not in text and CSI not in text and "\x07" not in text, repr(text)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "db.json"
    write_demo(path)
    return path


# -- 2. decimal commas: refused by one rule everywhere ----------------------------------------

COMMA = "has a comma; type digits with a point for decimals and no thousands separator"


@pytest.mark.parametrize("value", ["3,5", "1,000", "1.000,5"])
def test_cli_data_add_refuses_a_comma(
    capsys: pytest.CaptureFixture[str], db: Path, value: str
) -> None:
    before = db.read_bytes()
    status, _, err = cli(
        capsys, "data", "add", "--db", db, "--measure", DAYS, "--date", "1/1/2031", "--value", value
    )
    assert status == 1 and COMMA in err and f"'{value}'" in err
    assert db.read_bytes() == before


@pytest.mark.parametrize("cell", ['"1,5"', '"1.000,5"', '"1,000"'])
def test_csv_import_and_analyse_refuse_a_comma(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path, cell: str
) -> None:
    csv = tmp_path / "in.csv"
    csv.write_text(f"date,value\n01/01/2031,4\n01/02/2031,{cell}\n", encoding="utf-8")
    before = db.read_bytes()
    status, _, err = cli(capsys, "data", "import", "--db", db, "--measure", DAYS, csv)
    assert status == 1 and "line 3" in err and COMMA in err
    assert db.read_bytes() == before
    status, out, err = cli(capsys, "analyse", csv)
    assert status == 1 and "line 3" in err and COMMA in err and out == ""


async def test_tui_point_form_refuses_a_comma_and_keeps_it(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await open_measure(app, pilot, DAYS)
        before = len(on_disk(app, DAYS).points)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, PointForm)
        await type_into(pilot, "3,5")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert COMMA in form_errors(form)["value"]
        assert len(on_disk(app, DAYS).points) == before


# -- 3. ctrl+q asks when any screen holds unsaved typing ----------------------------------------


async def test_ctrl_q_asks_before_dropping_a_point_forms_typing(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await open_measure(app, pilot, DAYS)
        await pilot.press("a")
        form = app.screen
        await type_into(pilot, "120")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Quit and discard what you typed?" in screen_text(app)
        await pilot.press("ctrl+q")  # a second ctrl+q does not stack a second question
        await pilot.pause()
        assert len([s for s in app.screen_stack if isinstance(s, ConfirmScreen)]) == 1
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is form and app.return_code is None
        assert "120" in screen_text(app)
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
        assert app.return_code == 0


async def test_ctrl_q_asks_on_the_cycle_form_and_quits_at_once_when_clean(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    app.animation_level = "none"
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_cycle(app, pilot, demo_cycle(app, "do", "Permanence tracker"))
        await pilot.press("tab", "tab")
        await type_text(pilot, "half a thought")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and app.return_code is None
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and isinstance(screen, CycleScreen)
    clean = demo_app(tmp_path / "clean")
    async with clean.run_test(size=SMALL) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert clean.return_code == 0


# -- 11. terminal escape injection ------------------------------------------------------------


def test_visible_replaces_controls_but_not_newline_or_tab() -> None:
    assert visible("a\x1bb") == "a\u241bb"
    assert visible("\x00\r\x07\x7f\x9b") == "\u2400\u240d\u2407\\u007f\\u009b"
    assert visible("line\n\tindented é ü 😀") == "line\n\tindented é ü 😀"


def _poison(path: Path) -> tuple[str, str]:
    """Put HOSTILE into an aim's statement, a measure's name and a point's note."""
    with Store.open(path) as store:
        aim = store.save(Aim(code="Aim 9", statement=HOSTILE))
        m = store.save(Measure(aim_id=aim.id, name=f"evil{ESC}]2;x\x07", unit="count"))
        store.measure_data.add_point(m, DataPoint(date=dt.date(2020, 1, 1), value=1, note=HOSTILE))
        store.save(ChangeIdea(aim_id=aim.id, title=HOSTILE, lead="SW"))
        return aim.id, m.id


def test_cli_output_and_errors_show_controls_visibly(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    _, mid = _poison(db)
    for argv in (["list", "aims"], ["list", "ideas"], ["data", "list", "--measure", mid]):
        status, out, err = cli(capsys, *argv, "--db", db)
        assert status == 0, err
        no_controls(out)
        assert "\u241b]52;c;" in out
    status, out, _ = cli(capsys, "data", "list", "--measure", mid, "--db", db, "--json")
    no_controls(out)
    assert json.loads(out)[0]["note"] == HOSTILE  # JSON still holds the exact text
    status, out, _ = cli(capsys, "list", "aims", "--db", db, "--json")
    assert HOSTILE in [a["statement"] for a in json.loads(out)]
    # An error that echoes a CSV cell.
    csv = tmp_path / "bad.csv"
    csv.write_text(f"date,value\n01/01/2031,{ESC}[2J{CSI}1\n", encoding="utf-8")
    status, _, err = cli(capsys, "data", "import", "--db", db, "--measure", DAYS, csv)
    assert status == 1
    no_controls(err)
    assert "\u241b[2J\\u009b1" in err
    status, _, err = cli(capsys, "analyse", csv)
    assert status == 1
    no_controls(err)


def test_storage_and_exports_keep_the_text_exactly(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    aid, _ = _poison(db)
    with Store.open(db, read_only=True) as store:
        assert store.get(Aim, aid).statement == HOSTILE
    out = tmp_path / "all.json"
    status, _, err = cli(capsys, "export", "--db", db, "--all", "--format", "json", "-o", out)
    assert status == 0, err
    data = json.loads(out.read_text(encoding="utf-8"))
    assert HOSTILE in [a["statement"] for a in data["aims"]]


async def test_tui_never_draws_a_control_character(tmp_path: Path) -> None:
    path = tmp_path / "demo.json"
    write_demo(path)
    _, mid = _poison(path)
    app = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down", "down", "down", "down")  # to Aim 9: its statement shows
        await pilot.pause()
        shown = screen_text(app)
        no_controls(shown)
        assert "\u241b]52;c;" in shown  # the hostile statement, its ESC visible
        from pdsa_tui.ui.screens.measure import MeasureScreen

        app.push_screen(MeasureScreen(mid))
        await pilot.pause()
        shown = screen_text(app)
        no_controls(shown)
        assert "evil\u241b]2;x" in shown
        app.notify(f"Saved {HOSTILE}")
        await pilot.pause()
        no_controls(screen_text(app))


# -- 9. a CSV field over 131,072 characters -------------------------------------------------------


def test_analyse_and_import_take_a_huge_note(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    note = "n" * 200_000
    csv = tmp_path / "big.csv"
    rows = "".join(f"{m:02d}/01/2031,{m},{note if m == 3 else ''}\n" for m in range(1, 13))
    csv.write_text("date,value,note\n" + rows, encoding="utf-8")
    status, out, err = cli(capsys, "analyse", csv, "--json")
    assert status == 0, err
    assert json.loads(out)["n"] == 12
    status, _, err = cli(capsys, "data", "import", "--db", db, "--measure", DAYS, csv)
    assert status == 0, err
    with Store.open(db, read_only=True) as store:
        assert note in [p.note for p in store.find_measure(DAYS).points]
