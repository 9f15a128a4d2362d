"""The fixed vocabularies of the domain: stored value -> label shown to people."""

from __future__ import annotations

AIM_KINDS = {"national": "National", "local": "Local"}
AIM_STATUSES = {"active": "Active", "achieved": "Achieved", "closed": "Closed"}

MEASURE_TYPES = {"outcome": "Outcome", "process": "Process", "balancing": "Balancing"}
UNITS = {"percent": "Percent", "count": "Count", "days": "Days", "weeks": "Weeks", "rate": "Rate"}
#: The values a measure of each unit can hold (a value, or a goal). Beyond them a value
#: is a typing slip, not data (36,500 days is a century), and values near the float
#: limit (1e308) overflow every sum, limit and chart made from them.
UNIT_RANGES: dict[str, tuple[float, float]] = {
    "percent": (0, 100),
    "count": (0, 1e9),
    "days": (0, 36_500),
    "weeks": (0, 36_500),
    "rate": (0, 1e9),
}
#: The largest numerator or denominator (a count of cases, or of exposure such as
#: child-months); a rate, numerator / denominator, is held to ``UNIT_RANGES["rate"]``.
RATIO_MAX = 1e9
DIRECTIONS = {"up": "Higher is better", "down": "Lower is better", "neutral": "Neither"}
#: The rule sets a chart's signals come from (``analysis.rulesets``).
RULE_SETS = {
    "anhoej": "Anhøj runs analysis (default)",
    "ihi": "IHI run chart rules",
    "mdc": "Making Data Count (NHS)",
}
#: Whether a measure's values can go below 0 (no lower limit below 0 when they cannot).
CANNOT_BE_NEGATIVE = {"no": "No", "yes": "Yes: no limit below 0"}
#: What a measure's values are: most are measurements; rare events are better charted
#: as the time (T chart) or the number of cases (G chart) between them.
VALUE_KINDS = {
    "measurements": "Measurements",
    "time_between": "Time between events (days)",
    "count_between": "Cases between events",
}
FREQUENCIES = {
    "weekly": "Weekly",
    "monthly": "Monthly",
    "quarterly": "Quarterly",
    "per case": "Per case",
}

IDEA_STATUSES = {
    "idea": "Idea",
    "testing": "Testing",
    "implementing": "Implementing",
    "spreading": "Spreading",
    "sustained": "Sustained",
    "abandoned": "Abandoned",
}

STAGES = {"plan": "Plan", "do": "Do", "study": "Study", "act": "Act", "closed": "Closed"}
DECISIONS = {"adopt": "Adopt", "adapt": "Adapt", "abandon": "Abandon", "expand": "Expand"}

FEEDBACK_SOURCES = {
    "child": "Child or young person",
    "parent": "Parent",
    "carer": "Carer",
    "kinship_carer": "Kinship carer",
    "foster_carer": "Foster carer",
    "practitioner": "Practitioner",
    "partner_agency": "Partner agency",
    "other": "Other",
}
FEEDBACK_METHODS = {
    "conversation": "Conversation",
    "questionnaire": "Questionnaire",
    "observation": "Observation",
    "meeting": "Meeting",
    "other": "Other",
}
TONES = {"positive": "Positive", "mixed": "Mixed", "negative": "Negative", "neutral": "Neutral"}

#: The agencies a PACE group brings together (the seed's "all agencies").
AGENCIES = {
    "social_work": "Social work",
    "chs": "Children's Hearings Scotland",
    "scra": "SCRA",
    "legal": "Legal",
    "health": "Health",
    "education": "Education",
    "third_sector": "Third sector",
    "other": "Other",
}
#: How often a group meets or reports.
CADENCES = {
    "weekly": "Weekly",
    "fortnightly": "Every 2 weeks",
    "monthly": "Monthly",
    "six-weekly": "Every 6 weeks",
    "bimonthly": "Every 2 months",
    "quarterly": "Quarterly",
    "six-monthly": "Every 6 months",
}
MEETING_KINDS = {"leads": "Leads group", "aim": "Aim group", "other": "Other"}
YES_NO = {"yes": "Yes", "no": "No"}
#: Self-assessment statuses; the keys are what ``pdsa assess`` prints and takes.
ASSESS_STATUSES = {
    "not-yet": "Not yet",
    "partly": "Partly",
    "in-place": "In place",
    "n/a": "Not applicable",
}

#: Prompts the feedback form shows, from the PACE self-sufficiency template.
FEEDBACK_PROMPTS = (
    "How did it feel?",
    "Was it easier / more helpful?",
    "Did it take too long?",
)
#: Shown wherever feedback is typed: records describe vulnerable children.
NO_NAMES_REMINDER = (
    "Never write names or details that identify a child, family or carer: "
    "describe the role ('foster carer', 'young person, 14') instead."
)


def label(choices: dict[str, str], value: str | None) -> str:
    """The label for ``value``, or the value itself when unknown or empty."""
    if not value:
        return ""
    return choices.get(value, value)


def match_choice(choices: dict[str, str], text: str) -> str | None:
    """The stored value for ``text`` typed as a value, a label or a unique prefix."""
    t = text.strip().lower().replace("-", " ")
    if not t:
        return None
    for key, lab in choices.items():
        if t in (key.lower(), key.lower().replace("_", " "), lab.lower()):
            return key
    hits = [k for k, lab in choices.items() if lab.lower().startswith(t) or k.startswith(t)]
    return hits[0] if len(hits) == 1 else None
