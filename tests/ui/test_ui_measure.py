"""Pilot tests of measure data entry: points added, edited, deleted and marked by keys.

Each test checks the screen and the file on disk (reopened read-only).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from ui_support import LARGE, SMALL, demo_app, screen_text, settled_text, widget_text

from pdsa_tui.demo import AIM1_OUTCOME
from pdsa_tui.model import Aim, DataPoint, Measure
from pdsa_tui.store import Store, WriteFailedError
from pdsa_tui.store.measure_data import MeasureData
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.modals import ConfirmScreen, RecordForm
from pdsa_tui.ui.dialogs.point_form import PointForm, next_date, point_kinds
from pdsa_tui.ui.screens.measure import MeasureScreen
from pdsa_tui.ui.widgets.chart import ChartView
from pdsa_tui.ui.widgets.record_table import RecordTable

DAYS = "Days from accommodation to first LAC review"
REMINDER = "% of cases with 15-week checklist reminder sent"
MARKUP = "[bold]x[/] [link=http://x]y"


# -- helpers ---------------------------------------------------------------------------------
def reopen(path: Path) -> Store:
    """The file as it is on disk now."""
    return Store.open(path, read_only=True)


def on_disk(app: PdsaApp, name: str) -> Measure:
    """Measure ``name`` as saved in the file."""
    with reopen(app.path) as s:
        return s.find_measure(name)


async def open_measure(app: PdsaApp, pilot: Pilot[None], name: str) -> MeasureScreen:
    """Push the data-entry screen of measure ``name`` over the overview."""
    assert app.store is not None
    await pilot.pause()
    screen = MeasureScreen(app.store.find_measure(name).id)
    app.push_screen(screen)
    await pilot.pause()
    assert app.screen is screen
    return screen


async def type_into(pilot: Pilot[None], text: str) -> None:
    """Type ``text`` key by key into whatever has focus."""
    await pilot.press(*["space" if c == " " else c for c in text])


async def goto(pilot: Pilot[None], name: str) -> Input:
    """Tab to the form's ``name`` input and empty it."""
    app = pilot.app
    for _ in range(12):
        if app.focused is not None and app.focused.id == f"point-{name}":
            break
        await pilot.press("tab")
    focused = app.focused
    assert isinstance(focused, Input) and focused.id == f"point-{name}"
    await pilot.press("end", "ctrl+u")
    return focused


async def fill(pilot: Pilot[None], **fields: str) -> None:
    """Type each field's text into the open point form."""
    for name, text in fields.items():
        await goto(pilot, name)
        await type_into(pilot, text)


def form_errors(form: PointForm) -> dict[str, str]:
    """Field -> the message shown under it (shown ones only)."""
    out = {}
    for name in ("date", "value", "numerator", "denominator", "note"):
        found = list(form.query(f"#error-{name}"))
        if found and found[0].has_class("-shown"):
            out[name] = widget_text(found[0])
    return out


def verdict(screen: MeasureScreen) -> str:
    return widget_text(screen.query_one("#measure-verdict"))


def chart_text(screen: MeasureScreen) -> str:
    return screen.query_one(ChartView).plain


def add_empty_measure(app: PdsaApp, unit: str = "percent") -> Measure:
    """A measure with no points in Aim 2 (before the app runs)."""
    assert app.store is not None
    aim = app.store.find_aim("Aim 2")
    return app.store.save(Measure(aim_id=aim.id, name="New measure", unit=unit, goal=None))


