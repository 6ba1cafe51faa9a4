"""Phrasing families found with dev12 (minimised emergencies asking for a home remedy, eye and other
same-day cases, past-history and pseudo-negation controls; written blind on 2026-12-07). Each test
uses wordings that are in no corpus, with a calm twin that must not escalate."""

from tests.diagnosis.engine_helpers import below, complaint_slugs, level

ADULT_F = {"age_years": 35, "sex": "f"}
ADULT_M = {"age_years": 45, "sex": "m"}


def test_minimised_emergencies_asking_for_a_remedy_are_still_emergencies():
    assert level("threw up and it was pinkish, any tips for a dodgy tummy", **ADULT_M) == "emergency"
    assert level("baby 9 weeks, 38.4 underarm, still feeding, calpol ok?", age_months=2) == "emergency"
    assert level("bad back and this morning I found myself wet, did not feel it", **ADULT_F) == "emergency"
    assert level("been bleeding for over an hour from my bottom, which cream", **ADULT_F) == "emergency"
    assert level("poo is sticky like coal tar, feel weak", **ADULT_M) == "emergency"
    assert level("my tummy is like a board and it is agony to touch, temp 38.5", **ADULT_F) == "emergency"
    assert level("mum caught her head on the door, she is on warfarin", age_years=80, sex="f") == "emergency"
    assert level("two weeks on new gout tablets, skin peeling and mouth raw", **ADULT_M) == "emergency"


def test_minimised_suicide_plans_are_emergencies():
    assert level("saved enough tablets to end it next week, anything for sleep?", **ADULT_F) == "emergency"
    assert level("wrote letters to my family tonight", **ADULT_F) == "emergency"
    assert level("he gave away his guitar and bought a rope", **ADULT_M) == "emergency"
    assert level("planned to drive into a wall this weekend", **ADULT_M) == "emergency"
    assert (
        level("gran says she will be gone by spring and asks where the pills are kept", age_years=85)
        != "self_care"
    )


def test_their_calm_twins_stay_below_urgent():
    assert below(level("wrote letters to my pen pal today", **ADULT_F), "urgent")
    assert below(level("gave away my old sofa, back aches from lifting it", **ADULT_M), "urgent")
    assert below(level("abs rock hard from sit ups, bit sore", **ADULT_M), "urgent")
    assert below(
        level("nearly gave me a heart attack when the cat jumped out, laughing now", **ADULT_F), "urgent"
    )


# NHS "Eye injuries": an eye caught by a nail, dust that fell in, something under the lid, a
# cleaning spray: seen the same day (chemicals: A&E).
def test_eye_injuries_told_calmly_are_seen_the_same_day():
    assert level("my toddler caught my eye with his nail, streaming and sore", **ADULT_F) == "urgent"
    assert level("grit fell in my eye at work, rinsed but still scratchy", **ADULT_M) == "urgent"
    assert level("something under my top eyelid, watering all morning", **ADULT_F) == "urgent"
    assert level("bathroom spray in my eye, burning", **ADULT_F) == "emergency"
    assert level("eyelash in my eye, came out with a tissue, fine now", **ADULT_F) == "self_care"


# ConText from dev12's controls: a year, a past season or month, "yrs ago", "nothing like".
def test_past_history_and_nothing_like_are_not_findings():
    assert level("my fit was in 2016, none since, can I drive?", **ADULT_M) != "emergency"
    assert level("after my heart attack last june I feel great, can I run?", **ADULT_M) != "emergency"
    assert level("had an ectopic 2 yrs ago, trying again", **ADULT_F) != "emergency"
    assert "hm_stroke" not in complaint_slugs("nothing like a stroke, just a dead leg from sitting")
    assert level("had a fit in 2019 and again today", **ADULT_M) == "emergency"
    assert (
        level("baby was in hospital at 5 weeks old, now 8 months with a cold, 37.8", age_months=8)
        != "emergency"
    )
