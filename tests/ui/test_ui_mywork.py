"""Issue 24, item 5: My work from the overview, for --user / $PDSA_USER."""

from __future__ import annotations

from pathlib import Path

from ui_support import LARGE, screen_text

from pdsa_tui.analysis.mywork import is_me, my_work
from pdsa_tui.demo import write_demo
from pdsa_tui.model import Cycle, Meeting
from pdsa_tui.store import Store
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.screens.cycle import CycleScreen
from pdsa_tui.ui.screens.mywork import MyWorkScreen


def test_lead_and_owner_name_a_person_by_name_or_initials() -> None:
    assert is_me("Senior Practitioner (SP), West team", "SP")
    assert is_me("sp", "SP")
    assert not is_me("Spread lead", "SP")
    assert not is_me("Senior Practitioner (SP)", "")


async def test_my_work_lists_my_open_cycles_and_actions_by_due_date(tmp_path: Path) -> None:
    path = tmp_path / "demo.json"
    write_demo(path)
    store = Store.open(path, user="SP")
    mine = my_work(store, "SP")
    assert mine and "Cycle" in {i.kind.split()[0] for i in mine}
    undone = [a for m in store.all(Meeting) for a in m.actions if not a.done and a.owner]
    if undone:
        owner = undone[0].owner
        assert any(i.what == undone[0].what for i in my_work(store, owner))
    dues = [i.due for i in mine if i.due is not None]
    assert dues == sorted(dues)
    assert all(
        store.get(Cycle, i.target[1]).stage != "closed" for i in mine if i.target[0] == "cycle"
    )
    app = PdsaApp(store, path)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, MyWorkScreen)
        text = screen_text(app)
        assert "My work: SP" in text
        assert mine[0].what[:30] in text
        first_cycle = next(n for n, i in enumerate(mine) if i.target[0] == "cycle")
        await pilot.press(*["down"] * first_cycle, "enter")
        await pilot.pause()
        assert isinstance(app.screen, CycleScreen)
