"""Fixtures shared by the store's reading tests (test_building, test_typed)."""

from __future__ import annotations

import json
import types
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from robust_corpus import demo_file

from pdsa_tui.model import dates
from pdsa_tui.model.registry import RECORD_CLASSES


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo database's data (every table holds records), and from then on one clock:
    a record stored without its ``created`` or ``updated`` is stamped when it is built, so
    two builds a second apart under load would differ."""
    data: dict[str, Any] = json.loads(demo_file(tmp_path_factory.mktemp("demo")).read_bytes())
    assert all(data[cls.TABLE] for cls in RECORD_CLASSES)
    with mock.patch.object(dates, "time", types.SimpleNamespace(time=lambda: 1_800_000_000.0)):
        yield data