# -- the screen ------------------------------------------------------------------------------
async def test_screen_shows_facts_points_chart_and_verdict(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_measure(app, pilot, AIM1_OUTCOME)
        text = await settled_text(pilot, app, lambda t: "m Measure" in t)
        assert f"Aim 1 › {AIM1_OUTCOME}"[:40] in text
        assert "Outcome · percent · higher is better · goal 100% · monthly" in text
        assert "01/02/2018" in text and "0%" in text and "0/6" in text
        assert "Run chart · median" in text
        assert "Signal" in verdict(screen)
        assert "C1" in chart_text(screen)  # the aim's cycles are marked
        # The data-entry keys come first in the footer; at 80 columns it ends at "c Chart"
        # ("m Measure" is in the help and the palette).
        assert "a Add i Import e Edit d Delete f Freeze b Rebase c Chart" in text


async def test_reached_from_the_aim_screen_by_keys(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # Aim 1
        await pilot.pause()
        assert "Aim 1" in str(app.screen.title)
        await pilot.press("enter")  # its first measure
        await pilot.pause()
        assert isinstance(app.screen, MeasureScreen)
        assert AIM1_OUTCOME in str(app.screen.title)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, MeasureScreen)


async def test_add_ratio_point_by_keys(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_measure(app, pilot, AIM1_OUTCOME)
        before_chart, before_verdict = chart_text(screen), verdict(screen)
        assert "24 points" in before_verdict
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, PointForm)
        assert not form.query("#point-value")  # ratio measure: numerator and denominator
        assert form.query_one("#point-date", Input).value == "01/02/2020"  # month after last
        await type_into(pilot, "3")
        await pilot.press("tab")
        await type_into(pilot, "4")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        saved = on_disk(app, AIM1_OUTCOME)
        assert len(saved.points) == 25
        new = saved.sorted_points()[-1]
        assert (new.date, new.numerator, new.denominator, new.value) == (
            dt.date(2020, 2, 1),
            3,
            4,
            None,
        )
        table = screen.query_one("#points", RecordTable)
        assert table.current_key == new.id
        assert table.row_text(new.id).startswith("01/02/2020 75% 3/4")
        assert "25 points" in verdict(screen)
        assert chart_text(screen) != before_chart


async def test_add_value_point_by_keys(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_measure(app, pilot, DAYS)
        before = chart_text(screen)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, PointForm)
        assert not form.query("#point-numerator")
        await type_into(pilot, "120")
        await pilot.press("tab")  # to the note
        await type_into(pilot, "court delay")
        await pilot.press("ctrl+s")
        await pilot.pause()
        new = on_disk(app, DAYS).sorted_points()[-1]
        assert (new.value, new.note) == (120, "court delay")
        assert "120 days" in screen_text(app)
        assert "25 points" in verdict(screen)
        assert chart_text(screen) != before


async def test_edit_point_by_keys(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_measure(app, pilot, AIM1_OUTCOME)
        first = on_disk(app, AIM1_OUTCOME).sorted_points()[0]
        await pilot.press("home", "enter")
        form = app.screen
        assert isinstance(form, PointForm)
        assert form.query_one("#point-numerator", Input).value == "0"
        await fill(pilot, numerator="2", note="recounted")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        edited = on_disk(app, AIM1_OUTCOME).sorted_points()[0]
        assert edited.id == first.id
        assert (edited.numerator, edited.denominator, edited.note) == (2, 6, "recounted")
        assert len(on_disk(app, AIM1_OUTCOME).points) == 24
        assert "33%" in screen.query_one("#points", RecordTable).row_text(first.id)
        # e edits too
        await pilot.press("e")
        assert isinstance(app.screen, PointForm)
        await pilot.press("escape")  # nothing changed: closes at once
        await pilot.pause()
        assert app.screen is screen


async def test_delete_point_asks_first(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_measure(app, pilot, DAYS)
        last = on_disk(app, DAYS).sorted_points()[-1]
        await pilot.press("end", "d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert len(on_disk(app, DAYS).points) == 24
        await pilot.press("d")
        await pilot.press("y")
        await pilot.pause()
        saved = on_disk(app, DAYS)
        assert len(saved.points) == 23
        assert last.id not in {p.id for p in saved.points}
        assert "23 points" in verdict(screen)
        assert "01/01/2020" not in screen_text(app)


async def test_freeze_and_rebase_change_the_analysis(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        screen = await open_measure(app, pilot, DAYS)
        assert screen.view is not None
        part = screen.view.analysis.parts[0]
        assert len(screen.view.analysis.parts) == 1 and part.baseline_last == 24
        centre_before = part.centre
        # Baseline ends at the 6th point.
        await pilot.press("home", *["down"] * 5, "f")
        await pilot.pause()
        sixth = on_disk(app, DAYS).sorted_points()[5]
        assert sixth.baseline_end
        assert screen.view.analysis.parts[0].baseline_last == 6
        assert screen.view.analysis.parts[0].centre != centre_before
        assert "baseline ends" in screen.query_one(RecordTable).row_text(sixth.id)
        # A new phase after the 12th point.
        await pilot.press(*["down"] * 6, "b")
        await pilot.pause()
        assert on_disk(app, DAYS).sorted_points()[11].rebase_after
        assert len(screen.view.analysis.parts) == 2
        assert "2 parts" in verdict(screen)
        assert "Part 2" in verdict(screen)
        # Both toggle off again.
        await pilot.press("b")
        await pilot.press(*["up"] * 6, "f")
        await pilot.pause()
        pts = on_disk(app, DAYS).sorted_points()
        assert not any(p.baseline_end or p.rebase_after for p in pts)
        assert len(screen.view.analysis.parts) == 1
        assert screen.view.analysis.parts[0].centre == centre_before


async def test_markers_can_be_set_in_the_form(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await open_measure(app, pilot, DAYS)
        await pilot.press("a")
        await type_into(pilot, "30")
        await pilot.press("tab", "tab", "space", "tab", "space", "ctrl+s")
        await pilot.pause()
        new = on_disk(app, DAYS).sorted_points()[-1]
        assert (new.value, new.baseline_end, new.rebase_after) == (30, True, True)
        assert "baseline+rebase" in screen_text(app)


async def test_chart_type_cycles_through_the_charts_that_fit(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_measure(app, pilot, AIM1_OUTCOME)
        assert verdict(screen).startswith("Run chart")
        await pilot.press("c")
        assert verdict(screen).startswith("P chart")
        assert "UCL" in chart_text(screen) or "┄" in chart_text(screen)
        # The choice is stored with the measure.
        assert on_disk(app, AIM1_OUTCOME).chart == "p"
        await pilot.press("c")
        assert verdict(screen).startswith("P′ chart (Laney)")
        assert on_disk(app, AIM1_OUTCOME).chart == "pp"
        await pilot.press("c")
        assert verdict(screen).startswith("I chart")
        await pilot.press("c")
        assert verdict(screen).startswith("Run chart")
        assert on_disk(app, AIM1_OUTCOME).chart == "run"
        screen = await open_measure(app, pilot, DAYS)  # values: no P or U chart
        await pilot.press("c")
        assert verdict(screen).startswith("I chart")
        await pilot.press("c")
        assert verdict(screen).startswith("MR chart")
        await pilot.press("c")
        assert verdict(screen).startswith("Run chart")


async def test_stored_chart_is_shown_again_and_in_exports(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    counts = "Panel reports returned for more information"
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_measure(app, pilot, counts)
        await pilot.press("c")
        assert verdict(screen).startswith("C chart · mean count")
        # One line of chart advice under the chart, then the verdict.
        lines = verdict(screen).splitlines()
        assert lines[1].startswith("C chart: events per period") or "Events are rare" in lines[1]
        await pilot.press("escape")
        screen = await open_measure(app, pilot, counts)
        assert verdict(screen).startswith("C chart")
    assert on_disk(app, counts).chart == "c"
    from pdsa_tui.report.export import export_text

    with reopen(app.path) as s:
        aim = s.get(Aim, s.find_measure(counts).aim_id)
        html = export_text(s, aim=aim, fmt="html")
        md = export_text(s, aim=aim, fmt="md")
    assert "C chart · 24 points" in html and "Chart advice:" in html
    assert "c chart" in md.lower() and "*Chart advice:*" in md


async def test_values_between_events_offer_a_t_chart(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_measure(app, pilot, DAYS)
        await pilot.press("c", "c", "c")
        assert verdict(screen).startswith("Run chart")  # no T chart yet: plain values
        # Say in the measure form that the values are days between events.
        await pilot.press("m")
        form = app.screen
        assert isinstance(form, RecordForm)
        from textual.widgets import Select

        select = form.query_one("#field-values_are", Select)
        select.focus()
        await pilot.press("enter")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert select.value == "time_between"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert on_disk(app, DAYS).values_are == "time_between"
        await pilot.press("c", "c", "c")
        text = verdict(screen)
        assert text.startswith("T chart · centre")
        assert "T chart: one point per event" in text.splitlines()[1]
        assert "above the upper" in chart_text(screen) or "┄" in chart_text(screen)
        assert on_disk(app, DAYS).chart == "t"


async def test_chart_choice_on_a_read_only_file_is_shown_not_stored(tmp_path: Path) -> None:
    demo_app(tmp_path)  # writes the file
    app = demo_app(tmp_path, read_only=True)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_measure(app, pilot, AIM1_OUTCOME)
        await pilot.press("c")
        assert verdict(screen).startswith("P chart")
        await pilot.pause()
        assert any("not stored" in n.message for n in app._notifications)
    assert on_disk(app, AIM1_OUTCOME).chart == ""


async def test_edit_the_measure_itself(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_measure(app, pilot, DAYS)
        await pilot.press("m")
        form = app.screen
        assert isinstance(form, RecordForm)
        name = form.query_one("#field-name", Input)
        name.focus()
        await pilot.press("end")
        await type_into(pilot, " (mean)")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        with reopen(app.path) as s:
            m = s.find_measure(DAYS + " (mean)")
        assert len(m.points) == 24  # the points survive editing the measure
        assert "(mean)" in str(screen.title)


# -- validation: messages under the fields, typed text kept ------------------------------------
async def test_impossible_date_and_percent_over_100_keep_typed_input(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    measure = add_empty_measure(app)
    async with app.run_test(size=SMALL) as pilot:
        await open_measure(app, pilot, measure.name)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, PointForm)
        # No points yet: both kinds of input, with a hint.
        assert form.query("#point-value") and form.query("#point-numerator")
        assert "Give a value, or a numerator" in screen_text(app)
        await fill(pilot, date="31/02/2019", value="120")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.is_current
        errors = form_errors(form)
        assert "not a real date" in errors["date"] and "February 2019 has 28 days" in errors["date"]
        assert "percentage from 0 to 100" in errors["value"]
        assert form.values()["date"] == "31/02/2019" and form.values()["value"] == "120"
        assert "2 problems to fix" in screen_text(app)
        assert on_disk(app, measure.name).points == []
        # Fixing both saves.
        await fill(pilot, date="28/02/2019", value="12")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [p.value for p in on_disk(app, measure.name).points] == [12]


async def test_ratio_problems_are_shown_under_their_fields(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    measure = add_empty_measure(app)
    async with app.run_test(size=SMALL) as pilot:
        await open_measure(app, pilot, measure.name)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, PointForm)
        await fill(pilot, numerator="5", denominator="3")
        await pilot.press("enter")
        await pilot.pause()
        assert "cannot be above the denominator (5 > 3)" in form_errors(form)["numerator"]
        await fill(pilot, denominator="0")
        await pilot.press("enter")
        await pilot.pause()
        assert "must be above zero" in form_errors(form)["denominator"]
        assert "numerator" not in form_errors(form)
        await fill(pilot, value="50", denominator="10")
        await pilot.press("enter")
        await pilot.pause()
        assert "not both" in form_errors(form)["value"]
        assert form.values() | {"date": ""} == {
            "date": "",
            "value": "50",
            "numerator": "5",
            "denominator": "10",
            "note": "",
        }
        assert on_disk(app, measure.name).points == []
        await fill(pilot, value="")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not form
        [p] = on_disk(app, measure.name).points
        assert (p.numerator, p.denominator, p.value) == (5, 10, None)


async def test_second_point_on_the_same_date_is_refused(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await open_measure(app, pilot, AIM1_OUTCOME)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, PointForm)
        await fill(pilot, date="1 Jan 2020", numerator="1", denominator="2")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.is_current
        assert "already a point for 01/01/2020" in form_errors(form)["date"]
        assert form.values()["date"] == "1 Jan 2020"
        assert len(on_disk(app, AIM1_OUTCOME).points) == 24


async def test_markup_in_a_note_shows_literally(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        await open_measure(app, pilot, DAYS)
        await pilot.press("a")
        await type_into(pilot, "31")
        await goto(pilot, "note")
        await type_into(pilot, MARKUP)
        await pilot.press("enter")
        await pilot.pause()
        assert on_disk(app, DAYS).sorted_points()[-1].note == MARKUP
        assert MARKUP in screen_text(app)
        await pilot.press("e")  # and in the form again
        assert isinstance(app.screen, PointForm)
        assert app.screen.values()["note"] == MARKUP


# -- what cannot be saved ---------------------------------------------------------------------
async def test_read_only_refuses_with_a_message(tmp_path: Path) -> None:
    demo_app(tmp_path)  # writes the file
    app = demo_app(tmp_path, read_only=True)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_measure(app, pilot, DAYS)
        for key in ("a", "e", "d", "f", "b"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, key
        messages = [str(n.message) for n in app._notifications]
        assert any("Read-only" in m for m in messages)
        assert "READ-ONLY" in screen_text(app)
        # Looking is still allowed: the chart type changes.
        await pilot.press("c")
        assert verdict(screen).startswith("I chart")
    assert len(on_disk(app, DAYS).points) == 24


async def test_storage_error_is_shown_in_the_form_and_input_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = demo_app(tmp_path)
    assert app.store is not None

    def fail(data: MeasureData, measure: Measure, points: list[DataPoint]) -> Measure:
        raise WriteFailedError(f"{app.path}: the disk is full; nothing was saved")

    async with app.run_test(size=SMALL) as pilot:
        await open_measure(app, pilot, DAYS)
        monkeypatch.setattr(MeasureData, "add_points", fail)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, PointForm)
        await type_into(pilot, "44")
        await pilot.press("enter")
        await pilot.pause()
        assert form.is_current
        assert "Not saved" in screen_text(app) and "disk is full" in screen_text(app)
        assert form.values()["value"] == "44"
        # Leaving asks before throwing the typing away.
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert form.is_current
    assert len(on_disk(app, DAYS).points) == 24


# -- pure helpers -----------------------------------------------------------------------------
def test_next_date_follows_the_frequency() -> None:
    m = Measure(name="x", points=[DataPoint(date=dt.date(2020, 1, 31), value=1)])
    assert next_date(m) == dt.date(2020, 2, 29)
    m.frequency = "weekly"
    assert next_date(m) == dt.date(2020, 2, 7)
    m.frequency = "quarterly"
    assert next_date(m) == dt.date(2020, 4, 30)
    assert next_date(Measure(name="y"), dt.date(2024, 5, 6)) == dt.date(2024, 5, 6)


def test_point_kinds() -> None:
    ratio = DataPoint(date=dt.date(2020, 1, 1), numerator=1, denominator=2)
    value = DataPoint(date=dt.date(2020, 1, 1), value=3)
    assert point_kinds(Measure(name="x")) == (True, True)
    assert point_kinds(Measure(name="x", points=[ratio])) == (False, True)
    assert point_kinds(Measure(name="x", points=[value])) == (True, False)
    assert point_kinds(Measure(name="x", points=[ratio]), value) == (True, True)


async def test_rate_measure_offers_a_u_chart(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    assert app.store is not None
    aim = app.store.find_aim("Aim 2")
    points = [
        DataPoint(
            date=dt.date(2019 + k // 12, k % 12 + 1, 1),
            numerator=float(k % 4 + (6 if k == 20 else 0)),
            denominator=float(3 + k % 3),
        )
        for k in range(24)
    ]
    app.store.save(
        Measure(
            aim_id=aim.id,
            name="Missing episodes per 100 child-months",
            unit="rate",
            direction="down",
            goal=None,
            points=points,
        )
    )
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_measure(app, pilot, "Missing episodes per 100 child-months")
        await pilot.press("c")
        text = verdict(screen)
        assert text.startswith("U chart · mean rate")
        assert "(a higher rate of events: deterioration for this measure)" in text
        await pilot.press("c")
        assert verdict(screen).startswith("U′ chart (Laney)")
        await pilot.press("c")
        assert verdict(screen).startswith("I chart")
    assert on_disk(app, "Missing episodes per 100 child-months").chart == "i"
