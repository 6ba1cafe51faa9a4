"""General phrasing rules of the symptom resolver (issue 14 item 2): body-part grammar, word-level
typo correction with its guards, comparatives, symptoms said to be over, idioms, numbers.

The phrases here are not in benchmarks/phrases_corpus/: they test the rules, not the corpus.
"""

import pytest

from diagnosis.engine.resolver import SymptomIndex, lay_pain, plain_comparatives


def _present(index, text):
    return index.resolve(text).present


# --- body-part grammar -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("neck's aching", "neck pain"),
        ("my knees killing me", "knee pain"),
        ("chest is paining", "chest pain"),
        ("hurts in my back", "back pain"),
        ("tummyache", "tummy pain"),
        ("a headachey feeling", "a headache feeling"),
        ("bad hips", "hip pain"),
        ("sore guts", "tummy pain"),
        ("swallowing is painful", "painful swallowing"),
        ("it stings when she pees", "it stings when she pees"),  # "pees" is not one of the forms
        ("it stings when she wees", "it stings when she wees"),
        ("it hurts when i wee", "it painful urination"),
        ("sore all over", "body aches"),
    ],
)
def test_body_part_grammar_is_one_rule(text, expected):
    assert lay_pain(text) == expected


def test_a_sore_arm_is_not_the_heart_attack_sign(index):
    """ "Pain spreading to the arm or jaw" is a cardiac sign: a sore arm after a jab is not it."""
    assert "arm_or_jaw_pain" not in _present(index, "sore arm and achy after my flu jab")


def test_bad_chest_is_not_chest_pain(index):
    """ "a bad chest" is a chesty cold in everyday English: no red-flag chest pain from it."""
    assert "chest_pain" not in _present(index, "I've got a bad chest")


@pytest.mark.parametrize(
    "text, slug",
    [
        ("her guts are aching", "abdominal_pain"),
        ("his sinuses are killing him", "sinus_pressure"),
        ("weeing stings", "burning_micturition"),
        ("pooping is agony", "pain_during_bowel_movements"),
    ],
)
def test_body_part_pain_reaches_the_symptom(index, text, slug):
    assert slug in _present(index, text)


# --- typo correction --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, slug",
    [
        ("haedache", "headache"),
        ("constent cough", "cough"),
        ("wheazing at night", "wheezing"),
        ("unconcious", "coma"),
        ("short of breathe", "breathlessness"),
    ],
)
def test_a_misspelt_word_is_corrected(index, text, slug):
    assert slug in _present(index, text)


@pytest.mark.parametrize(
    "text, absent",
    [
        ("my hips hurt", "drying_and_tingling_lips"),  # a real word is never changed
        ("my lips are sore", "hip_joint_pain"),
        ("earache", "headache"),
        ("toothache", "headache"),
        ("hay fevor every spring", "high_fever"),  # corrected, then still hay fever
        ("blisters on her hands and feet", "cold_hands_and_feet"),  # "cold" was never said
    ],
)
def test_a_typo_never_becomes_another_body_part_or_a_longer_term(index, text, absent):
    assert absent not in _present(index, text)


def test_a_typo_never_swallows_a_negation(index):
    result = index.resolve("no fevor and no hedache")
    assert result.present == []
    assert set(result.negated) == {"high_fever", "headache"}


def test_correction_never_produces_a_negation_word():
    index = SymptomIndex({"not well": "malaise", "fever": "high_fever"}, {"malaise": "m", "high_fever": "f"})
    assert index.correct("nott") == "nott"


def test_a_tie_between_two_symptoms_is_no_correction():
    index = SymptomIndex({"dizzy": "dizziness", "dozy": "lethargy"}, {"dizziness": "d", "lethargy": "l"})
    assert index.correct("dizy") == "dizy"
    assert index.resolve("dizy").present == []


def test_a_red_flag_is_never_suggested_for_a_typo():
    index = SymptomIndex(
        {"chest pain": "chest_pain", "chest tightness": "chest_tightness"},
        {"chest_pain": "Chest pain", "chest_tightness": "Tight chest"},
        never_suggest=frozenset({"chest_pain"}),
    )
    assert "Chest pain" not in index.suggest("chestt pian")


