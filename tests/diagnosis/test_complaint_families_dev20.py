"""Phrasing families found with dev20 (typed or dictated on a phone in a hurry: voice-to-text and
autocorrect errors; written blind on 2026-12-07). Each test uses wordings that are in no corpus, with
a calm twin that must not escalate."""

from tests.diagnosis.engine_helpers import below, level

ADULT_F = {"age_years": 36, "sex": "f"}
ADULT_M = {"age_years": 49, "sex": "m"}


def test_cauda_equina_dictated_or_typed_fast():
    assert level("sigh attica down both legs and i cant control my bladder", **ADULT_M) == "emergency"
    assert level("bad back, my backside has gone numb since this morning", **ADULT_M) == "emergency"
    assert level("back sore and not feeling when i need a wee", **ADULT_F) == "emergency"
    assert below(level("sigh attica down my left leg for a week, ibuprofen helping", **ADULT_M), "urgent")


def test_head_injury_and_bleeding_typed_fast():
    assert level("dad on apixaban fell n banged his hed", age_years=77) == "emergency"
    assert level("bleedin from my bum nonstop and feel faint", **ADULT_M) == "emergency"


def test_suicidal_plans_told_as_a_farewell():
    assert level("got a plan for tonight and im at peace, love you all", **ADULT_F) == "emergency"
    assert level("engine running in the garage, wanted somebody to know", **ADULT_M) == "emergency"
    assert level("got a plan for tonight, pizza and a film, thanks for everything", **ADULT_F) != "emergency"


def test_a_first_fit_dictated():
    assert level("my wife fitted in bed just now never had one before", **ADULT_F) == "emergency"


def test_same_day_cases_typed_fast():
    assert level("my gran has blisters round her eye and the eyelid is swollen", age_years=80) == "urgent"
    assert level("burning on my forehead since monday now spots by my eye", age_years=67) == "urgent"
    assert level("grandad up all night to pee and it burns, blood in it", age_years=82, sex="m") == "urgent"


def test_past_stories_dictated_without_punctuation():
    assert level(
        "my son choked on a grape when he was three he is seven now and has a cold", age_years=7
    ) != ("emergency")
    assert level("had shingles near my eye last yr all cleared up, now just chapped lips", age_years=60) != (
        "urgent"
    )
    assert level(
        "my brother had appendicitis last week, I have a mild stomach ache from too much cake", **ADULT_F
    ) != ("urgent")
    assert level("had a heart attack 2016, now just want advice on a verruca", age_years=64) != "emergency"
    assert level("had a miscarriage last yr, now pregnant and well, blocked nose", **ADULT_F) != "urgent"
