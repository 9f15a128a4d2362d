"""A monkey test: thousands of seeded random keys through the app on a demo copy.

Nothing may crash, and the database must still load cleanly afterwards. It runs on
the demo and on a copy full of hostile text (control characters, markup, RTL, very long
lines). Set ``PDSA_MONKEY_KEYS`` / ``PDSA_MONKEY_HOSTILE_KEYS`` for a longer run and
``PDSA_MONKEY_SEED`` / ``PDSA_MONKEY_HOSTILE_SEED`` to replay one; a failure prints the
seed and the last keys pressed.
"""

from __future__ import annotations

import dataclasses
import os
import random
import unicodedata
from collections import Counter, deque
from pathlib import Path

import pytest
from textual import events
from textual.keys import _get_unicode_name_from_key
from textual.pilot import Pilot
from ui_support import SMALL, demo_app

from pdsa_tui.demo import AIM1_OUTCOME, AIM2_OUTCOME, AIM4_WEEKS
from pdsa_tui.model import Aim, ChangeIdea, Cycle, Feedback, Measure
from pdsa_tui.store import Store
from pdsa_tui.ui.app import PdsaApp, WelcomeScreen
from pdsa_tui.ui.screens.aim import AimScreen
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.screens.cases import CasesScreen
from pdsa_tui.ui.screens.cycle import CycleScreen
from pdsa_tui.ui.screens.measure import MeasureScreen
from pdsa_tui.ui.screens.overview import OverviewScreen
from pdsa_tui.ui.screens.review import ReviewScreen

N_KEYS = int(os.environ.get("PDSA_MONKEY_KEYS", "2000"))
SEED = int(os.environ.get("PDSA_MONKEY_SEED", "20180201"))
#: The run on a database full of hostile text (seed 4242 found a KeyError in Textual's
#: OptionList page up/down on a Select overlay of height 0).
HOSTILE_KEYS = int(os.environ.get("PDSA_MONKEY_HOSTILE_KEYS", "2000"))
HOSTILE_SEED = int(os.environ.get("PDSA_MONKEY_HOSTILE_SEED", "4242"))
#: Text that breaks terminals, markup, layouts and parsers.
HOSTILE = [
    "\x1b]52;c;cHduZWQ=\x07 clipboard",
    "\x1b]2;title\x07\x1b[2J\x1b[H cleared",
    "\x9b31m C1 red \x00 nul \x7f del",
    "[bold]x[/] [link=http://x]y[/link] [red",
    "\u202eRTL override \u200b zero width",
    "😀👨‍👩‍👧 家族 عائلة אבג 𝟘",
    "line one\nline two\n\n\tindented",
    "w" * 3000,
    "a | b | c | d | e",
    "=cmd|' /C calc'!A0",
]
BATCH = 40

LETTERS = [*"abcdefghijklmnopqrstuvwxyz", "A", "X", "N", "E"]
DIGITS = list("0123456789")
SPECIAL = [
    "enter",
    "escape",
    "tab",
    "shift+tab",
    "up",
    "down",
    "left",
    "right",
    "ctrl+s",
    "space",
    "question_mark",
    "pageup",
    "pagedown",
    "home",
    "end",
    "backspace",
    "slash",
    "minus",
    "full_stop",
]
#: Keys that end the app wherever they are pressed: never sent.
QUIT_KEYS = {"ctrl+q", "ctrl+c"}


def random_keys(rng: random.Random, n: int) -> list[str]:
    """``n`` keys, weighted towards navigation and the screens' letter keys."""
    pools = [(LETTERS, 4), (DIGITS, 2), (SPECIAL, 5)]
    out = []
    for _ in range(n):
        pool = rng.choices([p for p, _ in pools], weights=[w for _, w in pools])[0]
        out.append(rng.choice(pool))
    assert not QUIT_KEYS & set(out)
    return out


