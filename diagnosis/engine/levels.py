"""Triage levels as plain values, so the engine decides urgency without importing Django models.

``diagnosis.models.TriageLevel`` (the form and admin choices, with their labels) is built from
these values; tests/diagnosis/test_levels.py checks the two agree.
"""

from __future__ import annotations

from enum import StrEnum


class TriageLevel(StrEnum):
    """Ordered from most to least urgent (see ``TRIAGE_ORDER``)."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    GP = "gp"
    SELF_CARE = "self_care"


TRIAGE_ORDER: dict[str, int] = {
    TriageLevel.EMERGENCY: 0,
    TriageLevel.URGENT: 1,
    TriageLevel.GP: 2,
    TriageLevel.SELF_CARE: 3,
}
