"""The resolver's everyday grammar (issue 14, third development set): lay anatomy, real-word
misspellings, colours of body products, comparisons, "can't"/"haven't" function forms, quantities,
and the safety properties they must keep (a denial is never swallowed, one body part never becomes
another, a trap is never read)."""

import pytest

from diagnosis.engine.resolver import SymptomIndex


def _present(index, text):
    return set(index.resolve(text).present)


@pytest.mark.parametrize(
    "text, slug",
    [
        ("my bonce hurts", "headache"),
        ("ticker is racing", "fast_heart_rate"),
        ("itchy back passage", "irritation_in_anus"),
        ("pain in my kneecap", "knee_pain"),
        ("pain in the small of my back", "back_pain"),
        ("it stings when I pass water", "burning_micturition"),
        ("hardly passing any water", "reduced_urine_output"),
        ("pain when I go for a number two", "pain_during_bowel_movements"),
    ],
)
def test_lay_anatomy_is_the_knowledge_base_part(index, text, slug):
    assert slug in _present(index, text)


def test_the_back_of_the_neck_is_the_neck_not_the_back(index):
    assert _present(index, "pain at the back of my neck") == {"neck_pain"}
    assert _present(index, "sore back passage") == {"pain_in_anal_region"}


@pytest.mark.parametrize(
    "text, slug",
    [
        ("soar throat", "sore_throat"),
        ("chest pane when I breathe", "chest_pain"),
        ("pain around my naval", "abdominal_pain"),
        ("sudden wait loss", "weight_loss"),
        ("lose motions", "diarrhoea"),
        ("loose of appetite", "loss_of_appetite"),
        ("bowl movements hurt", "pain_during_bowel_movements"),
    ],
)
def test_a_real_word_misspelling_is_read_in_its_company(index, text, slug):
    assert slug in _present(index, text)


def test_a_real_word_is_left_alone_outside_that_company(index):
    assert _present(index, "a long wait in the waiting room") == set()
    assert _present(index, "the eagle will soar") == set()


@pytest.mark.parametrize(
    "text, slug",
    [
        ("wee looks like brandy", "dark_urine"),
        ("neon yellow pee", "yellow_urine"),
        ("pinkish wee", "spotting_urination"),
        ("motions are jet black", "black_tarry_stools"),
        ("stools are clay coloured", "pale_stools"),
        ("maroon coloured stools", "bloody_stool"),
        ("phlegm is the colour of rust", "rusty_sputum"),
        ("coughing up pink frothy spit", "blood_in_sputum"),
        ("lips have a bluey tinge", "blue_lips"),
        ("whites of his eyes look mustard coloured", "yellowing_of_eyes"),
        ("brown patches on my neck", "discoloured_skin_patches"),
    ],
)
def test_a_colour_said_of_a_body_product_is_its_finding(index, text, slug):
    assert slug in _present(index, text)


def test_a_colour_rule_keeps_a_denial_and_leaves_other_pairs(index):
    assert "spotting_urination" in index.resolve("no pink in my wee").negated
    assert "stomach_bleeding" not in _present(index, "my sick isn't bloody")
    assert "blue_lips" not in _present(index, "her lips are pink, not blue")
    # white patches in the throat are not discoloured skin
    assert "discoloured_skin_patches" not in _present(index, "white patches on my tonsils")


def test_a_colour_rule_only_writes_a_phrase_the_index_knows():
    index = SymptomIndex({"white poo": "pale_stools"}, {"pale_stools": "Pale stools"})
    assert index.resolve("poo is white").present == ["pale_stools"]


