"""``pdsa measure add --rules/--cannot-be-negative/--multiply`` and several rows per date."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from test_cli_cases import _pinned, fails, run  # noqa: F401  (the autouse fixture pins today)

from pdsa_tui.model import Aim, DataPoint, Measure
from pdsa_tui.store import Store


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "pdsa.json"
    with Store.open(path, create=True) as s:
        s.save(Aim(code="Aim 2", statement="85% within 30 weeks", target_pct=85))
    return path


def test_measure_add_with_rules_floor_and_multiplier(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "measure", "add", "--db", db, "--aim", "Aim 2", "--name", "Missing episodes",
        "--unit", "rate", "--direction", "down", "--rules", "mdc", "--cannot-be-negative",
        "--multiply", "1000",
    )  # fmt: skip
    assert code == 0, err
    with Store.open(db, read_only=True) as s:
        m = s.find_measure("Missing episodes")
        assert (m.rules, m.cannot_be_negative, m.multiply) == ("mdc", "yes", 1000)
    code, _, err = run(
        capsys, "measure", "add", "--db", db, "--aim", "Aim 2", "--name", "Plain", "--unit", "days"
    )
    assert code == 0, err
    with Store.open(db, read_only=True) as s:
        m = s.find_measure("Plain")
        # A new measure follows the programme's default rule set.
        assert (m.rules, m.cannot_be_negative, m.multiply) == ("default", "no", None)


def test_the_programme_default_rule_set_reaches_every_measure_that_follows_it(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``pdsa programme set --rules mdc``: exports analyse 'default' measures with it."""
    with Store.open(db) as s:
        aim = s.find_aim("Aim 2")
        for name, rules in (("Follows", "default"), ("Own", "ihi")):
            m = s.save(Measure(aim_id=aim.id, name=name, unit="days", rules=rules))
            s.measure_data.add_points(
                m,
                [
                    DataPoint(date=dt.date(2019 + k // 12, k % 12 + 1, 1), value=v)
                    for k, v in enumerate([30, 32, 29, 31, 35, 28, 30, 33, 27, 31, 30, 29])
                ],
            )

    def analysed() -> dict[str, str]:
        out = tmp_path / "aim.json"
        code, _, err = run(
            capsys, "export", "--db", db, "--aim", "Aim 2", "--format", "json", "-o", out,
            "--force",
        )  # fmt: skip
        assert code == 0, err
        doc = json.loads(out.read_text(encoding="utf-8"))
        names = {m["id"]: m["name"] for m in doc["measures"]}
        return {names[k]: a["rules"] for k, a in doc["analyses"].items()}

    assert analysed() == {"Follows": "anhoej", "Own": "ihi"}
    code, out, err = run(capsys, "programme", "set", "--db", db, "--name", "P", "--rules", "mdc")
    assert code == 0, err
    assert analysed() == {"Follows": "mdc", "Own": "ihi"}
    code, out, err = run(capsys, "programme", "show", "--db", db)
    assert code == 0 and "Default rule set: Making Data Count (NHS)" in out
    code, out, err = run(capsys, "programme", "show", "--db", db, "--json")
    assert json.loads(out)["rules"] == "mdc"
    fails(capsys, db, 1, ["--rules: 'default' is not one of"], "programme", "set", "--db",
          str(db), "--rules", "default")  # fmt: skip


def test_measure_add_refuses_bad_rules_and_multipliers(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["measure", "add", "--db", str(db), "--aim", "Aim 2", "--name", "x"]
    fails(capsys, db, 1, ["--rules: 'nelson' is not one of"], *base, "--rules", "nelson")
    fails(capsys, db, 1, ["--multiply: must be above 0"], *base, "--multiply", "0")
    fails(capsys, db, 1, ["--multiply: ", "comma"], *base, "--multiply", "1,000")


def test_import_several_rows_per_date_as_one_point(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "measure", "add", "--db", db, "--aim", "Aim 2", "--name", "Weeks",
        "--unit", "weeks", "--direction", "down",
    )  # fmt: skip
    assert code == 0, err
    csv = tmp_path / "weeks.csv"
    csv.write_text(
        "date,value\n01/01/2026,30\n01/01/2026,41\n01/01/2026,26\n01/02/2026,28\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "data", "import", "--db", db, "--measure", "Weeks", csv)
    assert code == 0, err
    assert "Imported 2 points" in out
    code, out, _ = run(capsys, "data", "list", "--db", db, "--measure", "Weeks", "--json")
    points = json.loads(out)
    assert points[0]["observations"] == [30, 41, 26] and points[0]["value"] == pytest.approx(97 / 3)
    assert "observations" not in points[1]
