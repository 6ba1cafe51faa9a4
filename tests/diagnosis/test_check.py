import numpy as np
import pytest

from diagnosis.engine.check import run_check
from diagnosis.engine.predictor import current_model

pytestmark = pytest.mark.django_db


def check(snapshot, **kwargs):
    return run_check(snapshot, current_model(snapshot), **kwargs)


@pytest.mark.parametrize(
    "text, kwargs",
    [
        ("chest pain and sweating", {}),
        ("crushing chest pain spreading to my left arm", {}),
        ("chest pain and I am short of breath", {}),
        ("my face is drooping", {}),
        ("slurred speech", {}),
        ("vomiting blood", {}),
        ("fever and stiff neck", {}),
        ("I have thoughts of hurting myself", {}),
        ("lips are blue", {}),
        ("severe headache", {"pregnant": True, "sex": "f"}),
    ],
)
def test_red_flags_make_it_an_emergency_whatever_the_model_says(snapshot, trained_champion, text, kwargs):
    result = check(snapshot, text=text, **kwargs)
    assert result.triage == "emergency", (text, result.present, result.red_flags)
    assert result.red_flags and result.red_flags[0]["level"] == "emergency"
    assert result.next_question is None


def test_red_flags_fire_on_typos_and_synonyms(snapshot):
    result = check(snapshot, chips=["chest pian", "sweatting"])
    assert result.triage == "emergency"


def test_negated_red_flag_symptom_does_not_fire(snapshot, trained_champion):
    result = check(snapshot, text="runny nose and sneezing, no chest pain, not short of breath")
    assert "chest_pain" in result.negated
    assert result.red_flags == []
    assert result.triage != "emergency"


def test_red_flag_overrides_a_self_care_model_result(snapshot, trained_champion):
    # The model alone would call this a cold (self-care); the rule makes it an emergency.
    calm = check(snapshot, text="runny nose, sneezing, sore throat")
    assert calm.conditions[0].slug == "common_cold"
    flagged = check(snapshot, text="runny nose, sneezing, sore throat, blue lips")
    assert flagged.triage == "emergency"


def test_probabilities_are_calibrated_and_ranked(snapshot, trained_champion):
    result = check(snapshot, text="itching, skin rash, nodal skin eruptions, discoloured patches")
    probs = [c.probability for c in result.conditions]
    assert 0 < sum(probs) <= 1.0 + 1e-6
    assert probs == sorted(probs, reverse=True)
    assert len(result.conditions) <= 5
    assert result.conditions[0].slug == "fungal_infection"
    assert "Itching" in result.conditions[0].supporting


def test_explanation_lists_typical_symptoms_not_reported(snapshot, trained_champion):
    result = check(snapshot, text="runny nose")
    top = result.conditions[0]
    assert top.typical_not_reported
    assert "Runny nose" not in top.typical_not_reported


def test_a_single_vague_symptom_is_low_confidence_and_never_self_care(snapshot, trained_champion):
    result = check(snapshot, text="tired")
    assert result.low_confidence
    assert result.triage in ("gp", "urgent", "emergency")
    assert result.next_question is not None


def test_age_and_sex_change_the_ranking(snapshot, trained_champion):
    """Urinary symptoms: a UTI is much more likely in a young woman than in an older man."""
    young_woman = check(snapshot, text="burning when peeing, need to pee often", age=25, sex="f")
    older_man = check(snapshot, text="burning when peeing, need to pee often", age=70, sex="m")
    p_woman = next(c.probability for c in young_woman.conditions if c.slug == "urinary_tract_infection")
    p_man = next((c.probability for c in older_man.conditions if c.slug == "urinary_tract_infection"), 0.0)
    assert p_woman > p_man


def test_answers_update_the_result_and_questions_are_not_repeated(snapshot, trained_champion):
    first = check(snapshot, text="headache")
    q1 = first.next_question
    assert q1
    second = check(snapshot, text="headache", answers=[{"symptom": q1, "answer": "no"}])
    assert q1 in second.negated
    assert second.next_question != q1
    probs_first = {c.slug: c.probability for c in first.conditions}
    probs_second = {c.slug: c.probability for c in second.conditions}
    assert probs_first != probs_second


def test_no_model_registered_falls_back_to_the_knowledge_base(snapshot):
    result = check(snapshot, text="itching, skin rash")
    assert result.model_label.startswith("kb-bayes")
    assert result.conditions


def test_information_gain_is_highest_for_a_discriminating_question():
    from diagnosis.engine.questions import expected_information_gain

    prior = np.array([0.5, 0.5])
    likelihood = np.array([[0.9, 0.5], [0.1, 0.5]])  # symptom 0 separates the two, symptom 1 does not
    gains = expected_information_gain(prior, likelihood)
    assert gains[0] > 0.4 and gains[1] < 1e-9
