"""The self-assessment template shipped as data holds every question of the seed, verbatim."""

from __future__ import annotations

import conftest

from pdsa_tui.analysis.programme import evidence_keys
from pdsa_tui.model.template import template

DATA = conftest.TEST_DATA
#: The seed document as the project received it (a copy; see the test below).
SEED = DATA / "seed_002_self_sufficiency.txt"
SHARED_SEED = conftest.SHARED / "seeds" / "002_98c0b403b7e980e9.txt"


def seed_sections() -> dict[str, list[str]]:
    """Heading -> its bullet points, read from the seed text itself.

    In the text, a heading stands alone on a line with no leading space; each bullet
    starts with a space (the bullet glyph was lost in conversion); a bullet's lines
    after the first start without one. A line broken after a hyphen joins without a space.
    """
    lines = SEED.read_text(encoding="utf-8").splitlines()
    headings = {t.heading for t in template().themes} | {"RESOURCES"}
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if text in headings:
            current = sections.setdefault(text, [])
        elif current is None:
            continue  # the title, before the first heading
        elif line.startswith(" "):
            current.append(text)
        else:
            joiner = "" if current[-1].endswith("-") else " "
            current[-1] += joiner + text
    return sections


def test_every_theme_of_the_seed_in_order() -> None:
    sections = seed_sections()
    assert [t.heading for t in template().themes] == [h for h in sections if h != "RESOURCES"]
    assert len(template().themes) == 11
    assert [t.name for t in template().themes] == [
        "Team/Leads group",
        "Governance",
        "Relationship building",
        "Data",
        "Listening",
        "Communication",
        "Aims",
        "Testing",
        "Implementation of change ideas",
        "QI knowledge",
        "Sharing knowledge across Scotland",
    ]


def test_every_question_of_the_seed_verbatim_in_its_theme() -> None:
    sections = seed_sections()
    for theme in template().themes:
        shipped = [q.text for q in theme.questions] + list(theme.notes)
        assert shipped == sections[theme.heading], theme.name
    assert list(template().resources) == sections["RESOURCES"]
    total = sum(len(v) for k, v in sections.items() if k != "RESOURCES")
    notes = sum(len(t.notes) for t in template().themes)
    assert len(template().questions()) == total - notes == 60


def test_question_ids_unique_and_evidence_keys_known() -> None:
    ids = [q.id for q in template().questions()]
    assert len(ids) == len(set(ids))
    used = {q.evidence for q in template().questions() if q.evidence}
    assert used <= evidence_keys()
    assert used == evidence_keys()  # every evidence pdsa can give is attached to a question


def test_the_copy_is_the_seed_itself() -> None:
    if SHARED_SEED.exists():  # in the project's checkout; the copy travels with the tests
        assert SEED.read_bytes() == SHARED_SEED.read_bytes()
    assert "PACE self-sufficiency and continuous quality" in SEED.read_text(encoding="utf-8")
