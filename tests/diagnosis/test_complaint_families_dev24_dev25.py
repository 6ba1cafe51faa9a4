"""Phrasing families found with dev24 (the problem told inside a practical or admin request) and
dev25 (English from outside the UK), both written blind on 2026-12-07. Each test uses wordings that
are in no corpus, with a calm twin that must not escalate."""

from tests.diagnosis.engine_helpers import below, level

PREGNANT = {"age_years": 30, "sex": "f", "pregnant": True}


def test_meningitis_signs_with_a_bare_reading():
    assert level("can I skip my shift? stiff neck, bright light hurts, hard to wake, 39.8", age_years=20) == (
        "emergency"
    )
    assert level("stiff neck from sleeping funny, 36.9, otherwise fine", age_years=20) != "emergency"


def test_a_plan_told_inside_a_practical_question():
    assert level(
        "who do I tell about my pension? all my pills are in a pile, taking them tonight", age_years=50
    ) == ("emergency")
    assert (
        level("can I cancel my gym membership online? going off the cliff today", age_years=30) == "emergency"
    )
    assert level(
        "putting all my tablets out in the dosette box, taking them after tea as usual", age_years=70
    ) != ("emergency")
    assert level("we are going off the bridge road at junction 4 tonight, any services?", age_years=40) != (
        "emergency"
    )


def test_movements_down_told_as_an_aside():
    assert level("can I still do my shift? 30 wks, kicks much weaker today", **PREGNANT) == "emergency"
    assert level("is the pool ok at 33 weeks? kicks right down since this morning", **PREGNANT) == "emergency"
    assert level("is the pool ok at 33 weeks? she kicks loads when I swim", **PREGNANT) != "emergency"


def test_bruising_behind_both_ears_after_a_blow():
    assert level(
        "a box fell on him at the warehouse, now bruising behind both his ears and he is confused",
        age_years=40,
    ) == ("emergency")
    assert level("bruising on both his knees after football, walking fine", age_years=40) != "emergency"


def test_baby_3_to_6_months_reading_without_a_fever_word():
    assert level("4 month old, 39.4 this morning, feeding ok", age_months=4) == "urgent"
    assert below(level("4 month old, 37.2 this morning, feeding ok", age_months=4), "urgent")


def test_chickenpox_contact_in_pregnancy_and_lyme():
    assert level("pregnant and I have not had chickenpox, my niece has it now", **PREGNANT) == "urgent"
    assert below(
        level("pregnant, I had chickenpox as a child, is my niece's cough catching?", **PREGNANT), "urgent"
    )
    assert not below(
        level("got a tick bite on a walk and now a red ring rash spreading round it", age_years=40), "gp"
    )
    assert below(level("got a tick off the dog, no rash on me at all", age_years=40), "gp")


def test_stories_that_are_over():
    assert level(
        "my son choked on a sweet at the party. One back blow and it came straight out, he is playing now",
        age_years=5,
    ) != ("emergency")
    assert level(
        "swallowed some crisps the wrong way at lunch, coughed and it came up, I'm fine now", age_years=30
    ) != ("emergency")
    assert level("had chest pain back in June, all tests normal, can I get a sick note?", age_years=50) != (
        "emergency"
    )
    assert level("choked on a sweet and it came out but now he is not breathing", age_years=5) == "emergency"
