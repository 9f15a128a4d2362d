"""The cycle form's tab bar and panes: one widget for the tabs, a pane built when first shown."""

from __future__ import annotations

from pathlib import Path

from test_ui_cycle import demo_app, demo_cycle, open_cycle
from textual.widgets import Input
from ui_support import SMALL, screen_text

from pdsa_tui.model import ChangeIdea, Cycle
from pdsa_tui.model.records import PLAN_FIELDS
from pdsa_tui.ui.screens.cycle import CycleScreen
from pdsa_tui.ui.widgets.fields import FOCUS_MARKER
from pdsa_tui.ui.widgets.record_table import RecordTable
from pdsa_tui.ui.widgets.tab_bar import TabBar


async def test_the_tab_bar_switches_by_arrows_and_clicks(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_cycle(app, pilot, demo_cycle(app, "act", "15-week"))
        bar = screen.query_one(TabBar)
        assert bar.active == "act"
        bar.focus()
        await pilot.press("left")
        await pilot.pause()
        assert bar.active == "study"
        assert screen.query_one("#form-study").display
        assert not screen.query_one("#form-act").display
        await pilot.press("right", "right", "right")  # act, feedback, then round to plan
        await pilot.pause()
        assert bar.active == "plan"
        assert app.focused is bar  # the arrows switch tabs; the cursor stays on the bar
        # A click on a label shows its tab: "F4 Study" is the third label.
        x = next(x for x in range(40) if bar.key_at(x) == "study")
        await pilot.click(TabBar, offset=(x, 0))
        await pilot.pause()
        assert bar.active == "study"
        assert "Results" in screen_text(app)


async def test_tab_order_is_the_bar_the_form_then_its_fields(tmp_path: Path) -> None:
    """As with Textual's tabbed content: the tab row, the scrolling form, each field."""
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_cycle(app, pilot, demo_cycle(app, "act", "15-week"))
        await pilot.press("f2")
        await pilot.pause()
        chain = [w.id for w in screen.focus_chain]
        plan = [b.control.id for b in dict(screen.forms())["plan"].boxes()]
        assert chain == ["cycle-tabs", "form-plan", *plan]


async def test_a_tab_is_built_when_first_shown_and_keeps_its_typing(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        cycle = demo_cycle(app, "act", "15-week")
        screen = await open_cycle(app, pilot, cycle)
        # Only the Act tab's pane exists; the feedback count is on its label already.
        assert not screen.query("#form-plan") and not screen.query("#feedback")
        assert "F6 Feedback (3)" in screen_text(app)
        await pilot.press("f6")
        await pilot.pause()
        assert len(screen.query_one("#feedback", RecordTable).all_rows) == 3
        assert "3 entries" in screen_text(app)
        await pilot.press("f2")
        await pilot.pause()
        objective = screen.query_one("#field-objective", Input)
        objective.value = "Typed on the Plan tab"
        await pilot.press("f6", "f2")
        await pilot.pause()
        assert screen.field("objective").value() == "Typed on the Plan tab"
        assert screen.query_one("#field-objective", Input) is objective  # built once


async def test_each_field_is_one_framed_control_labelled_and_marked_on_its_frame(
    tmp_path: Path,
) -> None:
    """No box around a field: the control's frame carries its label, help and focus marker."""
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        assert app.store is not None
        idea = app.store.all(ChangeIdea)[0]
        screen = CycleScreen(draft=Cycle(idea_id=idea.id, objective="Test a checklist"))
        await app.push_screen(screen)
        await pilot.pause()
        form = screen.query_one("#form-plan")
        assert [w.id for w in form.children] == [f"field-{n}" for n in PLAN_FIELDS]
        objective = screen.field("objective").control
        assert str(objective.border_subtitle) == Cycle.spec("objective").help
        # The cursor starts in the first empty field (the objective came with the draft).
        assert app.focused is screen.field("lead").control
        titles = {w.id: str(w.border_title) for w in form.children}
        assert titles["field-lead"] == f"{FOCUS_MARKER}Lead"
        assert titles["field-objective"] == "Objective *"
        assert sum(t.startswith(FOCUS_MARKER) for t in titles.values()) == 1
        text = screen_text(app)
        assert f"{FOCUS_MARKER}Lead" in text and "what this cycle tests" in text
        await pilot.press("tab")
        await pilot.pause()
        assert str(screen.field("lead").control.border_title) == "Lead"
        assert str(screen.field("questions").control.border_title).startswith(FOCUS_MARKER)
