"""Rule sets, 'cannot be negative', a multiplier and several values per date, by keys.

Pilot tests through the measure form and the point form; each checks the screen and
the file on disk. Plain tests check the model and the CSV import underneath.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
from pathlib import Path

import pytest
from test_ui_measure import DAYS, add_empty_measure, on_disk, open_measure, type_into, verdict
from textual.widgets import Input, Select
from ui_support import LARGE, SMALL, demo_app, screen_text, widget_text

from pdsa_tui.analysis.measures import available_charts, view_measure
from pdsa_tui.model import DataPoint, Measure, ValidationError, from_form
from pdsa_tui.model.csvseries import plan_import
from pdsa_tui.model.forms import point_from_form
from pdsa_tui.store import Store
from pdsa_tui.ui.dialogs.modals import RecordForm
from pdsa_tui.ui.dialogs.point_form import PointForm


async def test_measure_form_sets_rules_floor_and_multiplier(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_measure(app, pilot, DAYS)
        assert "Rules: Anhøj" in verdict(screen)
        await pilot.press("m")
        form = app.screen
        assert isinstance(form, RecordForm)
        rules = form.query_one("#field-rules", Select)
        assert rules.value == "default"  # the programme's, until a measure has its own
        rules.focus()
        await pilot.press("enter", "down", "down", "down", "enter")
        await pilot.pause()
        assert rules.value == "mdc"
        floor = form.query_one("#field-cannot_be_negative", Select)
        floor.focus()
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert floor.value == "yes"
        multiply = form.query_one("#field-multiply", Input)
        multiply.focus()
        await type_into(pilot, "0")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # A multiplier of 0 is refused with a message; the typing stays.
        assert app.screen is form
        assert any("must be above 0" in widget_text(w) for w in form.query(".field-error"))
        assert multiply.value == "0"
        await pilot.press("end", "ctrl+u")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        saved = on_disk(app, DAYS)
        assert (saved.rules, saved.cannot_be_negative, saved.multiply) == ("mdc", "yes", None)
        text = verdict(screen)
        assert "Rules: Making Data Count" in text and "Variation: " in text


async def test_the_programme_default_rule_set_changes_what_a_measure_screen_says(
    tmp_path: Path,
) -> None:
    """A measure on 'default' follows the programme's rule set, set in the team form."""
    from test_ui_programme import open_programme

    app = demo_app(tmp_path)
    assert app.store is not None
    assert app.store.find_measure(DAYS).rules == "default"
    async with app.run_test(size=LARGE) as pilot:
        screen = await open_measure(app, pilot, DAYS)
        assert "Rules: Anhøj (the programme's default)" in verdict(screen)
        await pilot.press("escape")
        await pilot.pause()
        await open_programme(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RecordForm)
        rules = form.query_one("#field-rules", Select)
        assert rules.value == "anhoej"
        rules.focus()
        await pilot.press("enter", "down", "down", "enter")
        await pilot.pause()
        assert rules.value == "mdc"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, RecordForm)
        assert "Default rule set: Making Data Count (NHS)" in screen_text(app)
        with Store.open(app.path, read_only=True) as s:
            prog = s.programme()
            assert prog is not None and prog.rules == "mdc"
        await pilot.press("escape")
        await pilot.pause()
        screen = await open_measure(app, pilot, DAYS)
        text = verdict(screen)
        assert "Rules: Making Data Count (the programme's default)" in text
        assert "Variation: " in text
        # A measure with a rule set of its own keeps it.
        own = app.store.find_measure(DAYS)
        app.store.save(dataclasses.replace(own, rules="ihi"))
        await pilot.press("escape")
        await pilot.pause()
        screen = await open_measure(app, pilot, DAYS)
        assert "Rules: IHI" in verdict(screen) and "programme's default" not in verdict(screen)


async def test_several_values_for_one_date_make_one_point(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    assert app.store is not None
    add_empty_measure(app, unit="weeks")
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_measure(app, pilot, "New measure")
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, PointForm)
        value = form.query_one("#point-value", Input)
        assert "several: 12; 15; 9" in str(value.placeholder)
        await type_into(pilot, "30; 41; 26")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        (point,) = on_disk(app, "New measure").points
        assert point.observations == [30, 41, 26] and point.value == pytest.approx(97 / 3)
        # Editing shows the observations again, as typed.
        await pilot.press("e")
        edit = app.screen
        assert isinstance(edit, PointForm)
        assert edit.query_one("#point-value", Input).value == "30; 41; 26"
        await pilot.press("escape")
        await pilot.pause()


