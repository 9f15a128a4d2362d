"""``pdsa export --change-package``: the files written, the format rules and one-line errors."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import TODAY
from test_export_cli import run

from pdsa_tui.store import Store
from pdsa_tui.store.access import current_umask
from pdsa_tui.store.drivers import package_for

IDEA = "15-week timeline checklist reminder"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pdsa_tui.demo import write_demo

    # Module-scoped, so built before the day is pinned for each test: pin it here too.
    return write_demo(tmp_path_factory.mktemp("demo") / "demo.json", today=TODAY)


def test_markdown_by_title(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "package.md"
    status, stdout, err = run(
        capsys, "export", "--db", str(demo_db), "--change-package", IDEA.upper(),
        "--format", "md", "-o", str(out),
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert stdout == f"Wrote the change package of '{IDEA}' (Markdown) to {out}\n"
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"# Change package: {IDEA}\n")
    for heading in ("Why and what", "The new process", "Who to contact", "Resources",
                    "Training and coaching", "Approvals", "Self-audit plan",
                    "The evidence behind it", "Spread by locality"):  # fmt: skip
        assert f"\n## {heading}" in text, heading
    assert "4. Decision: Is the permanence plan on track" in text
    assert "| Data and tracker | Data lead |" in text
    assert os.stat(out).st_mode & 0o777 == 0o666 & ~current_umask()  # follows the folder


def test_html_by_id_prefix_and_extension(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(demo_db, read_only=True) as store:
        idea = store.find_idea(IDEA)
        package = package_for(store, idea.id)
        assert package is not None
    out = tmp_path / "package.html"
    status, stdout, err = run(
        capsys, "export", "--db", str(demo_db), "--change-package", idea.id[:8], "-o", str(out)
    )
    assert (status, err) == (0, "")
    assert "(HTML" in stdout
    html = out.read_text(encoding="utf-8")
    assert "<title>Change package: 15-week timeline checklist reminder</title>" in html
    start = html.index('<svg class="flowchart"')
    root = ET.fromstring(html[start : html.index("</svg>", start) + 6])
    steps = len(package.step_list())
    shapes = list(root.iter("{http://www.w3.org/2000/svg}rect")) + list(
        root.iter("{http://www.w3.org/2000/svg}polygon")
    )
    assert len(shapes) == steps == 7
    assert "A self-audit is due" in html  # the demo's audit fell due 3 days ago
    assert "http" not in html.replace("http-equiv", "").replace("http://www.w3.org/2000/svg", "")


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["--change-package", "no such idea"], 1, "no change idea 'no such idea'"),
        (
            ["--change-package", IDEA, "--format", "csv"],
            2,
            "unknown format 'csv' for a change package; use one of: md, html, docx, pdf",
        ),
        (["--change-package", IDEA, "--aim", "Aim 2"], 2, "--aim and --change-package"),
    ],
)
def test_errors_write_nothing(
    demo_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    status: int,
    message: str,
) -> None:
    out = tmp_path / "x.md"
    got, stdout, err = run(capsys, "export", "--db", str(demo_db), *args, "-o", str(out))
    assert got == status and stdout == ""
    assert message in err and err.count("\n") == 1
    assert not out.exists()


def test_refuses_to_overwrite_without_force(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.md"
    out.write_text("mine", encoding="utf-8")
    status, _, err = run(
        capsys, "export", "--db", str(demo_db), "--change-package", IDEA, "-o", str(out)
    )
    assert status == 1 and "already exists; add --force" in err
    assert out.read_text(encoding="utf-8") == "mine"
    status, _, err = run(
        capsys, "export", "--db", str(demo_db), "--change-package", IDEA, "-o", str(out), "--force"
    )
    assert (status, err) == (0, "")
    assert out.read_text(encoding="utf-8").startswith("# Change package")


def test_dash_writes_the_package_to_stdout_not_a_file_named_dash(
    demo_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    status, stdout, err = run(
        capsys, "export", "--db", str(demo_db), "--change-package", IDEA,
        "--format", "md", "-o", "-",
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert stdout.startswith(f"# Change package: {IDEA}\n")
    assert not (tmp_path / "-").exists()
