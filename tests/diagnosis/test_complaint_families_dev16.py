"""Phrasing families found with dev16 (same-day cases, pseudo-negation, past and family history
controls, choking; written blind on 2026-12-07). Each test uses wordings that are in no corpus, with a
calm twin that must not escalate."""

from tests.diagnosis.engine_helpers import below, level

ADULT_F = {"age_years": 35, "sex": "f"}
ADULT_M = {"age_years": 40, "sex": "m"}


def test_things_stuck_in_the_skin_and_wounds_that_turned_are_same_day():
    assert level("got a fishing hook in my finger, it is past the barb", **ADULT_M) == "urgent"
    assert level("a piece of glass in my foot from the beach, cannot get it out", **ADULT_F) == "urgent"
    assert level("scraped my knee on the wall, now it is red and swollen with pus", **ADULT_M) == "urgent"
    assert level(
        "dad has a skin tear on his leg, the dressing smells and there is green stuff", age_years=85
    ) == ("urgent")
    # twins: a tiny scratch with tetanus covered; a hook caught in a jumper
    assert below(
        level("caught my arm on a bramble, tiny scratch, tetanus is up to date", **ADULT_F),
        "urgent",
    )
    assert level("stood on a rusty nail, not sure my tetanus jab is up to date", **ADULT_M) == "urgent"


def test_eye_injuries_said_plainly_are_at_least_same_day():
    assert level("a tennis ball hit me in the eye, it keeps watering", **ADULT_M) in ("urgent", "emergency")
    assert level("my son poked his left eye with a stick and it is streaming", age_years=6) in (
        "urgent",
        "emergency",
    )


def test_a_man_with_urine_infection_symptoms_is_same_day_by_his_profile():
    assert level("stinging when I wee and going all the time since yesterday", **ADULT_M) == "urgent"
    assert level("stinging when I wee and going all the time since yesterday", **ADULT_F) != "urgent"
    # sex not known: the words decide (no male word here), so not raised by sex alone
    assert level("stinging when I wee and going all the time since yesterday", age_years=40) != "urgent"
    assert level("pass water many times at night and it burns", age_years=70, sex="m") == "urgent"


def test_earache_with_fluid_or_a_very_high_temperature_is_same_day():
    assert level("earache since yesterday and now gunk has come out of it", age_years=5) == "urgent"
    assert level("her ear hurts and she is 39.4 and shivering", age_years=4, sex="f") == "urgent"
    assert below(level("mild earache since this morning, no temperature", **ADULT_F), "urgent")


def test_a_blocked_nose_is_not_breathlessness():
    assert below(level("cannot breathe through my nose with this cold, chest fine", **ADULT_F), "urgent")
    assert level("cannot breathe and my lips are going blue", **ADULT_F) == "emergency"