def test_observations_validate_and_round_trip() -> None:
    p = point_from_form(date="01/03/2020", value="12; 15.5 ;9", unit="weeks")
    assert p.observations == [12, 15.5, 9] and p.value == pytest.approx(12.1666666666)
    assert DataPoint.from_dict(p.to_dict()) == p
    single = point_from_form(date="01/03/2020", value="12", unit="weeks")
    assert "observations" not in single.to_dict()  # files of single values stay as they were
    with pytest.raises(ValidationError, match="observation 2: 'x' is not a number"):
        point_from_form(date="01/03/2020", value="12; x", unit="weeks")
    with pytest.raises(ValidationError, match="observation 1 must be from 0"):
        point_from_form(date="01/03/2020", value="-1; 3", unit="weeks")
    bad = DataPoint(date=dt.date(2020, 1, 1), value=3, observations=[1, 2])
    assert "must be the mean of the observations" in bad.validate("weeks")[0].message
    # A hand-edited file: the value is worked out, anything not a number is named.
    hand = DataPoint.from_dict({"date": "2020-01-01", "observations": [4, 6]})
    assert hand.value == 5 and not hand.validate("weeks")
    junk = DataPoint.from_dict({"date": "2020-01-01", "observations": [1, "x"]})
    assert "observation 2 is not a finite number" in junk.validate("weeks")[0].message
    assert (
        DataPoint.from_dict({"date": "2020-01-01", "value": 1, "observations": "x"}).observations
        == []
    )


def _measure(points: list[DataPoint], **kw: object) -> Measure:
    return Measure(aim_id="a", name="Weeks to permanence", unit="weeks", points=points, **kw)  # type: ignore[arg-type]


def test_import_several_rows_per_date_into_a_new_measure() -> None:
    text = "date,value\n01/01/2020,30\n01/01/2020,41\n01/02/2020,26\n01/02/2020,28\n01/03/2020,20\n"
    plan = plan_import(text, "weeks.csv", _measure([]))
    assert plan.ok, plan.errors
    assert [p.observations for p in plan.points] == [[30, 41], [26, 28], []]
    assert plan.points[0].value == 35.5 and plan.points[2].value == 20
    # A measure of single values keeps refusing a repeated date (a slip, not a subgroup).
    single = _measure([DataPoint(date=dt.date(2019, 1, 1), value=3)])
    plan = plan_import(text, "weeks.csv", single)
    assert not plan.ok and any("also on line 2" in e for e in plan.errors)


def test_xbar_and_s_are_offered_and_drawn_from_the_observations() -> None:
    pts = [
        DataPoint.observed(dt.date(2020, m, 1), [20 + m, 25 + m, 31 - m, 28]) for m in range(1, 13)
    ]
    m = _measure(pts, chart="xbar", rules="mdc", direction="down", goal=10.0)
    assert available_charts(m)[-2:] == ["xbar", "s"]
    view = view_measure(m)
    a = view.analysis
    assert a.chart == "xbar" and a.points[0].n == 4 and a.points[0].ucl is not None
    assert a.rules == "mdc" and a.assurance_icon == "fail"  # 10 weeks is below the LCL
    assert "Assurance: the target (10 weeks)" in a.verdict
    s = view_measure(m, chart="s").analysis
    assert s.chart == "s" and s.points[0].y == pytest.approx(statistics.stdev([21, 26, 30, 28]))


def test_measure_fields_validate() -> None:
    base = Measure(aim_id="a")
    m = from_form(
        Measure, {"name": "x", "rules": "Making Data Count (NHS)", "multiply": "1000"}, base=base
    )
    assert m.rules == "mdc" and m.multiply == 1000
    with pytest.raises(ValidationError, match="must be above 0"):
        from_form(Measure, {"name": "x", "multiply": "-5"}, base=base)
    with pytest.raises(ValidationError, match="is not one of"):
        from_form(Measure, {"name": "x", "rules": "nelson"}, base=base)
    old = Measure.from_dict({"id": "1", "aim_id": "a", "name": "old file"})
    # A file from before rule sets: the programme's default (Anhøj unless changed).
    assert (old.rules, old.cannot_be_negative, old.multiply) == ("default", "no", None)
    assert view_measure(old).analysis.rules == "anhoej"


async def test_closed_cases_offer_xbar_and_s_of_weeks_per_month(tmp_path: Path) -> None:
    from test_ui_cases import app_on, make_db, open_cases

    from pdsa_tui.ui.widgets.chart import ChartView

    setup = make_db(tmp_path)
    app = app_on(setup.path)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        screen = await open_cases(pilot, app)
        await pilot.press("l")
        await pilot.pause()
        chart = screen.query_one("#weeks-chart", ChartView)
        assert chart.view is not None and chart.view.analysis.chart == "i"
        await pilot.press("c")
        await pilot.pause()
        assert chart.view is not None and chart.view.analysis.chart == "xbar"
        months = chart.view.analysis.points
        # One point per month of milestone, its n the cases that reached it then.
        assert sum(p.n for p in months) == 3
        assert "Xbar chart" in screen_text(app) and "Rules: Anhøj" in screen_text(app)
        await pilot.press("c")
        await pilot.pause()
        assert chart.view is not None and chart.view.analysis.chart == "s"
        await pilot.press("c")
        await pilot.pause()
        assert chart.view is not None and chart.view.analysis.chart == "i"
