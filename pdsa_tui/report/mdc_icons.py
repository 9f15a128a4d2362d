"""Variation and assurance icons (Making Data Count), shown the same way everywhere.

The icon names are NHSRplotthedots' (``analysis.mdc.VARIATION_ICONS`` and
``ASSURANCE_ICONS``), as ``Analysis.variation_icon`` / ``assurance_icon`` give them.
Public API, for the TUI and every export:

- ``icon_label(name) -> (glyph, word)``: a glyph and words that read without colour,
  for the terminal and plain text (``"▲", "improvement (high)"``).
- ``icon_text(name) -> str``: the two joined, e.g. ``"▲ improvement (high)"``.
- ``variation_svg(name, size=40) -> str`` and ``assurance_svg(name, size=40) -> str``:
  a standalone ``<svg>`` element drawn by pdsa (no image files), with a ``<title>``
  for screen readers; embed it in HTML as is, or convert it for docx/pdf.
- ``icon_svg(name, size=40)``: either kind, by name.
- ``rules_and_icons(rules, variation, assurance) -> str``: one line naming the rule
  set and both icons in words, as the app and the exports show it.

Colours follow the Making Data Count convention: blue improvement, orange concern,
purple neutral special cause, grey common cause; the shape and letters carry the
meaning too, so a grey-scale print still reads. Unknown names raise ``KeyError``.
"""

from __future__ import annotations

from pdsa_tui.analysis.mdc import ASSURANCE_ICONS, VARIATION_ICONS

BLUE = "#289de0"
ORANGE = "#e46c0a"
PURPLE = "#6a3d9a"
GREY = "#7f7f7f"

_LABELS: dict[str, tuple[str, str]] = {
    "common_cause": ("≈", "common cause"),
    "improvement_high": ("▲", "improvement (high)"),
    "improvement_low": ("▼", "improvement (low)"),
    "concern_high": ("▲", "concern (high)"),
    "concern_low": ("▼", "concern (low)"),
    "neutral_high": ("△", "special cause (high)"),
    "neutral_low": ("▽", "special cause (low)"),
    "pass": ("✓", "consistently passes the target"),
    "fail": ("✗", "consistently fails the target"),
    "inconsistent": ("?", "hit and miss"),
}
#: What each kind of icon is called, for a key or a column head.
KIND_NAMES = {"variation": "Variation", "assurance": "Assurance"}


def icon_label(name: str) -> tuple[str, str]:
    """(glyph, words) for a variation or assurance icon name."""
    return _LABELS[name]


def icon_text(name: str | None) -> str:
    """Glyph and words in one string ('-' when there is no icon)."""
    if name is None:
        return "-"
    glyph, word = _LABELS[name]
    return f"{glyph} {word}"


def rules_and_icons(
    rules: str, variation: str | None, assurance: str | None, *, from_programme: bool = False
) -> str:
    """One line for any screen or export: the rule set, variation and assurance.

    ``Rules: Anhøj · Variation: ≈ common cause · Assurance: ✓ will consistently meet
    the target`` (the assurance part only where there is one); ``from_programme`` says
    the rule set is the programme's default rather than the measure's own.
    """
    from pdsa_tui.analysis.rulesets import RULE_SET_NAMES

    whose = " (the programme's default)" if from_programme else ""
    parts = [f"Rules: {RULE_SET_NAMES.get(rules, rules)}{whose}"]
    if variation is not None:
        parts.append(f"Variation: {icon_text(variation)}")
    if assurance is not None:
        parts.append(f"Assurance: {icon_text(assurance)}")
    return " · ".join(parts)


def icon_svg(name: str, size: int = 40) -> str:
    """The SVG of a variation or an assurance icon, by its name."""
    return assurance_svg(name, size) if name in ASSURANCE_ICONS else variation_svg(name, size)


def _frame(colour: str, size: int, title: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 100 100" role="img" aria-label="{title}">'
        f"<title>{title}</title>"
        f'<circle cx="50" cy="50" r="46" fill="#ffffff" stroke="{colour}" stroke-width="6"/>'
        f"{body}</svg>"
    )


