"""Phrasing families found with dev21 (the boundary between the past and now, and between denial and
presence; written blind on 2026-12-07). Each test uses wordings that are in no corpus, with a calm twin
that must not escalate."""

from tests.diagnosis.engine_helpers import below, level

ADULT_F = {"age_years": 41, "sex": "f"}
ADULT_M = {"age_years": 58, "sex": "m"}


def test_attempts_under_way_told_after_a_past_story():
    assert level(
        "she was under the crisis team last spring. just found her with a ligature round her neck", **ADULT_F
    ) == ("emergency")
    assert level(
        "since the funeral I have coped. tonight I drank a bottle of vodka and took all my pills", **ADULT_M
    ) == ("emergency")
    assert (
        level("my brother has consumed weedkiller after a fight with his wife", age_years=30) == "emergency"
    )


def test_an_event_dated_by_an_age_or_a_trailing_time_is_the_past():
    assert level("I collapsed at 19 with a heart problem, I'm 40 now and just have a cold", age_years=40) != (
        "emergency"
    )
    assert level("he had suicidal thoughts after losing his job, 6 years ago. he is well now", **ADULT_M) != (
        "emergency"
    )
    assert level("I overdosed at 16. now I am 35 and just want a flu jab", age_years=35) != "emergency"


def test_questions_about_what_to_do_if_are_not_happening_now():
    assert level(
        "what should his nursery do if my son has a seizure? he has not had one for two years", age_years=3
    ) != ("emergency")
    assert (
        level("would a headache after the gym mean a stroke? I have never had one", **ADULT_M) != "emergency"
    )
    assert level("my son is having a seizure right now, 4 minutes so far", age_years=3) == "emergency"


def test_over_before_it_started():
    assert (
        level("on apixaban, nicked my thumb, it stopped after 5 minutes of pressure", **ADULT_M)
        == "self_care"
    )
    assert (
        level("on warfarin, cut my hand, still bleeding after 20 minutes of pressure", **ADULT_M)
        == "emergency"
    )
    assert below(
        level(
            "my daughter swallowed some pool water the wrong way, coughed a bit and now she is playing",
            age_years=4,
        ),
        "urgent",
    )


def test_shingles_told_beside_a_past_episode():
    assert level(
        "had shingles on my back years ago, now blisters round my right eye and they sting", age_years=72
    ) == ("urgent")
    assert level("burning on my scalp since yesterday and now a rash on my temple", age_years=66) == "urgent"
