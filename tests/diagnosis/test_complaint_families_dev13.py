"""Phrasing families found with dev13 (people who do not use the medical words: children, very old
people, limited English, euphemism, what is seen on someone else; written blind on 2026-12-07). Each
test uses wordings that are in no corpus, with a calm twin that must not escalate."""

from tests.diagnosis.engine_helpers import below, level

ADULT_F = {"age_years": 35, "sex": "f"}
ADULT_M = {"age_years": 45, "sex": "m"}
OLDER_M = {"age_years": 88, "sex": "m"}


def test_emergencies_without_the_medical_words():
    assert level("a boiled sweet is lodged and he cannot draw breath", **ADULT_M) == "emergency"
    assert level("baby hot so much, 38.2, 5 week", age_months=1) == "emergency"
    assert level("banged the side of his head on the kerb, sick three times", **ADULT_M) == "emergency"
    assert level("my tummy has gone rigid and I cannot move for the pain", **ADULT_F) == "emergency"
    assert level("a grey shadow coming across from the side of my sight", **ADULT_F) == "emergency"
    assert level("he threw up and it looked like dark red blood", **ADULT_M) == "emergency"
    assert level("sick bowl has brown bits like coffee grounds", **ADULT_M) == "emergency"
    assert level("what comes out is jet black and sticky", **OLDER_M) == "emergency"
    assert level("I cannot feel the loo seat under me and my back aches", **OLDER_M) == "emergency"
    assert level("sitting in the car in the garage with the hose", **ADULT_M) == "emergency"
    assert level("going to step in front of a bus tonight", **ADULT_M) == "emergency"


def test_same_day_cases_without_the_medical_words():
    assert level("dust blown into my eye, washed it, still feels like grit", **ADULT_F) == "urgent"
    assert level("a painful crop of blisters on my forehead near my eye", **OLDER_M) == "urgent"
    assert level("it stings down there when I wee", age_years=29, sex="f", pregnant=True) == "urgent"
    assert level("bitten by our dog on the hand, hot and swollen", **ADULT_F) == "urgent"


def test_their_calm_twins():
    assert below(level("my waterworks have gone funny, going a lot", **ADULT_M), "urgent")
    assert below(level("my tummy is rock hard from all the sit ups, no pain", **ADULT_M), "urgent")
    assert below(level("car is in the garage for its MOT", **ADULT_M), "urgent")
    assert below(level("he threw up after too much cake, no blood", age_years=7), "urgent")
