"""Pilot tests: driver diagram tree, evidence card, spread matrix, change package."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static, TextArea
from ui_support import LARGE, SMALL, demo_app, screen_text, widget_text

from pdsa_tui.model import ChangeIdea
from pdsa_tui.model.drivers import ChangePackage, EvidenceReview, SecondaryDriver, SpreadEntry
from pdsa_tui.store import Store
from pdsa_tui.store.drivers import driver_ideas, evidence_reviews, package_for
from pdsa_tui.ui.dialogs.evidence import EvidenceScreen
from pdsa_tui.ui.dialogs.modals import RecordForm
from pdsa_tui.ui.dialogs.pick import PickScreen
from pdsa_tui.ui.screens.drivers import DriverScreen
from pdsa_tui.ui.screens.idea import IdeaScreen
from pdsa_tui.ui.screens.package import PackageScreen
from pdsa_tui.ui.screens.spread import SpreadScreen
from pdsa_tui.ui.widgets.fields import FieldBox

KINSHIP = "Kinship assessment started at the first LAC review"


async def type_into(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*["space" if c == " " else c for c in text])


async def open_aim2(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.press("down", "enter")  # Aim 2 on the overview
    await pilot.pause()


async def open_kinship_idea(pilot) -> None:  # type: ignore[no-untyped-def]
    await open_aim2(pilot)
    await pilot.press("D")
    await pilot.pause()
    # Aim, primary, secondary, idea (15-week), secondary, idea (kinship).
    await pilot.press("down", "down", "down", "down", "down", "enter")
    await pilot.pause()


async def test_driver_tree_shows_ideas_and_adds_and_links_drivers(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await open_aim2(pilot)
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, DriverScreen)
        text = screen_text(app)
        assert "◆ Timely permanence planning and decision making" in text
        assert "• [Spreading · Cycle 3 at Act] 15-week timeline checklist reminder" in text
        assert "(no change idea yet: press l)" in text
        assert "p Add primary" in text  # the footer says how to add
        await pilot.press("p")
        assert isinstance(app.screen, RecordForm)
        await type_into(pilot, "Skilled confident workforce")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("s")  # under the new primary, which has the cursor
        assert isinstance(app.screen, RecordForm)
        await type_into(pilot, "Permanence training for all")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("l")
        assert isinstance(app.screen, PickScreen)
        assert KINSHIP in screen_text(app)
        await pilot.press("down", "enter")  # the second idea offered: kinship (by title)
        await pilot.pause()
        assert isinstance(app.screen, DriverScreen)
        text = screen_text(app)
        assert "◇ Permanence training for all" in text
    with Store.open(app.path, read_only=True) as store:
        [sec] = [s for s in store.all(SecondaryDriver) if s.title == "Permanence training for all"]
        assert [i.title for i in driver_ideas(store, sec.id)] == [KINSHIP]


async def test_unlink_keeps_the_idea_and_enter_opens_it(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        await open_aim2(pilot)
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("down", "down", "down")  # the 15-week idea
        await pilot.press("u")
        await pilot.pause()
        text = screen_text(app)
        assert "Not linked to a driver yet (1)" in text
        assert "2 of 3 change ideas linked" in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IdeaScreen)
        assert "15-week timeline checklist reminder" in screen_text(app)
    with Store.open(app.path, read_only=True) as store:
        idea = store.find_idea("15-week timeline checklist reminder")
        assert idea.driver_id == ""


async def test_moving_to_implementing_shows_the_evidence_card_and_records_the_reason(
    tmp_path: Path,
) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        await open_kinship_idea(pilot)
        assert isinstance(app.screen, IdeaScreen)
        await pilot.press("e")
        assert isinstance(app.screen, RecordForm)
        app.screen.query_one("#box-status", FieldBox).set_value("implementing")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        card = widget_text(app.screen.query_one("#evidence-card", Static))
        assert "No PDSA cycle has tested it yet." in card
        assert "Not heard: Kinship carer, Parent, Practitioner" in card
        assert "Tested in 0 of" in card
        assert "Evidence before implementing: " + KINSHIP in screen_text(app)
        await pilot.press("ctrl+s")  # no reason yet: asked for one, card stays
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        assert "Reason to go ahead: is required" in screen_text(app)
        await type_into(pilot, "Agreed by the Leads group as a national requirement")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, IdeaScreen)
        assert "Evidence reviewed" in screen_text(app)
    with Store.open(app.path, read_only=True) as store:
        idea = store.find_idea(KINSHIP)
        assert idea.status == "implementing"
        [review] = evidence_reviews(store, idea.id)
        assert review.trigger == "implementing"
        assert review.reason == "Agreed by the Leads group as a national requirement"
        assert "Not heard: Kinship carer, Parent, Practitioner" in review.summary


async def test_evidence_card_never_blocks(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await open_kinship_idea(pilot)
        await pilot.press("e")
        app.screen.query_one("#box-status", FieldBox).set_value("implementing")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await pilot.press("escape")  # not now: the change stays, nothing is recorded
        await pilot.pause()
        assert isinstance(app.screen, IdeaScreen)
        assert "No evidence review recorded: press v" in screen_text(app)
    with Store.open(app.path, read_only=True) as store:
        idea = store.find_idea(KINSHIP)
        assert idea.status == "implementing"
        assert store.count(EvidenceReview) == 1  # only the demo's own review of another idea


async def test_adopt_decision_shows_the_evidence_card(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        await open_aim2(pilot)
        await pilot.press("i")  # change ideas tab: 15-week reminder is first
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("end", "enter")  # cycle 3 waits for Act
        await pilot.pause()
        app.screen.field("decision").set_value("adopt")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        assert "A cycle's decision is Adopt" in screen_text(app)
        app.screen.query_one("#evidence-reason", TextArea).insert("Three cycles, four teams")
        await pilot.press("ctrl+s")
        await pilot.pause()
    with Store.open(app.path, read_only=True) as store:
        idea = store.find_idea("15-week timeline checklist reminder")
        reviews = evidence_reviews(store, idea.id)
        assert (reviews[0].trigger, reviews[0].reason) == ("adopt", "Three cycles, four teams")


async def test_spread_matrix_sets_stages_and_adds_a_locality(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await open_aim2(pilot)
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, SpreadScreen)
        text = screen_text(app)
        assert "Change idea" in text and "Keith" in text and "sustained" in text
        # The programme's localities; the 15-week reminder is not in Keith yet.
        assert "15-week timeline checklist reminder: spreading, tested in 3 of 4" in text
        await pilot.press("down", "right")  # kinship idea in Elgin: not tested
        await pilot.press("space")
        await pilot.pause()
        await pilot.press("a")
        await type_into(pilot, "Lossiemouth")
        await pilot.press("enter")
        await pilot.pause()
        assert "Lossiemouth" in screen_text(app)
    with Store.open(app.path, read_only=True) as store:
        kinship = store.find_idea(KINSHIP)
        cells = {(e.locality, e.stage) for e in store.all(SpreadEntry) if e.idea_id == kinship.id}
        assert cells == {("Elgin", "testing"), ("Lossiemouth", "not_tested")}


async def test_change_package_flowchart_edit_and_export(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    target = tmp_path / "package.md"
    async with app.run_test(size=SMALL) as pilot:
        await open_kinship_idea(pilot)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PackageScreen)
        assert "No change package yet: press e to write one." in screen_text(app)
        await pilot.press("e")
        assert isinstance(app.screen, RecordForm)
        await type_into(pilot, "Book the assessment")
        await pilot.press("enter")
        await type_into(pilot, "? Family member available")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PackageScreen)
        text = screen_text(app)
        assert "│ 1. Book the assessment" in text
        assert "◇ 2. Family member available?" in text
        await pilot.press("x")
        app.screen.query_one("Input").value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
    assert target.read_text(encoding="utf-8").startswith(f"# Change package: {KINSHIP}")
    with Store.open(app.path, read_only=True) as store:
        idea = store.get(ChangeIdea, store.find_idea(KINSHIP).id)
        package = package_for(store, idea.id)
        assert isinstance(package, ChangePackage)
        assert package.step_list() == ["Book the assessment", "? Family member available"]


async def test_due_self_audit_needs_attention_on_the_overview(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        assert (
            "15-week timeline checklist reminder: self-audit by Senior Practitioner (SP) due"
            in (screen_text(app))
        )


async def test_audit_done_moves_the_next_due_date(tmp_path: Path) -> None:
    import datetime as dt

    from pdsa_tui.model.dates import today

    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await open_aim2(pilot)
        await pilot.press("i", "enter")  # the 15-week reminder
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert "(due now)" in screen_text(app)
        await pilot.press("a")
        await pilot.pause()
        assert "(due now)" not in screen_text(app)
    with Store.open(app.path, read_only=True) as store:
        package = package_for(store, store.find_idea("15-week timeline checklist reminder").id)
        assert package is not None
        assert package.audit_next_due == today() + dt.timedelta(weeks=12)
