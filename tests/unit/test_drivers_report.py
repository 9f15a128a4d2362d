"""Evidence cards, the spread matrix, driver diagram and flowchart drawings, change packages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET

from conftest import Programme

from pdsa_tui.analysis.attention import aim_attention
from pdsa_tui.analysis.evidence import evidence_card
from pdsa_tui.analysis.spread import next_stage, spread_matrix
from pdsa_tui.model import Aim, ChangeIdea, Cycle, DataPoint, Measure
from pdsa_tui.model.drivers import ChangePackage, SpreadEntry
from pdsa_tui.report.driver_svg import driver_svg, flowchart_svg
from pdsa_tui.report.drivers_content import driver_tree, package_content, spread_table
from pdsa_tui.report.drivers_render import drivers_md, package_html, package_md
from pdsa_tui.store import Store
from pdsa_tui.store.drivers import link_driver, set_spread

SVG = "{http://www.w3.org/2000/svg}"
TODAY = dt.date(2019, 6, 1)
NOW = dt.datetime(2019, 6, 1, 9, 30, tzinfo=dt.UTC)


def _months(values: list[float]) -> list[DataPoint]:
    return [
        DataPoint(date=dt.date(2018 + (k // 12), k % 12 + 1, 1), value=v)
        for k, v in enumerate(values)
    ]


def test_evidence_card_says_what_is_missing(programme: Programme) -> None:
    idea = dataclasses.replace(programme.idea, affects=["foster carer", "Practitioner", "child"])
    card = evidence_card(
        idea,
        programme.cycles,
        programme.feedback,
        ["North locality", "South locality", "East"],
        programme.aim,
        [],
    )
    assert card.cycles == 2 and card.decisions == {"adapt": 1}
    assert card.localities_missing == ["South locality", "East"]
    assert card.roles_heard == {"foster_carer": 1, "practitioner": 1}
    assert card.roles_unheard == ["child"]
    assert card.first_cycle == dt.date(2019, 3, 4)
    gaps = "\n".join(card.gaps)
    assert "No cycle has decided Adopt or Expand." in gaps
    assert "Not tested in: South locality, East." in gaps
    assert "Not heard from: Child or young person." in gaps
    text = card.text()
    assert "Tested in 1 of 3 localities" in text
    assert "Heard from Foster carer: 1, Practitioner: 1" in text or "Practitioner: 1" in text


def test_evidence_card_sees_a_shift_after_the_first_cycle() -> None:
    aim = Aim(code="Aim 9", statement="s")
    # 12 months around 40, then 7 months up at 70 from Jan 2019: a shift upward.
    up = Measure(
        aim_id=aim.id,
        name="Up",
        unit="percent",
        direction="up",
        points=_months([40, 42, 38, 41, 39, 40, 43, 37, 40, 41, 39, 40] + [70] * 7),
    )
    down = dataclasses.replace(up, name="Down is better", direction="down", id="m2")
    flat = dataclasses.replace(up, name="Flat", points=_months([40, 41] * 9), id="m3")
    idea = ChangeIdea(aim_id=aim.id, title="t", lead="TL", settings=["A"])
    cycle = Cycle(
        idea_id=idea.id, number=1, objective="o", do_start=dt.date(2018, 12, 15), decision="adopt"
    )
    card = evidence_card(idea, [cycle], [], ["A"], aim, [up, down, flat])
    verdicts = {m.name: m.verdict for m in card.measures}
    assert verdicts == {"Up": "better", "Down is better": "worse", "Flat": "none"}
    assert "a shift (better) from 01/01/2019" in card.measures[0].text
    assert not any("signal of improvement" in g for g in card.gaps)
    assert card.gaps == ["The idea does not say which roles it affects."]
    # Before the first cycle the same shift would not count for this idea.
    late = dataclasses.replace(cycle, do_start=dt.date(2019, 8, 1))
    card = evidence_card(idea, [late], [], ["A"], aim, [up])
    assert card.measures[0].verdict == "none"


def test_spread_matrix_stages(store: Store, programme: Programme) -> None:
    other = store.save(
        ChangeIdea(aim_id=programme.aim.id, title="Other", lead="TL", settings=["south  LOCALITY"])
    )
    store.save(ChangeIdea(aim_id=programme.aim.id, title="Gone", lead="TL", status="abandoned"))
    set_spread(store, programme.idea, "North locality", "implementing")
    set_spread(store, programme.idea, "north locality", "sustained")  # same cell, updated
    assert store.count(SpreadEntry) == 1
    table = spread_table(store, programme.aim)
    assert table.localities == ["North locality", "south LOCALITY"]
    stages = {r.idea.title: r.stages for r in table.rows}
    assert stages == {
        "Early permanence planning meeting": ("sustained", "not_tested"),
        "Other": ("not_tested", "testing"),
    }
    assert [r.idea.id for r in spread_matrix([other], ["X"], [])] == [other.id]
    assert [next_stage(s) for s in ("not_tested", "testing", "implementing", "sustained")] == [
        "testing",
        "implementing",
        "sustained",
        "not_tested",
    ]


def test_driver_diagram_markdown_and_svg_parse(store: Store, programme: Programme) -> None:
    hostile = "<script>alert('x')</script> & \"q\""
    link_driver(store, programme.idea, "Timely planning", hostile)
    store.save(ChangeIdea(aim_id=programme.aim.id, title="Loose idea", lead="TL"))
    tree = driver_tree(store, programme.aim)
    md = "\n".join(drivers_md(tree))
    assert "- **Primary driver:** Timely planning" in md
    assert "    - Change idea: Early permanence planning meeting (Testing; Cycle 2 at Do)" in md
    assert (
        "- **Not linked to a driver yet**\n  - Change idea: Loose idea (Idea; no cycles yet)" in md
    )
    assert "<script>" not in md
    svg = driver_svg(tree)
    root = ET.fromstring(svg)  # well-formed, hostile text escaped
    assert root.tag == f"{SVG}svg"
    texts = [" ".join(s.text or "" for s in t) or t.text or "" for t in root.iter(f"{SVG}text")]
    assert hostile in texts
    assert any("Early permanence planning" in t for t in texts)
    assert len(list(root.iter(f"{SVG}rect"))) == 4  # aim, primary, secondary, idea
    assert len(list(root.iter(f"{SVG}path"))) == 3  # the links between them
    width = float(root.get("width", "0"))
    for rect in root.iter(f"{SVG}rect"):
        assert (
            float(rect.get("x", "-1")) >= 0
            and float(rect.get("x", "0")) + float(rect.get("width", "0")) <= width
        )


def test_flowchart_svg_draws_steps_and_decisions() -> None:
    steps = ["Case added", "? On track", "Agree actions <now>", "Book meeting"]
    root = ET.fromstring(flowchart_svg(steps))
    assert len(list(root.iter(f"{SVG}rect"))) == 3
    assert len(list(root.iter(f"{SVG}polygon"))) == 1
    assert len(list(root.iter(f"{SVG}line"))) == 3  # arrows between four steps
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert texts == ["1. Case added", "2. On track?", "3. Agree actions <now>", "4. Book meeting"]
    empty = ET.fromstring(flowchart_svg([]))
    assert "No steps written yet" in "".join(empty.itertext())


def test_audit_due_needs_attention(programme: Programme) -> None:
    pkg = ChangePackage(idea_id=programme.idea.id, audit_by="SP", audit_next_due=TODAY)
    items = aim_attention(programme.aim, [], [programme.idea], [], TODAY, packages=[pkg])
    assert [(a.kind, a.text) for a in items] == [
        ("audit_due", "Early permanence planning meeting: self-audit by SP due 01 Jun 2019")
    ]
    later = dataclasses.replace(pkg, audit_next_due=TODAY + dt.timedelta(days=1))
    assert aim_attention(programme.aim, [], [programme.idea], [], TODAY, packages=[later]) == []


def test_change_package_documents(store: Store, programme: Programme) -> None:
    store.save(
        ChangePackage(
            idea_id=programme.idea.id,
            steps="Child accommodated\n? Meeting booked in week 1\nMeeting held <within 4 weeks>",
            guidance="Why: earlier plans.",
            contacts="Idea lead: Team leader\nno colon here",
            resources="Template - shared drive",
            start_date=dt.date(2019, 7, 1),
            approvals="Head of service | 01/05/2019",
            audit_every_weeks=12,
            audit_by="SP",
            audit_next_due=dt.date(2019, 5, 1),
        )
    )
    pc = package_content(store, programme.idea, TODAY)
    assert pc.audit_due
    md = package_md(pc, NOW)
    assert md.startswith("# Change package: Early permanence planning meeting\n")
    assert "2. Decision: Meeting booked in week 1" in md
    assert "| Idea lead | Team leader |" in md and "|   | no colon here |" in md
    assert "| Head of service | 01/05/2019 |" in md
    assert "- **How often:** every 12 weeks" in md
    assert "- **Next due:** 01 May 2019 (due now)" in md
    assert "- **Start date:** 01 Jul 2019" in md
    assert "North locality: Testing" in md
    html = package_html(pc, NOW)
    assert "&lt;within 4 weeks&gt;" in html and "<within" not in html
    assert 'class="due"' in html
    start = html.index('<svg class="flowchart"')
    ET.fromstring(html[start : html.index("</svg>", start) + 6])


def test_localities_come_from_the_programme_once_it_names_them(
    store: Store, programme: Programme
) -> None:
    from pdsa_tui.model import Programme as ProgrammeRecord
    from pdsa_tui.report.drivers_content import evidence_for
    from pdsa_tui.store.drivers import localities

    set_spread(store, programme.idea, "Buckie", "testing")
    # No programme yet: every locality named anywhere.
    assert localities(store) == ["Buckie", "North locality"]
    store.save(ProgrammeRecord(name="Moray PACE", localities=["Elgin", "north  locality", "Keith"]))
    assert localities(store) == ["Elgin", "north locality", "Keith"]
    # The matrix also shows a locality only a spread entry names, so nothing recorded hides.
    assert spread_table(store, programme.aim).localities == [
        "Elgin", "north locality", "Keith", "Buckie"]  # fmt: skip
    card = evidence_for(store, programme.idea)
    assert card.localities_all == ["Elgin", "north locality", "Keith"]
    assert card.localities_missing == ["Elgin", "Keith"]  # North tested (any case or spacing)


def test_json_export_keeps_the_aims_drivers_spread_and_packages(
    store: Store, programme: Programme
) -> None:
    import json

    from pdsa_tui.model.drivers import PrimaryDriver, SecondaryDriver
    from pdsa_tui.report.export import export_text

    other = store.save(Aim(code="Aim 8", statement="s"))
    store.save(PrimaryDriver(aim_id=other.id, title="Not this aim's"))
    idea = link_driver(store, programme.idea, "Timely planning", "Early meetings")
    set_spread(store, idea, "North locality", "implementing")
    package = store.save(ChangePackage(idea_id=idea.id, steps="a\n? b"))
    doc = json.loads(export_text(store, aim=programme.aim, fmt="json", now=NOW))
    assert [p["title"] for p in doc["primary_drivers"]] == ["Timely planning"]
    [sec] = doc["secondary_drivers"]
    assert SecondaryDriver.from_dict(sec) == store.get(SecondaryDriver, idea.driver_id)
    assert [s["stage"] for s in doc["spread"]] == ["implementing"]
    assert ChangePackage.from_dict(doc["change_packages"][0]) == package
    assert doc["ideas"][0]["driver_id"] == idea.driver_id
    cycle_doc = json.loads(export_text(store, cycle=programme.cycles[0], fmt="json", now=NOW))
    assert "primary_drivers" not in cycle_doc  # a cycle's summary keeps to the cycle


def test_evidence_card_counts_the_localities_it_lists() -> None:
    """Issue 24, item 8: "Tested in 3 of 4 localities" listed five places (two were teams)."""
    idea = ChangeIdea(
        aim_id="a", title="t", lead="TL", settings=["East team", "Elgin", "West team", "Forres"]
    )
    card = evidence_card(
        idea,
        [],
        [],
        ["Elgin", "Forres", "Buckie", "Keith"],
        None,
        [],
        tested=["East team", "Elgin", "West team", "Forres", "buckie"],
    )
    places = dict(card.sections())["Localities"]
    assert places == [
        "Tested in 3 of 4 localities: Elgin, Forres, Buckie",
        "Other settings tested: East team, West team",
        "Not yet: Keith",
    ]
    # With no localities known, the settings are still shown.
    bare = evidence_card(idea, [], [], [], None, [])
    assert dict(bare.sections())["Localities"] == [
        "No localities known",
        "Tested in: East team, Elgin, West team, Forres",
    ]
