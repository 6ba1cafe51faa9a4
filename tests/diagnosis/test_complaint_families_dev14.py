"""Phrasing families found with dev14 (messages shaped like real app input: form answers, bullet
lists, a P.S., transcripts, abbreviations, mixed languages; written blind on 2026-12-07). Each test
uses wordings that are in no corpus, with a calm twin that must not escalate."""

from tests.diagnosis.engine_helpers import below, level

ADULT_F = {"age_years": 35, "sex": "f"}
ADULT_M = {"age_years": 55, "sex": "m"}


def test_app_shaped_emergencies():
    assert (
        level("dad choking, holding his neck, nothing comes out when he tries to cough", **ADULT_M)
        == "emergency"
    )
    pregnant = {"age_years": 30, "sex": "f", "pregnant": True}
    assert level("her: blood running down my legs. 30 wks", **pregnant) == "emergency"
    assert level("DS 6/52, T 38.3, sleepy", age_months=1) == "emergency"
    assert level("bukhar 38.4, baby 7 weeks", age_months=1) == "emergency"
    assert level("PS passing dark red blood since Sunday and breathless", **ADULT_M) == "emergency"
    assert level("- abd pain 1d / - abd rigid, guarding / - T 38.6", **ADULT_F) == "emergency"
    assert level("tummy swollen and hard after my op, fever", **ADULT_F) == "emergency"
    assert level("I've decided to end it on Friday, tablets are ready", **ADULT_M) == "emergency"
    assert level("I won't be here after tonight. It's all planned.", **ADULT_M) == "emergency"
    assert level("- angina / - gtn x2 no help / - pain 20 min", **ADULT_M) == "emergency"


def test_app_shaped_same_day_cases():
    assert level("hearing the voices again, stopped my meds", **ADULT_M) == "urgent"
    assert level("knee repair 5 days ago, wound opening and red", **ADULT_F) == "urgent"


def test_app_shaped_calm_twins():
    assert below(level("choked on a crisp, coughed it straight out, fine now", **ADULT_F), "urgent")
    assert level("choked on a grape, coughed it out, still coughing and wheezy", age_years=3) != "self_care"
    assert below(level("had a heart attack of a day at work, tension headache", **ADULT_F), "urgent")
    assert level("order a repeat of my angina spray please, all fine", **ADULT_M) != "emergency"
    assert below(
        level("won't be here after tonight, off on holiday, can I get my results by email", **ADULT_F),
        "urgent",
    )
