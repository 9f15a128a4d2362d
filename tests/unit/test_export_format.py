"""``pdsa export -o report.html``: the extension chooses the format; ``--format`` wins.

Before issue 9, ``--aim``, ``--cycle`` and ``--all`` demanded ``--format`` whatever the
file was called. Now every export takes its format from the extension of ``-o``, unless
``--format`` is given; an extension that chooses none is a usage error (exit 2, one line)
naming the extensions accepted, and nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Programme

from pdsa_tui.cli import main
from pdsa_tui.report.formats import FORMATS, format_of, normal_format
from pdsa_tui.store import Store


@pytest.fixture
def db(store: Store, make_programme: Callable[[Store], Programme], tmp_db: Path) -> Path:
    make_programme(store)
    store.close()
    return tmp_db


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def cycle_id(db: Path) -> str:
    with Store.open(db, read_only=True) as s:
        return s.cycles_for_aim(s.find_aim("Aim 1").id)[0].id


#: How each format's file begins.
STARTS = {
    "md": ("# ",),
    "html": ("<!DOCTYPE html>",),
    "csv": ("\ufeffaim_code", "aim_code"),
    "json": ("{",),
}


def scopes(db: Path) -> dict[str, list[str]]:
    return {"aim": ["--aim", "Aim 1"], "cycle": ["--cycle", cycle_id(db)], "all": ["--all"]}


# -- the helpers -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("report.md", "md"),
        ("REPORT.MARKDOWN", "md"),
        ("a.b/report.html", "html"),
        ("report.htm", "html"),
        ("report.csv", "csv"),
        ("~/report.json", "json"),
    ],
)
def test_the_extension_chooses(name: str, fmt: str) -> None:
    assert format_of(name, FORMATS) == fmt


def test_an_extension_that_chooses_nothing_says_what_is_accepted() -> None:
    with pytest.raises(ValueError) as info:
        format_of("all.odt", FORMATS)
    assert str(info.value) == (
        "'all.odt': the extension .odt chooses no format; end the name with .md, .html, "
        ".csv, .json, .docx or .pdf"
    )
    with pytest.raises(ValueError) as info:
        format_of("reports.v2/all", FORMATS)
    assert str(info.value) == (
        "'all' has no extension to choose the format; end it with .md, .html, .csv, .json, "
        ".docx or .pdf"
    )
    with pytest.raises(ValueError, match=r"format for minutes; end the name with \.md or \.html"):
        format_of("minutes.json", ("md", "html"), "minutes")


def test_a_format_by_name() -> None:
    assert normal_format("HTML", FORMATS) == "html"
    assert normal_format(".md", FORMATS) == normal_format("markdown", FORMATS) == "md"
    with pytest.raises(ValueError, match="unknown format 'odt'; use one of: md, html, csv, json, "):
        normal_format("odt", FORMATS)


# -- pdsa export ---------------------------------------------------------------------------------
@pytest.mark.parametrize("scope", ["aim", "cycle", "all"])
@pytest.mark.parametrize("ext", ["md", "html", "csv", "json", "htm", "markdown"])
def test_the_extension_of_o_chooses_the_format(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path, scope: str, ext: str
) -> None:
    fmt = {"htm": "html", "markdown": "md"}.get(ext, ext)
    out = tmp_path / f"report.{ext}"
    status, stdout, err = run(capsys, "export", "--db", db, *scopes(db)[scope], "-o", out)
    assert (status, err) == (0, "")
    assert f"({FORMATS[fmt]}) to {out}" in stdout
    assert out.read_text(encoding="utf-8").startswith(STARTS[fmt])


def test_format_wins_over_the_extension(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    status, _, err = run(capsys, "export", "--db", db, "--all", "--format", "md", "-o", out)
    assert (status, err) == (0, "")
    assert out.read_text(encoding="utf-8").startswith("# ")
    status, stdout, err = run(capsys, "export", "--db", db, "--all", "--format", "json", "-o", "-")
    assert (status, err) == (0, "")
    assert json.loads(stdout)["format"] == "pdsa-export"


@pytest.mark.parametrize("scope", ["aim", "cycle", "all"])
@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("all.odt", "'all.odt': the extension .odt chooses no format; end the name with "
                    ".md, .html, .csv, .json, .docx or .pdf, or give --format "
                    "(md, html, csv, json, docx, pdf)"),
        ("report", "'report' has no extension to choose the format; end it with .md, .html, "
                   ".csv, .json, .docx or .pdf, or give --format (md, html, csv, json, docx, pdf)"),
        ("-", "give --format (md, html, csv, json, docx, pdf): -o - (stdout) has no extension "
              "to choose it"),
    ],
)  # fmt: skip
def test_an_unknown_extension_without_format_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
    db: Path,
    tmp_path: Path,
    scope: str,
    name: str,
    words: str,
) -> None:
    before = db.read_bytes()
    target = name if name == "-" else str(tmp_path / name)
    status, stdout, err = run(capsys, "export", "--db", db, *scopes(db)[scope], "-o", target)
    assert status == 2 and stdout == ""
    assert err == f"pdsa: {words}\n"
    assert list(tmp_path.glob("all*")) == [] and not (tmp_path / "report").exists()
    assert db.read_bytes() == before


def test_an_unknown_format_is_still_refused(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    status, _, err = run(capsys, "export", "--db", db, "--all", "--format", "odt", "-o",
                         tmp_path / "all.html")  # fmt: skip
    assert status == 2
    assert err == "pdsa: unknown format 'odt'; use one of: md, html, csv, json, docx, pdf\n"


@pytest.mark.parametrize(
    ("args", "name", "words"),
    [
        (["--change-package", "Early permanence"], "p.csv",
         "'p.csv': the extension .csv chooses no format for a change package; end the name "
         "with .md, .html, .docx or .pdf, or give --format (md, html, docx, pdf)"),
        (["--programme"], "pack.csv",
         "chooses no format for the governance pack; end the name with .md, .html, .json, "
         ".docx or .pdf"),
    ],
)  # fmt: skip
def test_the_other_exports_name_their_own_extensions(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path, args: list[str], name: str,
    words: str,
) -> None:  # fmt: skip
    status, _, err = run(capsys, "export", "--db", db, *args, "-o", tmp_path / name)
    assert status == 2 and words in err and err.count("\n") == 1, err
    ok = tmp_path / name.replace(".csv", ".md")
    status, stdout, err = run(capsys, "export", "--db", db, *args, "-o", ok)
    assert (status, err) == (0, ""), err
    assert "(Markdown)" in stdout or ok.read_text(encoding="utf-8").startswith("# ")
