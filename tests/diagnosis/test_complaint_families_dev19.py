"""Phrasing families found with dev19 (second-language writers, carers with clinical shorthand, older
people writing formally; written blind on 2026-12-07). Each test uses wordings that are in no corpus,
with a calm twin that must not escalate."""

from tests.diagnosis.engine_helpers import below, level

ADULT_F = {"age_years": 44, "sex": "f"}
ADULT_M = {"age_years": 52, "sex": "m"}


def test_choking_in_care_home_shorthand():
    assert level(
        "resident choking at tea, unable to talk, feeble cough, colour going grey", age_years=88
    ) == ("emergency")


def test_cauda_equina_in_second_language_english():
    assert (
        level("my husband back paining, he cannot hold the urine since yesterday", **ADULT_M) == "emergency"
    )
    assert level("back not so bad but I am not feeling the paper when I wipe", **ADULT_F) == "emergency"
    assert below(level("my back is not so bad today, just stiff after gardening", **ADULT_F), "urgent")


def test_head_injury_told_without_the_head():
    assert level(
        "my daughter fall from the top bunk, she vomited two times, keeps wanting to sleep", age_years=4
    ) == ("emergency")
    assert level("SU 81M unwitnessed fall, lump on back of head, on rivaroxaban", age_years=81) == "emergency"
    assert level("he fell off the trampoline, cried, now playing and eating fine", age_years=6) != "emergency"


def test_bleeding_and_vomiting_blood_in_second_language_english():
    assert level("passing blood from back side since morning, whole toilet is becoming red", **ADULT_M) == (
        "emergency"
    )
    assert level("my father is doing vomit, it have blood lines and now it was full red", age_years=70) == (
        "emergency"
    )


def test_skin_reactions_after_a_medicine_in_plain_words():
    assert level(
        "after the new tablet the doctor gave, blisters inside my cheek and on my hands", **ADULT_F
    ) == ("emergency")
    assert level("on lamotrigine two weeks, fever and my skin is slipping when I touch it", **ADULT_F) == (
        "emergency"
    )


def test_suicidal_intent_told_plainly_or_formally():
    assert (
        level("I am tired of everything and I have collected tablets for tonight", **ADULT_M) == "emergency"
    )
    assert level("I have put my affairs in order and I have enough of my pills put by", age_years=80) == (
        "emergency"
    )
    assert level("feel I am only a burden, decided I will do it today, everything is ready", **ADULT_F) == (
        "emergency"
    )
    assert level("so tired of everything at work, need a holiday, sleeping badly", **ADULT_F) != "emergency"


def test_a_count_of_tablets_said_before_the_verb():
    assert (
        level("is 24 paracetamol I took this morning dangerous? I changed my mind", **ADULT_F) == "emergency"
    )


def test_eye_injuries_shingles_and_urine_infections_in_other_englishes():
    assert level("my son his friend poke his eye, now red and he cannot open it for pain", age_years=8) == (
        "urgent"
    )
    assert level("grit in eye on site, washed with water but still something scratching", **ADULT_M) != (
        "self_care"
    )
    assert level("vesicular rash L forehead and tip of nose, L eye watery", age_years=79) == "urgent"
    assert level(
        "I am man, when I do urine it burns and it is cloudy since 2 days", age_years=35, sex="m"
    ) == ("urgent")
    assert (
        level("6 weeks pregnant, burning in urine, going toilet many times", age_years=29, sex="f")
        == "urgent"
    )


def test_history_opened_by_a_time_and_relatives_told_without_a_verb():
    assert level(
        "long time ago, maybe 15 year, I have the stroke. now I have only hay fever", age_years=66
    ) != ("emergency")
    assert (
        level("years ago, I had chest pain, but now my chest is crushing and sweaty", **ADULT_M)
        == "emergency"
    )
    assert level("my aunty heart attack at 45, I am 40 and want my cholesterol checked", **ADULT_F) != (
        "emergency"
    )
    assert level("my mum was in hospital with sepsis in spring, I have a cold now", **ADULT_F) != "emergency"
    assert level(
        "nosebleed for 5 minutes, stopped with pinching, spat a little blood, fine now", **ADULT_M
    ) != ("emergency")


def test_toenails_and_mouth_ulcers_that_do_not_settle():
    assert level("my toenail is entering the flesh, did soaking for 3 week, still painful", **ADULT_M) == "gp"
    assert level("T2DM and PVD, ingrown nail L big toe with pus", age_years=74) == "urgent"
    assert level("I get mouth ulcers 4 times a month, they heal but keep coming", **ADULT_F) == "gp"
