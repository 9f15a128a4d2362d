"""The architecture holds: imports go one way down the layers, Textual stays in ``ui``.

Layers, lowest first (ARCHITECTURE.md): ``model`` -> ``store`` (and the demo loader)
-> ``analysis`` -> ``report`` -> ``ui`` -> ``cli``. A module may import its own layer
and those below it, never one above. Only ``ui`` imports Textual or Rich. Inside
``store`` and ``model`` no two modules import each other, even lazily or for types.
Every import counts: at the top, inside a function, or under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

import pdsa_tui

PACKAGE = Path(pdsa_tui.__file__).resolve().parent

#: Each top-level part of the package and its rank: an import may not go to a higher rank.
RANKS = {
    "": 0,  # the package itself (its version)
    "memory": 0,
    "valueclass": 0,  # dataclasses with shared ==/repr/hash, for every layer
    "valueinit": 0,  # their __init__ and frozen guards, not compiled at import
    "valueinit_made": 0,  # the __init__ code valueinit checks in (generated)
    "model": 1,
    "store": 2,
    "demo": 2,
    "analysis": 3,
    "report": 4,
    "ui": 5,
    "serve": 6,  # the web server of `pdsa serve`: beside cli, which alone imports it
    "cli": 6,
    "__main__": 7,
}
#: Libraries only the user interface may import.
UI_ONLY = ("textual", "rich")


def module_name(path: Path) -> str:
    """``pdsa_tui.store.store`` for ``.../pdsa_tui/store/store.py``."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(source: str, module: str) -> Iterator[str]:
    """Every module ``source`` imports (relative imports resolved), anywhere in it."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = module.split(".")[: -node.level]
                base = ".".join([*pkg, base] if base else pkg)
            yield base
            # ``from pdsa_tui.model import choices`` imports the submodule too.
            for a in node.names:
                if (
                    (PACKAGE.parent / Path(*f"{base}.{a.name}".split(".")))
                    .with_suffix(".py")
                    .exists()
                ):
                    yield f"{base}.{a.name}"


def part(module: str) -> str:
    """The top-level part of the package a module belongs to ('' for the package)."""
    bits = module.split(".")
    return bits[1] if len(bits) > 1 else ""


def violations(sources: Iterable[tuple[str, str]]) -> list[str]:
    """What breaks the layers among ``(module, source)`` pairs, one line each."""
    found = []
    for module, source in sources:
        mine = RANKS[part(module)]
        for target in imports(source, module):
            top = target.split(".")[0]
            if top in UI_ONLY and part(module) != "ui":
                found.append(f"{module} imports {target}: only pdsa_tui.ui may use {top}")
            if top == "pdsa_tui" and RANKS[part(target)] > mine:
                found.append(f"{module} imports {target}, a higher layer")
    return found


def package_sources() -> list[tuple[str, str]]:
    return [(module_name(p), p.read_text("utf-8")) for p in sorted(PACKAGE.rglob("*.py"))]


def test_every_part_has_a_rank() -> None:
    parts = {part(m) for m, _ in package_sources()}
    assert parts <= set(RANKS), parts - set(RANKS)


def test_imports_go_down_the_layers_and_textual_stays_in_ui() -> None:
    assert violations(package_sources()) == []


@pytest.mark.parametrize(
    ("module", "source", "words"),
    [
        ("pdsa_tui.model.planted", "from pdsa_tui.ui.app import PdsaApp\n", "a higher layer"),
        ("pdsa_tui.store.planted", "def f():\n    import pdsa_tui.report.html\n", "higher"),
        (
            "pdsa_tui.analysis.planted",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..cli import main\n",
            "pdsa_tui.cli",
        ),
        ("pdsa_tui.report.planted", "from textual.widgets import Static\n", "only pdsa_tui.ui"),
        ("pdsa_tui.store.planted", "import rich.text\n", "only pdsa_tui.ui"),
    ],
)
def test_a_planted_upward_import_is_caught(module: str, source: str, words: str) -> None:
    found = violations([*package_sources(), (module, source)])
    assert len(found) == 1 and words in found[0] and module in found[0]


def cycles(sources: Iterable[tuple[str, str]], prefix: str) -> list[list[str]]:
    """Import circles among the modules under ``prefix`` (each circle once)."""
    graph: dict[str, set[str]] = {}
    for module, source in sources:
        if module == prefix or module.startswith(prefix + "."):
            graph[module] = {
                t for t in imports(source, module) if t.startswith(prefix + ".") and t != module
            }
    found: list[list[str]] = []
    seen: set[frozenset[str]] = set()

    def walk(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                circle = path[path.index(nxt) :]
                if frozenset(circle) not in seen:
                    seen.add(frozenset(circle))
                    found.append([*circle, nxt])
            elif len(path) < 12:
                walk(nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, [start])
    return found


@pytest.mark.parametrize("prefix", ["pdsa_tui.store", "pdsa_tui.model"])
def test_no_import_circles_inside(prefix: str) -> None:
    assert cycles(package_sources(), prefix) == []


def test_a_planted_circle_is_caught() -> None:
    planted = ("pdsa_tui.store.index", "from pdsa_tui.store.store import Store\n")
    sources = [s for s in package_sources() if s[0] != planted[0]] + [planted]
    assert any("pdsa_tui.store.index" in c for c in cycles(sources, "pdsa_tui.store"))
