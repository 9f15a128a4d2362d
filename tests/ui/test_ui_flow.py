"""The whole job by keys, from an empty database: aim, measure, data, idea, a cycle through
Plan-Do-Study-Act with feedback, adapt into cycle 2, and the review queue."""

from __future__ import annotations

from pathlib import Path

from test_ui_cycle import choose, type_text
from textual.widgets import Input
from ui_support import SMALL, empty_app, screen_text

from pdsa_tui.model import Aim, ChangeIdea, Cycle, Feedback, Measure
from pdsa_tui.store import Store
from pdsa_tui.ui.dialogs.feedback import FeedbackForm
from pdsa_tui.ui.dialogs.modals import RecordForm
from pdsa_tui.ui.screens.aim import AimScreen
from pdsa_tui.ui.screens.cycle import CycleScreen
from pdsa_tui.ui.screens.idea import IdeaScreen
from pdsa_tui.ui.screens.measure import MeasureScreen
from pdsa_tui.ui.screens.overview import OverviewScreen
from pdsa_tui.ui.screens.review import ReviewScreen


def on_disk(path: Path) -> Store:
    """The database as saved, not as the app holds it."""
    return Store.open(path, read_only=True)


async def test_plan_do_study_act_from_an_empty_database(tmp_path: Path) -> None:
    app = empty_app(tmp_path)
    path = app.path
    async with app.run_test(size=SMALL) as pilot:
        # An aim.
        await pilot.press("n")
        assert isinstance(app.screen, RecordForm)
        await type_text(pilot, "Aim 2")
        await pilot.press("tab")
        await type_text(
            pilot, "By 01/12/2027, 85% of children accommodated from 01/02/2027 [b]x[/b]"
        )
        await pilot.press("tab")
        await type_text(pilot, "85")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        assert "Aim 2" in screen_text(app)

        # A measure, opened for data entry; two points.
        await pilot.press("enter")
        assert isinstance(app.screen, AimScreen)
        await pilot.press("n")
        await type_text(pilot, "Recommendation within 30 weeks")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeasureScreen)
        for value in ("40", "60"):
            await pilot.press("a")
            await pilot.pause()
            assert isinstance(app.focused, Input)
            await type_text(pilot, value)
            await pilot.press("ctrl+s")
            await pilot.pause()
        assert "2 points" in screen_text(app)

        # A change idea with its lead.
        await pilot.press("escape", "i", "n")
        assert isinstance(app.screen, RecordForm)
        await type_text(pilot, "15-week reminder")
        await pilot.press("tab", "tab")  # past the description
        await type_text(pilot, "TM")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IdeaScreen)

        # Cycle 1: Plan.
        await pilot.press("n")
        await pilot.pause()
        cycle_screen = app.screen
        assert isinstance(cycle_screen, CycleScreen)
        await type_text(pilot, "Email a reminder at week 15")
        await pilot.press("tab", "tab", "tab")  # lead, questions, to predictions
        await type_text(pilot, "All 3 families get a recommendation by week 30")
        for _ in range(3):  # tasks, data to collect, to planned start
            await pilot.press("tab")
        await type_text(pilot, "03/02/2020")
        await pilot.press("ctrl+s")
        await pilot.pause()
        store = on_disk(path)
        (cycle,) = store.all(Cycle)
        assert (cycle.number, cycle.stage) == (1, "plan")

        # Do, Study.
        await pilot.press("f3")
        await pilot.pause()
        await type_text(pilot, "03/02/2020")
        await pilot.press("tab", "tab")
        await type_text(pilot, "Reminders went out")
        await pilot.press("f4")
        await pilot.pause()
        await type_text(pilot, "3 of 3 on time")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert on_disk(path).get(Cycle, cycle.id).stage == "plan"  # saved, not moved
        # The phase moves when asked: ctrl+n offers Study first (results are typed).
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert on_disk(path).get(Cycle, cycle.id).stage == "study"
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert on_disk(path).get(Cycle, cycle.id).stage == "act"

        # Feedback from a foster carer (the date is filled in: the cursor starts at Source).
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackForm)
        await choose(pilot, 5)  # blank, child, parent, carer, kinship, foster carer
        await pilot.press("tab", "tab")
        await type_text(pilot, "I felt listened to [i]at last[/i]")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "I felt listened to [i]at" in screen_text(app)  # literal, cut at 80 columns

        # Act: adapt, and accept cycle 2 with the plan copied forward.
        await pilot.press("f5")
        await pilot.pause()
        await choose(pilot, 2)  # blank, adopt, adapt
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        draft = app.screen
        assert isinstance(draft, CycleScreen) and draft.is_draft
        await pilot.press("ctrl+s")
        await pilot.pause()

        # Cycle 2 plan is in Do with nothing recorded: the review queue is empty; cycle 1
        # is decided.
        await pilot.press("escape")
        await pilot.pause()
        app.action_review()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "Nothing waits for Study or Act" in screen_text(app)

    store = on_disk(path)
    (aim,) = store.all(Aim)
    assert aim.statement.endswith("[b]x[/b]") and aim.target_pct == 85
    (measure,) = store.all(Measure)
    assert [p.value for p in measure.sorted_points()] == [40, 60]
    (idea,) = store.all(ChangeIdea)
    assert idea.lead == "TM"
    first, second = store.cycles(idea.id)
    assert first.decision == "adapt" and first.stage == "closed"
    assert second.number == 2 and second.adapted_from == first.id
    assert second.objective == first.objective and second.predictions == first.predictions
    (fb,) = store.all(Feedback)
    assert fb.cycle_id == first.id and fb.source == "foster_carer"
    assert store.problems() == []
