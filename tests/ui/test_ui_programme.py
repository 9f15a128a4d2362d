"""The programme screen driven by keys: team, review-queue meetings, self-assessment, pack."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from test_ui_cycle import choose, demo_app, on_disk, type_text
from test_ui_review import open_review, queue_keys
from textual.widgets import Input, Static
from ui_support import LARGE, SMALL, empty_app, screen_text, widget_text

from pdsa_tui.model import Aim, Answer, Assessment, Cycle, Meeting, dates
from pdsa_tui.model.rows import Member
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.evidence import EvidenceScreen
from pdsa_tui.ui.dialogs.modals import ConfirmScreen, PromptScreen, RecordForm
from pdsa_tui.ui.screens.programme import ProgrammeScreen
from pdsa_tui.ui.widgets.record_table import RecordTable


async def open_programme(app: PdsaApp, pilot: object) -> ProgrammeScreen:
    await pilot.press("p")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, ProgrammeScreen)
    return app.screen


async def test_set_up_the_programme_from_the_overview(tmp_path: Path) -> None:
    app = empty_app(tmp_path)
    app.animation_level = "none"
    assert app.store is not None
    app.store.save(Aim(code="Aim 1", statement="s", lead="TM"))
    async with app.run_test(size=SMALL) as pilot:
        assert "Programme (p): none yet: press p" in screen_text(app)
        screen = await open_programme(app, pilot)
        assert "No programme yet" in screen_text(app)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)
        await type_text(pilot, "Anytown PACE")
        await pilot.press("tab")
        await type_text(pilot, "Head of service")
        await pilot.press("tab", "tab")  # data lead left blank
        await type_text(pilot, "AB | SW team manager | social work\nCD | Reporter | nowhere")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # A bad agency: the form stays with everything typed and names the line.
        assert isinstance(app.screen, RecordForm)
        error = widget_text(app.screen.query_one("#box-members .field-error", Static))
        assert "line 2: agency 'nowhere' is not one of" in error
        await pilot.press("backspace", *["backspace"] * 6)
        await type_text(pilot, "SCRA")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        prog = on_disk(app).programme()
        assert prog is not None and prog.name == "Anytown PACE"
        assert prog.members == [
            Member("AB", "SW team manager", "social_work"),
            Member("CD", "Reporter", "scra"),
        ]
        text = screen_text(app)
        assert "Data lead: not named (crucial)" in text
        assert "CD: Reporter (SCRA)" in text
        assert "Aim 1: TM; meets cadence not set" in text
        await pilot.press("escape")
        await pilot.pause()
        text = screen_text(app)
        assert "Programme (p): Anytown PACE · Leads group: no meeting recorded yet" in text
        assert "No data lead named: the template calls this role crucial" in text
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Programme" in titles


async def test_review_queue_run_recorded_as_a_meeting_with_its_minutes(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        review = await open_review(app, pilot)
        act_id = queue_keys(review)[0]
        await pilot.press("tab", "tab", "tab", "tab")
        await choose(pilot, 1)  # adopt
        await pilot.press("tab")
        await type_text(pilot, "Roll out to all teams")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)  # adopting shows the evidence first
        await pilot.press("escape")
        await pilot.pause()
        # Leaving the queue offers to record the run as a meeting.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RecordForm)
        label = form.fields.values()["decisions"]
        number = on_disk(app).get(Cycle, act_id).number
        assert label.startswith("Aim 2 › ")
        assert label.endswith(f" › Cycle {number} | Adopt | Roll out to all teams")
        form.query_one("#field-present").focus()
        await type_text(pilot, "PACE lead, Data lead, Reporter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        stored = on_disk(app)
        meeting = next(m for m in stored.meetings() if m.from_review and m.date == dates.today())
        assert meeting.present == ["PACE lead", "Data lead", "Reporter"]
        assert meeting.date == dates.today()
        assert [(d.cycle_id, d.decision) for d in meeting.decisions] == [(act_id, "adopt")]
        assert stored.get(Cycle, act_id).decision == "adopt"

        # Its minutes, exported from the programme screen, hold the decision.
        await pilot.press("escape")  # the review queue closed itself; now on the overview
        await pilot.pause()
        screen = await open_programme(app, pilot)
        await pilot.press("2")
        await pilot.pause()
        table = screen.query_one("#meetings-table", RecordTable)
        table.move_to(meeting.id)
        assert "(review queue)" in screen_text(app)
        for name in ("minutes.md", "minutes.html"):
            await pilot.press("x")
            await pilot.pause()
            assert isinstance(app.screen, PromptScreen)
            app.screen.query_one(Input).value = str(tmp_path / name)
            await pilot.press("enter")
            await pilot.pause()
        md = (tmp_path / "minutes.md").read_text()
        assert "| Cycle | Decision | Note |" in md
        assert f"Cycle {number} | Adopt | Roll out to all teams |" in md
        assert "PACE lead, Data lead, Reporter" in md
        html = (tmp_path / "minutes.html").read_text()
        assert "<td>Adopt</td>" in html and "Roll out to all teams" in html


async def test_work_through_the_self_assessment_and_see_progress(tmp_path: Path) -> None:
    app = empty_app(tmp_path)
    app.animation_level = "none"
    store = app.store
    assert store is not None
    earlier = dates.today() - dt.timedelta(days=120)
    first = store.save(Assessment(date=earlier))
    store.save(Answer(assessment_id=first.id, question="team-1", status="in-place"))
    store.save(Answer(assessment_id=first.id, question="team-2", status="partly"))
    async with app.run_test(size=LARGE) as pilot:
        screen = await open_programme(app, pilot)
        await pilot.press("3")
        await pilot.pause()
        head = f"Self-assessment of {earlier:%d/%m/%Y}: 1 of 60 in place"
        assert head in screen_text(app)
        # A new dated round carries the answers forward.
        await pilot.press("A")
        await pilot.pause()
        rounds = on_disk(app).assessments()
        assert [r.date for r in rounds] == [dates.today(), earlier]
        assert on_disk(app).answers(rounds[0].id)["team-2"].status == "partly"
        # Answer team-2: in place, with an action, owner and review date.
        table = screen.query_one("#assess-table", RecordTable)
        table.move_to("team-2")
        await pilot.pause()
        assert "pdsa knows:" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)
        assert "Who else in team do they need?" in screen_text(app)
        await choose(pilot, 1)  # partly -> in place
        app.screen.query_one("#field-owner").focus()
        await type_text(pilot, "PACE lead")
        await pilot.press("tab")
        await type_text(pilot, "31/02/2027")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)  # a bad date keeps the form open
        error = widget_text(app.screen.query_one("#box-review .field-error", Static))
        assert "is not a real date" in error
        await pilot.press(*["backspace"] * 10)
        await type_text(pilot, "01/03/2027")
        await pilot.press("ctrl+s")
        await pilot.pause()
        answer = on_disk(app).answers(rounds[0].id)["team-2"]
        assert (answer.status, answer.owner, answer.review) == (
            "in-place",
            "PACE lead",
            dt.date(2027, 3, 1),
        )
        # The earlier round is untouched; the screen shows the progress since it.
        assert on_disk(app).answers(first.id)["team-2"].status == "partly"
        month = f"{earlier:%B}" if earlier.year == dates.today().year else f"{earlier:%B %Y}"
        text = screen_text(app)
        assert f"2 of 60 in place (was 1 on {earlier:%d/%m/%Y})" in text
        assert f"Team/Leads group: 2 of 6 in place, up from 1 in {month}" in text
        # The group's own question joins its theme.
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RecordForm)
        form.query_one("#field-text").focus()
        await type_text(pilot, "Do we meet the reporter monthly?")
        await pilot.press("ctrl+s")
        await pilot.pause()
        own = on_disk(app).questions()
        assert [(q.theme, q.text) for q in own] == [("team", "Do we meet the reporter monthly?")]
        assert "Do we meet the reporter monthly? (ours)" in screen_text(app)


async def test_export_the_governance_pack(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    store = app.store
    assert store is not None
    prog = store.programme()
    assert prog is not None  # the demo's
    store.save(dataclasses.replace(prog, name="Anytown <PACE>", last_pack=None))
    store.save(Meeting(date=dates.today(), present=["HoS"], notes="<script>x</script>"))
    async with app.run_test(size=SMALL) as pilot:
        await open_programme(app, pilot)
        await pilot.press("X")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        target = tmp_path / "pack.html"
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        html = target.read_text()
        assert "Anytown &lt;PACE&gt;: governance pack" in html
        assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html
        assert "<svg" in html  # each aim's measures with their charts
        prog = on_disk(app).programme()
        assert prog is not None and prog.last_pack == dates.today()


async def test_the_pack_made_again_the_same_day_keeps_its_meetings(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    store = app.store
    assert store is not None
    prog = store.programme()
    assert prog is not None
    month_ago = dates.today() - dt.timedelta(days=30)
    store.save(dataclasses.replace(prog, last_pack=month_ago, pack_from=None))
    store.save(Meeting(date=dates.today() - dt.timedelta(days=3), notes="Agreed to spread R-7"))
    async with app.run_test(size=SMALL) as pilot:
        await open_programme(app, pilot)
        for name in ("pack.html", "pack.md"):  # the board's copy, then the email's
            await pilot.press("X")
            await pilot.pause()
            assert isinstance(app.screen, PromptScreen)
            app.screen.query_one(Input).value = str(tmp_path / name)
            await pilot.press("enter")
            await pilot.pause()
            assert "Agreed to spread R-7" in (tmp_path / name).read_text(), name
        prog = on_disk(app).programme()
        assert prog is not None
        assert (prog.last_pack, prog.pack_from) == (dates.today(), month_ago)
