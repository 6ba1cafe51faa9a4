"""Complaint terms that once read too widely, found by probing everyday wordings (thirteenth round):
a word that belongs to another part of the sentence must not make a complaint or a red flag."""

from tests.diagnosis.engine_helpers import assess, level

ADULT = {"age_years": 40, "sex": "f"}


def test_red_from_something_other_than_the_sun_is_not_sunburn():
    # "(red|sore|...) ... (from|after) the" once matched any "the": wine, an operation, a bath
    assert "sunburn" not in {
        c.slug for c in assess("sore after the operation and feel sick", **ADULT).complaints
    }
    assert "sunburn" not in {
        c.slug
        for c in assess("threw up once after too much wine, it was red from the wine", **ADULT).complaints
    }
    assert "sunburn" in {c.slug for c in assess("skin is red from the sun and it stings", **ADULT).complaints}


def test_red_skin_beside_feeling_sick_is_not_blood_in_the_vomit_red_vomit_is():
    result = assess("skin is red from the sun and I feel sick", **ADULT)
    assert "ap_vomiting_blood_in_it" not in {f.slug for f in result.fired}, result.fired
    for text in ("threw up and it was red", "vomited twice, looked red", "being sick and it came up red"):
        assert level(text, **ADULT) == "emergency", text
