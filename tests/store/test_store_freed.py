"""A store nothing holds any more is freed at once, without waiting for the garbage collector.

A reference cycle through the store (it once held its ``Versions``, which holds it) left
every record for the collector, whose walk over them cost half a second after ``pdsa
check`` of 50,000 cycles.
"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from pdsa_tui.demo import write_demo
from pdsa_tui.model import Aim
from pdsa_tui.store import Store


def test_a_dropped_store_is_freed_by_reference_counting(tmp_path: Path) -> None:
    db = tmp_path / "demo.json"
    write_demo(db)
    was = gc.isenabled()
    gc.disable()
    try:
        store = Store.open(db)
        aim = store.aims()[0]
        store.save(aim)  # a save, and the versions of a record, as a session would use them
        assert store.versions.history(aim.id)
        assert isinstance(store.get(Aim, aim.id), Aim)
        ref = weakref.ref(store)
        store.close()
        del store
        assert ref() is None
    finally:
        if was:
            gc.enable()


def test_versions_act_on_their_store(tmp_path: Path) -> None:
    db = tmp_path / "demo.json"
    write_demo(db)
    with Store.open(db) as store:
        aim = store.aims()[0]
        store.save(aim)
        assert store.versions.history(aim.id) == store.versions.history(aim.id)
        assert store.versions.conflicts() == []
