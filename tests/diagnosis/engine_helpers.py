"""The complaint layer read straight from the knowledge-base files, shared by the phrasing-family
tests: the catalogue is built once per test process instead of once per test file. `whole_check`
runs the whole check (symptom rules and wording net too) over a loaded snapshot."""

from diagnosis.engine.check import run_check
from diagnosis.engine.complaints import LEVEL_ORDER, Subject, catalogue_from_files
from diagnosis.engine.predictor import kb_model

CATALOGUE = catalogue_from_files()


def assess(text, **subject):
    return CATALOGUE.assess(text, Subject(**subject))


def level(text, **subject):
    """The complaint layer's level for `text` (None when nothing is recognised)."""
    return assess(text, **subject).level


def complaint_slugs(text, **subject):
    """The slugs of the complaints recognised in `text` (a 35-year-old woman unless told)."""
    return {c.slug for c in assess(text, **(subject or {"age_years": 35, "sex": "f"})).complaints}


def below(level, than):
    """True when `level` (None = nothing recognised) is less urgent than `than`."""
    return level is None or LEVEL_ORDER[level] > LEVEL_ORDER[than]


def assert_family_escalates_and_twin_does_not(family, text, subject, twin, twin_subject):
    """A phrasing family's wording is an emergency and its harmless twin stays below urgent."""
    result = assess(text, **subject)
    assert result.level == "emergency", (family, result.level, result.fired, result.findings)
    other = assess(twin, **twin_subject)
    assert below(other.level, "urgent"), (family, other.level, other.fired, other.findings)


def whole_check(snapshot, text, **subject):
    """The whole check of `text` as the benchmark runs it (no questions), with the knowledge-base model."""
    return run_check(snapshot, kb_model(snapshot), text=text, subject=Subject(**subject), ask_questions=False)
