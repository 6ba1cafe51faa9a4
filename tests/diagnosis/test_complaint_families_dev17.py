"""Phrasing families found with dev17 (dangers told beside an everyday complaint so that they sound
like self-care; written blind on 2026-12-07). Each test uses wordings that are in no corpus, with a
calm twin that must not escalate."""

from tests.diagnosis.engine_helpers import below, level

ADULT_F = {"age_years": 35, "sex": "f"}
ADULT_M = {"age_years": 50, "sex": "m"}


def test_emergencies_told_beside_an_everyday_complaint():
    assert level("sore back from gardening and I could not feel the toilet seat this morning", **ADULT_M) == (
        "emergency"
    )
    assert level(
        "dad hurt his back, now cannot tell if he needs the loo and his legs gave way", age_years=70
    ) == ("emergency")
    assert level(
        "bumped my head on the shelf, now clear watery drip from one side of my nose", **ADULT_F
    ) == ("emergency")
    assert (
        level("late period, changing a pad every 15 minutes and I keep seeing stars", **ADULT_F)
        == "emergency"
    )
    assert (
        level("piles again but the toilet all red and my head spins when I stand", **ADULT_M) == "emergency"
    )
    assert level("on apixaban, some red in the toilet this morning and now clots", **ADULT_M) == "emergency"
    assert level("indigestion for ages, then I threw up dark red clots tonight", **ADULT_F) == "emergency"
    assert level("constipated, tummy hard like wood and I cannot walk for the pain", **ADULT_M) == "emergency"


def test_quiet_plans_beside_an_everyday_request():
    assert level(
        "need something for my headache. have been putting tablets aside, will not need any more", **ADULT_F
    ) == ("emergency")
    assert (
        level("can I get a stronger sleeping tablet? got a plan for tonight anyway", **ADULT_M) == "emergency"
    )
    assert level(
        "hip pain at night. I have kept back my oxycodone for when I am ready", age_years=80, sex="m"
    ) == ("emergency")
    assert (
        level("it would be safest for everyone if I was gone, I will do it on Sunday", **ADULT_F)
        == "emergency"
    )


def test_quiet_plan_twins():
    assert level("put my tablets aside while I was on holiday, can I restart them?", **ADULT_F) != "emergency"
    assert level(
        "got a plan for tonight, a takeaway and an early night, any tips for a cold?", **ADULT_M
    ) != ("emergency")


def test_same_day_eye_toe_and_shingles_cases():
    assert (
        level("blisters on my forehead on one side that burn, never had this before", **ADULT_M) == "urgent"
    )
    assert level("dust blew in my face, rinsed my eyes but one is still scratchy", **ADULT_F) == "urgent"
    assert level("diabetic, my toenail is red and angry at the side", age_years=70, sex="f") == "urgent"
    assert (
        level("pus at the side of the toenail and a temperature of 38.3", age_years=16, sex="m") == "urgent"
    )
    assert level("ingrown toenail, a bit sore, no redness", **ADULT_M) != "urgent"
    assert below(
        level("chickenpox spots on his tummy and back, itchy, otherwise well", age_years=5), "urgent"
    )


def test_an_age_given_now_only_dates_a_past_story():
    assert level(
        "she had a febrile seizure when she was 1, she is 4 now, runny nose, playing", age_years=4
    ) != ("emergency")
    assert level("he had a seizure now and he is 4", age_years=4) == "emergency"
    assert level("I keep choking on my words in meetings, any tips for nerves?", **ADULT_F) != "emergency"


def test_an_illness_treated_and_over_is_history_unless_the_clause_goes_on_now():
    assert level("my brother had surgery for a twisted testicle.", age_years=30, sex="m") != "emergency"
    assert level("my aunt was treated for sepsis, I have a cold", **ADULT_F) != "emergency"
    assert level("had surgery for a hernia and now the lump is hard and I am being sick", **ADULT_M) == (
        "emergency"
    )


def test_a_figure_of_speech_about_breathing_reaches_neither_layer():
    # The symptom resolver reads the same figures of speech as the complaint layer, so a breath
    # caught for a second does not reach the breathlessness red flag; a real struggle still does.
    assert level("my son laughs so hard he can not breathe for a moment, has a runny nose", age_years=3) != (
        "emergency"
    )
    assert level("sneezed and could not breathe for a sec, bit of a cold otherwise", **ADULT_M) != "emergency"
    assert level("my son can not breathe and his lips look grey", age_years=3) == "emergency"