#: Seven dots of a small run chart: where each variation icon puts them (y, 0 = top).
_PATTERNS: dict[str, tuple[int, ...]] = {
    "common_cause": (54, 46, 58, 44, 56, 48, 52),
    "improvement_high": (60, 62, 58, 61, 44, 38, 34),
    "concern_high": (60, 62, 58, 61, 44, 38, 34),
    "neutral_high": (60, 62, 58, 61, 44, 38, 34),
    "improvement_low": (40, 38, 42, 39, 56, 62, 66),
    "concern_low": (40, 38, 42, 39, 56, 62, 66),
    "neutral_low": (40, 38, 42, 39, 56, 62, 66),
}


def _dot(name: str, x: float, y: int) -> str:
    """One dot of a variation icon, its shape saying what its colour says.

    Improvement: a filled circle; concern: a diamond; neutral special cause: a ring;
    common cause: a small grey circle. Without colour (a grey print, colour blindness)
    improvement and concern still differ.
    """
    if name.startswith("improvement"):
        return f'<circle cx="{x:.1f}" cy="{y}" r="4.5" fill="{BLUE}"/>'
    if name.startswith("concern"):
        return f'<path d="M{x:.1f},{y - 6} l6,6 l-6,6 l-6,-6 z" fill="{ORANGE}"/>'
    if name.startswith("neutral"):
        return (
            f'<circle cx="{x:.1f}" cy="{y}" r="4" fill="#ffffff" stroke="{PURPLE}" '
            'stroke-width="2.5"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y}" r="4.5" fill="{GREY}"/>'


def variation_svg(name: str, size: int = 40) -> str:
    """A variation icon: a run of seven dots, the last ones coloured where they signal.

    High or low special causes carry an "H" or "L"; common cause is a grey, level run.
    The signalling dots' shape tells improvement (dots), concern (diamonds) and neutral
    special cause (rings) apart, as their colours do.
    """
    if name not in VARIATION_ICONS:
        raise KeyError(name)
    colour = (
        BLUE
        if name.startswith("improvement")
        else ORANGE
        if name.startswith("concern")
        else PURPLE
        if name.startswith("neutral")
        else GREY
    )
    ys = _PATTERNS[name]
    xs = [22 + 9.3 * k for k in range(7)]
    line = " ".join(f"{x:.1f},{y}" for x, y in zip(xs, ys, strict=True))
    dots = "".join(
        _dot(name, x, y) if k >= 4 and name != "common_cause" else _dot("common_cause", x, y)
        for k, (x, y) in enumerate(zip(xs, ys, strict=True))
    )
    letter = ""
    if name != "common_cause":
        mark = "H" if name.endswith("high") else "L"
        y = 30 if mark == "H" else 86
        letter = (
            f'<text x="50" y="{y}" text-anchor="middle" font-family="sans-serif" '
            f'font-size="20" font-weight="bold" fill="{colour}">{mark}</text>'
        )
    body = f'<polyline points="{line}" fill="none" stroke="{GREY}" stroke-width="2"/>{dots}{letter}'
    return _frame(colour, size, f"Variation: {_LABELS[name][1]}", body)


def assurance_svg(name: str, size: int = 40) -> str:
    """An assurance icon: "P" (pass), "F" (fail) or "?" (hit and miss) over a target line."""
    if name not in ASSURANCE_ICONS:
        raise KeyError(name)
    colour, mark = {"pass": (BLUE, "P"), "fail": (ORANGE, "F"), "inconsistent": (GREY, "?")}[name]
    body = (
        f'<line x1="18" y1="72" x2="82" y2="72" stroke="{GREY}" stroke-width="3" '
        f'stroke-dasharray="6 4"/>'
        f'<text x="50" y="60" text-anchor="middle" font-family="sans-serif" font-size="44" '
        f'font-weight="bold" fill="{colour}">{mark}</text>'
    )
    return _frame(colour, size, f"Assurance: {_LABELS[name][1]}", body)
