"""A measure's facts, values and verdict as text, for its screen and the cases screen."""

from __future__ import annotations

from rich.text import Text

from pdsa_tui.analysis.charts import CENTRE_NAMES, CHART_NAMES, ChartType
from pdsa_tui.analysis.measures import MeasureView, brief_verdict
from pdsa_tui.analysis.verdict import format_number
from pdsa_tui.model import DataPoint, Measure, choices
from pdsa_tui.report.offscale import drawable


def shown_value(view: MeasureView, value: float | None) -> str:
    """A value in displayed units with its unit: '67%', '12 days', '3.5 count'."""
    if value is None:
        return "-"
    if not drawable(value):  # an older file's 1e308: the number in full fits, with no unit
        return format_number(value)
    if view.unit_label == "%":
        return view.format(value)
    if view.unit_label.strip() in ("count", "rate"):
        return format_number(value)
    return f"{format_number(value)}{view.unit_label}"


def value_text(view: MeasureView, point: DataPoint) -> str:
    """The point's plotted value with its unit: '67%', '12 days'."""
    return shown_value(view, point.y)


def ratio_text(point: DataPoint) -> str:
    """'2/3' for a numerator/denominator point, 'n=4' for one of several values, else ''."""
    if point.observations:
        return f"n={len(point.observations)}"
    if point.value is not None or point.numerator is None or point.denominator is None:
        return ""
    return f"{point.numerator:g}/{point.denominator:g}"


def marker_text(point: DataPoint) -> str:
    """The point's markers in words."""
    if point.baseline_end and point.rebase_after:
        return "baseline+rebase"
    if point.baseline_end:
        return "baseline ends"
    if point.rebase_after:
        return "rebase after"
    return ""


def measure_facts(measure: Measure, view: MeasureView) -> Text:
    """The measure's type, unit, direction, goal, frequency, source and definition."""
    facts = [
        f"{choices.label(choices.MEASURE_TYPES, measure.type)}",
        choices.label(choices.UNITS, measure.unit).lower(),
        choices.label(choices.DIRECTIONS, measure.direction).lower(),
    ]
    if view.goal is not None:
        facts.append(f"goal {shown_value(view, view.goal)}")
    if measure.frequency:
        facts.append(measure.frequency)
    text = Text(" · ".join(facts))
    more = [
        (label, " ".join(value.split()))
        for label, value in (("Definition", measure.definition), ("Source", measure.source))
        if value.strip()
    ]
    if more:
        text.append("\n")
        for k, (label, value) in enumerate(more):
            text.append(f"{' · ' if k else ''}{label}: ", style="bold")
            text.append(value)
    return text


def verdict_text(view: MeasureView, charts: list[ChartType]) -> Text:
    """The chart's name, centre line, verdict and warnings, for under the chart."""
    a = view.analysis
    kind = a.chart
    text = Text()
    head = CHART_NAMES.get(kind, kind)
    others = [CHART_NAMES[c] for c in charts if c != kind]
    text.append(head, style="bold")
    if a.parts:
        centres = [
            shown_value(view, p.centre * view.scale) if p.centre is not None else "-"
            for p in a.parts
        ]
        text.append(f" · {CENTRE_NAMES[kind].removeprefix('the ')} {' → '.join(centres)}")
        text.append(f" · {a.n} point{'s' if a.n != 1 else ''}")
        if len(a.parts) > 1:
            text.append(f" · {len(a.parts)} parts")
    if others:
        text.append(f"  (c: {', '.join(others)})", style="dim")
    text.append("\n")
    if a.advice:
        text.append(f"{a.advice}\n", style="dim")
    from pdsa_tui.model.choices import RULE_SETS
    from pdsa_tui.report.mdc_icons import rules_and_icons

    # Say so when the rule set is the programme's: changing that changes this chart.
    inherited = view.measure.rules not in RULE_SETS
    line = rules_and_icons(a.rules, a.variation_icon, a.assurance_icon, from_programme=inherited)
    text.append(f"{line}\n")
    text.append(brief_verdict(a.verdict), style="bold" if a.signal else "")
    warnings = [*a.warnings, *(w for p in a.parts for w in p.warnings)]
    for w in warnings:
        text.append(f"\n⚠ {w}", style="italic")
    return text
