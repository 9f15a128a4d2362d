"""The programme's default rule set: which rule set a measure is analysed with.

A measure whose own rule set is 'default' (or unset) follows the programme's; one with
its own keeps it. Old files (no programme rule set, measures saved with 'anhoej') open
and analyse as before.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pdsa_tui.analysis.attention import aim_attention
from pdsa_tui.analysis.measures import view_frame, view_measure
from pdsa_tui.model import Aim, DataPoint, Measure, Programme, ValidationError, from_form, to_form
from pdsa_tui.model.programme import measure_rules, programme_rules


def _measure(rules: str = "default") -> Measure:
    points = [
        DataPoint(date=dt.date(2019, 1 + k % 12, 1) + dt.timedelta(days=365 * (k // 12)), value=v)
        for k, v in enumerate([5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 9, 10, 11, 10, 12, 11])
    ]
    return Measure(aim_id="a", name="m", unit="count", rules=rules, points=points)


@pytest.mark.parametrize(
    ("own", "default", "used"),
    [
        ("default", "mdc", "mdc"),
        ("", "ihi", "ihi"),
        ("default", "anhoej", "anhoej"),
        ("anhoej", "mdc", "anhoej"),
        ("ihi", "mdc", "ihi"),
        ("mdc", "anhoej", "mdc"),
        ("default", "nonsense", "anhoej"),
        ("nonsense", "ihi", "ihi"),
    ],
)
def test_a_measure_uses_its_own_rule_set_else_the_programmes(
    own: str, default: str, used: str
) -> None:
    assert measure_rules(own, default) == used


def test_the_programme_default_is_anhoej_and_old_files_open_unchanged() -> None:
    assert programme_rules(None) == "anhoej"
    assert Programme(name="P").rules == "anhoej"
    # A programme saved before the field existed.
    old = Programme.from_dict({"id": "p1", "name": "Old PACE", "pace_lead": "PL"})
    assert old.rules == "anhoej" and programme_rules(old) == "anhoej"
    assert programme_rules(Programme(name="P", rules="mdc")) == "mdc"
    # A measure saved with today's explicit 'anhoej' keeps it; one without follows.
    kept = Measure.from_dict({"id": "m1", "aim_id": "a", "name": "m", "rules": "anhoej"})
    assert kept.rules == "anhoej" and measure_rules(kept.rules, "mdc") == "anhoej"
    new = Measure.from_dict({"id": "m2", "aim_id": "a", "name": "m"})
    assert new.rules == "default" and measure_rules(new.rules, "ihi") == "ihi"


def test_the_programme_form_takes_a_rule_set_and_refuses_others() -> None:
    base = Programme(name="P")
    values = to_form(base)
    assert values["rules"] == "anhoej"
    saved = from_form(Programme, {**values, "rules": "mdc"}, base=base)
    assert saved.rules == "mdc"
    with pytest.raises(ValidationError) as err:
        from_form(Programme, {**values, "rules": "default"}, base=base)
    assert [e.field for e in err.value.errors] == ["rules"]
    measure_form = to_form(Measure(aim_id="a", name="m"))
    assert measure_form["rules"] == "default"


def test_the_analysis_follows_the_programme_default() -> None:
    follows = _measure()
    assert view_measure(follows).analysis.rules == "anhoej"
    assert view_measure(follows, default_rules="mdc").analysis.rules == "mdc"
    assert view_frame(follows, default_rules="ihi").analysis.rules == "ihi"
    own = _measure("ihi")
    assert view_measure(own, default_rules="mdc").analysis.rules == "ihi"


def test_attention_reads_assurance_when_the_default_is_mdc() -> None:
    """An outcome following an 'mdc' programme is judged by its limits, not one month."""
    aim = Aim(
        code="Aim 1",
        statement="s",
        cohort_from=dt.date(2019, 1, 1),
        deadline=dt.date(2020, 6, 1),
        target_pct=None,
    )
    outcome = Measure(
        aim_id=aim.id,
        name="weeks",
        unit="weeks",
        direction="down",
        goal=2,
        type="outcome",
        points=_measure().points,
    )
    today = dt.date(2020, 5, 1)
    anhoej = aim_attention(aim, [outcome], [], [], today)
    mdc = aim_attention(aim, [outcome], [], [], today, default_rules="mdc")
    assert not any("consistently miss" in a.text for a in anhoej)
    assert any("consistently miss the target" in a.text for a in mdc)