@pytest.mark.parametrize(
    "text, slug",
    [
        ("like sandpaper in my throat", "sore_throat"),
        ("like swallowing razor blades", "sore_throat"),
        ("like an elephant sitting on my chest", "chest_pain"),
        ("stomach feels like it's on fire", "stomach_pain"),
        ("chest feels like it's in a vice", "chest_tightness"),
        ("fingers feel like they're asleep", "numbness_or_tingling"),
        ("like looking through frosted glass", "blurred_vision"),
        ("heart is going like the clappers", "fast_heart_rate"),
        ("tummy feels like a football", "distention_of_abdomen"),
        ("swelling like a golf ball at the front of my neck", "enlarged_thyroid"),
    ],
)
def test_a_comparison_is_read_as_the_sensation(index, text, slug):
    assert slug in _present(index, text)


@pytest.mark.parametrize(
    "text, slug",
    [
        ("couldn't keep my breakfast down", "vomiting"),
        ("couldn't eat a thing today", "loss_of_appetite"),
        ("haven't opened my bowels since Monday", "constipation"),
        ("haven't had a wee since this morning", "reduced_urine_output"),
        ("can't bear the heat", "heat_intolerance"),
        ("can't finish a sentence without stopping to breathe", "severe_breathlessness"),
        ("whole right side has gone floppy", "weakness_of_one_body_side"),
        ("don't want to be here anymore", "self_harm_thoughts"),
        ("spots don't fade when I roll a glass over them", "non_blanching_rash"),
    ],
)
def test_what_the_body_cannot_do_is_the_symptom(index, text, slug):
    assert slug in _present(index, text)


def test_a_rash_that_fades_under_a_glass_is_not_the_danger_sign(index):
    assert "non_blanching_rash" not in _present(index, "rash that fades when I press a glass on it")


def test_stopping_for_breath_is_not_a_denial(index):
    assert "breathlessness" in _present(index, "can't walk far without stopping for breath")


@pytest.mark.parametrize(
    "text, slug",
    [
        ("lost a stone in two months", "weight_loss"),
        ("put on two stone this year", "weight_gain"),
        ("sick three times this morning", "vomiting"),
        ("sweats in bed every night", "night_sweats"),
        ("weeing every hour", "continuous_urge_to_urinate"),
        ("my BMI is over 40", "obesity"),
        ("I drink six pints most days", "history_of_alcohol_consumption"),
        ("temp keeps spiking in the evenings", "high_fever"),
    ],
)
def test_a_quantity_or_time_says_the_symptom(index, text, slug):
    assert slug in _present(index, text)


def test_night_sweats_are_not_also_daytime_sweating_and_a_denial_holds(index):
    assert _present(index, "sweats in bed every night") == {"night_sweats"}
    assert _present(index, "no sweating at night") == set()


def test_a_slight_temperature_stays_mild(index):
    assert "high_fever" not in _present(index, "a slight temperature on and off")


def test_a_typo_window_never_swallows_a_denial(index):
    assert "spinning_movements" not in _present(index, "dizzy but the room isn't spinning")


def test_a_word_the_grammar_reads_is_not_typo_corrected(index):
    assert index.correct("scalds") == "scalds"
    assert "burning_micturition" in _present(index, "it scalds when I pass water")


def test_a_longer_phrase_wins_over_a_one_word_name_but_not_across_a_listing_word(index):
    assert _present(index, "itching on my bottom") == {"irritation_in_anus"}
    assert {"phlegm", "blood_in_sputum"} <= _present(index, "phlegm with streaks of blood")


@pytest.mark.parametrize(
    "text, trap",
    [
        ("cabin fever from being stuck indoors", "high_fever"),
        ("got cold feet and cancelled", "cold_hands_and_feet"),
        ("they made me cough up the money", "cough"),
        ("headache gone since taking paracetamol", "headache"),
        ("diabetes runs in the family", "irregular_sugar_level"),
        ("I gave blood last week", "blood_transfusion_history"),
    ],
)
def test_idioms_and_resolved_symptoms_are_not_read(index, text, trap):
    assert trap not in _present(index, text)


def test_it_runs_in_my_family_is_the_family_history_finding(index):
    assert _present(index, "it runs in my family") == {"family_history"}