# --- comparatives, bouts, resolved symptoms, idioms ---------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("thirstier than normal", "thirsty"),
        ("stiffer than they used to be", "stiff"),
        ("weeing more than usual", "weeing a lot more"),
        ("heavier than before", "heavy"),
    ],
)
def test_comparatives_say_the_plain_symptom(text, expected):
    assert plain_comparatives(text) == expected


@pytest.mark.parametrize(
    "text, slug",
    [
        ("much thirstier than normal", "excessive_thirst"),
        ("my periods are heavier than usual", "abnormal_menstruation"),
        ("peeing more than i used to", "polyuria"),
    ],
)
def test_comparatives_reach_the_symptom(index, text, slug):
    assert slug in _present(index, text)


def test_coughing_fits_are_a_cough_not_a_seizure(index):
    assert _present(index, "coughing fits all night") == ["cough"]
    assert "seizure" in _present(index, "he had a fit")


@pytest.mark.parametrize(
    "text, slug",
    [
        ("the headache has gone away now", "headache"),
        ("rash free since Monday", "skin_rash"),
        ("had a cough last month but it's gone", "cough"),
    ],
)
def test_a_symptom_said_to_be_over_is_not_present(index, text, slug):
    assert slug not in _present(index, text)


def test_a_symptom_that_is_something_going_stays(index):
    """Periods stopping is the complaint, not its end."""
    assert "abnormal_menstruation" in _present(index, "her periods have stopped")


@pytest.mark.parametrize(
    "text, absent",
    [
        ("the school run is a pain in the neck", "neck_pain"),
        ("he has cold feet over the move", "cold_hands_and_feet"),
        ("sick and tired of the waiting list", "vomiting"),
        ("sick and tired of the waiting list", "fatigue"),
        ("got sick leave from work", "vomiting"),
    ],
)
def test_idioms_are_not_symptoms(index, text, absent):
    assert absent not in _present(index, text)


def test_been_sick_is_vomiting_but_sick_with_flu_is_not(index):
    assert "vomiting" in _present(index, "I was sick twice in the night")
    assert "vomiting" not in _present(index, "been sick with flu")


def test_breathing_through_the_nose_is_a_blocked_nose_not_an_emergency(index):
    present = _present(index, "he can't breathe through his nose")
    assert "congestion" in present
    assert "severe_breathlessness" not in present
    assert "severe_breathlessness" in _present(index, "he can't breathe")


def test_cant_and_wont_belong_to_the_phrase(index):
    assert "coma" not in _present(index, "knees stiff when I wake up")
    assert "coma" in _present(index, "she won't wake up")


# --- numbers -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, slug",
    [
        ("temp of 39.2", "high_fever"),
        ("his temperature is 102 F", "high_fever"),
        ("temperature 37.7", "mild_fever"),
    ],
)
def test_a_temperature_given_as_a_number(index, text, slug):
    assert slug in _present(index, text)


def test_a_normal_or_denied_temperature_is_not_a_fever(index):
    assert _present(index, "temperature 36.8") == []
    result = index.resolve("no temp of 39 today")
    assert "high_fever" not in result.present
    assert _present(index, "she weighs 38.5 kg") == []


def test_the_worst_headache_ever_is_current(index):
    assert "severe_headache" in _present(index, "the worst headache i have ever had")


@pytest.mark.parametrize(
    "text, slugs",
    [
        ("runny poo with blood", {"diarrhoea", "bloody_stool"}),
        ("phlegm with streaks of blood", {"phlegm", "blood_in_sputum"}),
    ],
)
def test_a_symptom_with_blood_in_it(index, text, slugs):
    assert slugs <= set(_present(index, text))


def test_denied_symptom_with_blood_stays_denied(index):
    result = index.resolve("no diarrhoea with blood")
    assert result.present == []
    assert "bloody_stool" in result.negated
