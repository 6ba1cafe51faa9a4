"""The engine's plain triage levels and the models' choices must name the same levels in the same order."""

from diagnosis import models
from diagnosis.engine import levels
from diagnosis.engine.triage import most_urgent


def test_the_model_choices_are_the_engine_levels():
    assert [choice.value for choice in models.TriageLevel] == [level.value for level in levels.TriageLevel]


def test_the_model_order_is_the_engine_order():
    assert {str(k): v for k, v in models.TRIAGE_ORDER.items()} == {
        str(k): v for k, v in levels.TRIAGE_ORDER.items()
    }
    assert sorted(models.TriageLevel, key=models.TRIAGE_ORDER.__getitem__)[0] == models.TriageLevel.EMERGENCY


def test_most_urgent_returns_a_plain_value_the_model_choices_accept():
    assert most_urgent([]) == models.TriageLevel.GP
    assert type(most_urgent([])) is str
    assert most_urgent(["self_care", "urgent", "gp"]) == models.TriageLevel.URGENT
