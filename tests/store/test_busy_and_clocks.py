"""Busy files and wrong clocks (issue 20, items 4 and 7)."""

from __future__ import annotations

import dataclasses
import errno
import os
from typing import Any

import pytest

from pdsa_tui.model import Aim
from pdsa_tui.store import Store, WriteFailedError
from pdsa_tui.store import files as store_files


def _busy(times: int) -> Any:
    real = os.replace
    calls = {"n": 0}

    def replace(src: Any, dst: Any) -> None:
        calls["n"] += 1
        if calls["n"] <= times:
            raise PermissionError(errno.EACCES, "The process cannot access the file", str(dst))
        real(src, dst)

    return replace, calls


def test_a_replace_refused_for_a_moment_is_retried(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    replace, calls = _busy(3)  # an antivirus scanner holds the file for a moment
    monkeypatch.setattr(store_files.os, "replace", replace)
    store.save(Aim(code="A", statement="saved while busy"))
    monkeypatch.undo()
    assert calls["n"] == 4
    with Store.open(store.path, read_only=True) as r:
        assert [a.code for a in r.aims()] == ["A"]


def test_a_file_kept_busy_fails_clearly_and_keeps_the_last_save(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save(Aim(code="A", statement="first"))
    before = store.path.read_bytes()
    monkeypatch.setattr(store_files, "BUSY_REPLACE", 0.2)
    replace, _calls = _busy(10_000)
    monkeypatch.setattr(store_files.os, "replace", replace)
    with pytest.raises(WriteFailedError, match="another program") as err:
        store.save(dataclasses.replace(store.aims()[0], statement="second"))
    monkeypatch.undo()
    assert "\n" not in str(err.value)
    assert store.path.read_bytes() == before
    assert not [p for p in store.path.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_record_dated_ahead_of_the_clock_is_named_by_check(store: Store) -> None:
    aim = store.save(Aim(code="A", statement="s"))
    raw = store.raw_doc(aim.id)
    assert raw is not None
    raw["updated"] = "2036-12-06T10:00:00+00:00"
    doc_id = store.raw_records()[("aims", aim.id)][0]
    store.write_raw("aims", doc_id, raw)
    problems = store.problems()
    assert any("more than a day ahead of this computer's clock" in p for p in problems)