def start_screens(store: Store) -> list[PdsaScreen | None]:
    """Where each round of keys starts (None: the overview), so every screen gets keys."""
    aim = store.find_aim("Aim 2")
    cycle = store.cycles_for_aim(aim.id)[-1]
    return [
        None,
        AimScreen(aim.id),
        MeasureScreen(store.find_measure(AIM1_OUTCOME).id),
        CasesScreen(store.find_measure(AIM2_OUTCOME).id),
        CycleScreen(cycle.id),
        MeasureScreen(store.find_measure(AIM4_WEEKS).id),
        ReviewScreen(),
    ]


def quits_here(app: PdsaApp, key: str) -> bool:
    """True when ``key`` would quit from the current screen ('q' on the overview)."""
    return key == "q" and isinstance(app.screen, OverviewScreen | WelcomeScreen)


async def send_key(pilot: Pilot[None], key: str) -> None:
    """Press ``key`` and let the screen handle it, without Pilot.press's idle waits (~40 ms)."""
    app = pilot.app
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(key))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(event)
    await pilot._wait_for_screen()


def make_hostile(path: Path, rng: random.Random) -> None:
    """Put hostile text into every free-text field of every record (names kept: rounds
    find their measures by name)."""
    with Store.open(path) as store, store.transaction():
        for cls in (Aim, Measure, ChangeIdea, Cycle, Feedback):
            for rec in store.all(cls):
                changes = {
                    spec.name: rng.choice(HOSTILE)
                    for spec in cls.specs()
                    if spec.kind in ("text", "longtext") and spec.name not in ("name", "code")
                }
                store.save(dataclasses.replace(rec, **changes))
        for m in store.all(Measure):
            pts = [dataclasses.replace(p, note=rng.choice(HOSTILE)) for p in m.points]
            store.save(dataclasses.replace(m, points=pts))


@pytest.mark.parametrize("hostile", [False, True], ids=["demo", "hostile-text"])
async def test_random_keys_never_crash_or_corrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hostile: bool
) -> None:
    monkeypatch.chdir(tmp_path)  # exports the monkey asks for land here
    quits: Counter[str] = Counter()

    async def stay(self: PdsaApp) -> None:
        # A quit is no crash. Keys go in ahead of the screen's own work, so a 'q' meant for
        # a dialog can land on the overview once the dialog closes (under load): count it.
        quits[type(self.screen).__name__] += 1

    monkeypatch.setattr(PdsaApp, "action_quit", stay)
    seed, n_keys = (HOSTILE_SEED, HOSTILE_KEYS) if hostile else (SEED, N_KEYS)
    rng = random.Random(seed)
    keys = random_keys(rng, n_keys)
    recent: deque[str] = deque(maxlen=30)
    visited: Counter[str] = Counter()
    if hostile:
        demo_app(tmp_path).store.close()  # type: ignore[union-attr]
        make_hostile(tmp_path / "demo.json", rng)
    app = demo_app(tmp_path)
    sent = 0
    try:
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            assert app.store is not None
            starts = start_screens(app.store)
            per_round = max(len(keys) // len(starts), BATCH)
            for start in range(0, len(keys), BATCH):
                if start % per_round < BATCH:
                    # A new round: back to the overview, then to this round's screen.
                    while len(app.screen_stack) > 1 and not isinstance(app.screen, OverviewScreen):
                        app.pop_screen()
                        await pilot.pause()
                    screen = starts[(start // per_round) % len(starts)]
                    if screen is not None:
                        await app.push_screen(screen)
                        await pilot.pause()
                for key in keys[start : start + BATCH]:
                    if quits_here(app, key):
                        continue
                    recent.append(key)
                    visited[type(app.screen).__name__] += 1
                    await send_key(pilot, key)
                    sent += 1
                await pilot.pause()
                assert app._exception is None
                assert app.is_running, "the app stopped"
    except BaseException:
        print(f"monkey: seed {seed}, {sent} keys sent; last keys: {' '.join(recent)}")
        print(f"replay with seed {seed} and {n_keys} keys (PDSA_MONKEY_[HOSTILE_]SEED/KEYS)")
        raise
    print(
        f"monkey: seed {seed}, {sent} keys; screens: {dict(visited.most_common())}; "
        f"quits ignored: {dict(quits)}"
    )
    assert app._exception is None
    with Store.open(app.path, read_only=True) as store:
        assert store.problems() == [], f"seed {seed}"
