"""Phrasing families found with dev9 (emergency-heavy, written blind on 2026-12-07). Each test uses
wordings that are in no corpus, with a calm twin that must not escalate."""

from diagnosis.engine.context import Assertion, ClauseContext, Span, tokenise
from tests.diagnosis.engine_helpers import below, complaint_slugs, level

ADULT_F = {"age_years": 35, "sex": "f"}
ADULT_M = {"age_years": 45, "sex": "m"}
PREGNANT = {"age_years": 31, "sex": "f", "pregnant": True}


def _assertion_of(text: str, word: str) -> Assertion:
    words = tokenise(text)
    at = words.index(word)
    return ClauseContext.build(words, [], question=False).assertion(Span(at, at + 1))


# NHS "Bleeding from the bottom": a lot of blood, or feeling faint, is 999.
def test_heavy_bleeding_from_the_bottom_without_a_determiner_is_an_emergency():
    assert level("blood from bum everywhere and I feel faint", **ADULT_M) == "emergency"
    assert level("loo water going bright red each time, and clots", **ADULT_M) == "emergency"
    assert below(level("a smear of blood from bum on the paper, piles again", **ADULT_M), "urgent")


# NHS "Poisoning": eating wild mushrooms that may be poisonous goes to A&E.
def test_wild_or_foraged_mushrooms_are_a_possible_poisoning():
    assert level("we ate foraged mushrooms at dinner and now feel sick", **ADULT_F) == "emergency"
    assert "ap_overdose_or_poisoning" not in complaint_slugs("made a mushroom risotto from the supermarket")


# NICE NG133: high blood pressure in pregnancy with a headache or a very high reading.
def test_high_blood_pressure_in_pregnancy_with_a_headache_is_an_emergency():
    assert level("my bp at the chemist was 165 over 100 and I have a headache", **PREGNANT) == "emergency"
    assert level("home bp one sixty over a hundred, bad headache", **PREGNANT) == "emergency"
    assert level("my bp at the chemist was 165 over 100 and I have a headache", **ADULT_F) == "urgent"


# NHS "Epilepsy": another fit before waking up from the first is 999.
def test_one_fit_then_another_is_an_emergency_but_a_fit_of_giggles_is_nothing():
    assert level("he had one fit at 9am and then another before lunch", **ADULT_M) == "emergency"
    assert "hm_seizure" not in complaint_slugs("we all had a fit of the giggles at the wedding")
    assert "hm_seizure" not in complaint_slugs("she has a fit of temper when tired")


# NHS "Asthma attack": needing the reliever every few minutes is a severe attack.
def test_a_reliever_every_few_minutes_is_a_severe_asthma_attack():
    assert level("asthma bad, using my reliever every 15 minutes", **ADULT_F) == "emergency"
    assert level("asthma a bit tight today, using my reliever more often than usual", **ADULT_F) == "urgent"


# NHS "Stevens-Johnson syndrome": flu-like at first, then a painful rash that blisters.
def test_stevens_johnson_named_or_flu_then_blisters_is_an_emergency():
    assert level("could this be sjs? rash and new allopurinol", **ADULT_M) == "emergency"
    assert level("felt fluey then the skin started to blister, on new tablets", **ADULT_M) == "emergency"
    assert below(level("blister on my heel from new shoes", **ADULT_M), "urgent")


# NHS "Help for suicidal thoughts": a gun, or a car in a closed garage with the engine on, is 999.
def test_no_reason_to_carry_on_with_a_gun_and_a_running_engine_in_a_garage_are_emergencies():
    assert level("he has no reason to carry on and keeps a rifle in the shed", **ADULT_M) == "emergency"
    assert level("she is in the van in the garage with the engine on", **ADULT_F) == "emergency"
    assert below(level("warming the car up on the drive with the engine running", **ADULT_F), "urgent")


# NHS "Cellulitis", "Dehydration", "Lyme disease", "Sudden hearing loss", "Cough".
def test_same_day_and_gp_families_from_dev9():
    assert level("the redness has spread past the pen line since last night", **ADULT_M) == "urgent"
    assert level("twins have had the runs and their nappies are drier than usual", age_months=10) == "urgent"
    assert level("round red rash with a paler centre near a tick bite", **ADULT_F) == "gp"
    assert level("woke up today deaf in one ear", **ADULT_M) == "urgent"
    assert level("dry cough 5 wks now", **ADULT_M) == "gp"
    assert level("dry cough 2 days now", **ADULT_M) == "self_care"


# ConText: a fear of something, a second supposition in a question, and clock times.
def test_a_fear_a_supposition_and_a_clock_time_are_read_as_such():
    assert _assertion_of("i am scared of choking on food", "choking") == Assertion.HYPOTHETICAL
    assert _assertion_of("i am choking on food", "choking") == Assertion.PRESENT
    assert (
        _assertion_of("how do i use the pen if she goes into anaphylaxis", "anaphylaxis")
        == Assertion.HYPOTHETICAL
    )
    assert _assertion_of("she had a fit at 2 pm", "fit") == Assertion.PRESENT
    assert _assertion_of("she had a fit at 19", "fit") == Assertion.HISTORICAL
    assert _assertion_of("i collapsed at work 5 weeks ago", "collapsed") == Assertion.HISTORICAL
    assert _assertion_of("my dizziness started 5 weeks ago", "dizziness") == Assertion.PRESENT


# Everyday problems dev9 wrote that recognised nothing (so were answered "see a GP").
def test_everyday_wordings_from_dev9_are_recognised_as_self_care():
    for text, slug in [
        ("my throat feels like sandpaper this morning", "hm_sore_throat"),
        ("bit my cheek chewing and now there is a white sore", "hm_mouth_ulcer"),
        ("second day of my period, crampy as usual", "ap_period_problems"),
        ("rough patch on my heel with tiny black dots in it", "ev_warts_verrucas"),
    ]:
        assert slug in complaint_slugs(text), text
        assert level(text, **ADULT_F) == "self_care", text
    assert level("throat feels like razors and I am drooling, cannot swallow", **ADULT_F) == "emergency"
