"""``python -m pdsa_tui.store.write_code``: write :mod:`pdsa_tui.store.written_code`.

Makes every function the store writes out for a record class (each table's builder,
checking and building or checking only, and each typed reader) and checks in their
texts (see :mod:`pdsa_tui.store.written`). Run it after changing a record class's
fields or the code that writes these functions; ``tests/store/test_written.py`` says when.
"""

from __future__ import annotations

from pathlib import Path

from pdsa_tui.model.registry import RECORD_CLASSES
from pdsa_tui.store import checks, typed, written

#: The generated module's file.
MADE_PATH = Path(written.__file__).with_name("written_code.py")


def all_texts() -> set[str]:
    """The text of every builder and typed reader of every record class."""
    for cls in RECORD_CLASSES:
        for build in (True, False):
            checks.table_builder(cls, build=build)
    for cls in typed.typed_classes():
        typed.converter(cls)
    return set(written.TEXTS)


def write() -> int:
    """Write :mod:`pdsa_tui.store.written_code` for the record classes as they are now."""
    texts = all_texts()
    MADE_PATH.write_text(written.render(texts), encoding="utf-8")
    print(f"wrote {MADE_PATH} ({len(texts)} functions)")
    return 0


if __name__ == "__main__":
    raise SystemExit(write())
