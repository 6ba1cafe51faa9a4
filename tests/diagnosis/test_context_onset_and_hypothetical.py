"""Wordings the triage corpus review found read wrongly (dev3 controls and a GP case): an onset
said with "ago" is still going on, a polite denial denies, and "if someone has..." is a question
about anyone, not something happening to the writer now."""

import pytest

from diagnosis.engine.complaints import Subject, catalogue_from_files
from diagnosis.engine.context import ClauseContext, duration_days, tokenise

pytestmark = pytest.mark.django_db


def _context(text):
    return ClauseContext.build(tokenise(text), [], question=False)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("my cough started 4 weeks ago", 28),
        ("it began 3 days ago", 3),
        ("periods stopped 4 months ago", 120),
        ("2 weeks ago I fell", None),  # a time point, not how long something has lasted
    ],
)
def test_an_onset_with_ago_is_a_duration(text, days):
    assert duration_days(tokenise(text)) == days


def test_an_onset_with_ago_is_not_past_history():
    assert not _context("my periods stopped 4 months ago").history
    assert _context("had shingles 2 years ago").history


@pytest.mark.parametrize(
    "text", ["if someone has a seizure what should I do", "what should I do if anyone collapses"]
)
def test_if_someone_is_hypothetical(text):
    assert _context(text).hypothetical_from is not None


def test_a_relatives_emergency_now_is_not_hypothetical():
    assert _context("my husband collapsed and is not breathing").hypothetical_from is None


@pytest.fixture
def index(snapshot):
    return snapshot.index


def test_a_polite_denial_denies(index):
    result = index.resolve("I wouldn't say I'm breathless, just a cough")
    assert "cough" in result.present
    assert not set(result.present) & {"breathlessness", "severe_breathlessness"}


def test_a_cough_that_started_weeks_ago_goes_to_a_gp():
    assessment = catalogue_from_files().assess("my cough started 4 weeks ago", Subject())
    assert assessment.level in {"gp", "urgent"}
