"""Phrasing families found with dev15 (15 emergencies in each category where held-out or fresh still
missed one, written blind on 2026-12-07). Each test uses wordings that are in no corpus, with a calm
twin that must not escalate."""

from tests.diagnosis.engine_helpers import below, level

ADULT_F = {"age_years": 35, "sex": "f"}
ADULT_M = {"age_years": 50, "sex": "m"}


def test_suicide_plans_told_sideways_are_emergencies():
    assert level(
        "whats the lethal dose of my sleeping tablets, I just want it all to be over", **ADULT_F
    ) == ("emergency")
    assert level("how much of my morphine would it take. I am done", **ADULT_M) == "emergency"
    assert level("my brother wants to finish his life today, he has the tablets", **ADULT_M) == "emergency"
    assert level(
        "she keeps saying she is going to join him, she has given her cat away and has a rope", **ADULT_F
    ) == ("emergency")
    assert level(
        "my son wrote in the family group chat this is goodbye and now his phone is off", **ADULT_F
    ) == ("emergency")
    assert level("I have made a plan and I am on the roof of the flats", **ADULT_M) == "emergency"
    assert level("she has been googling ways to end it and has bought loads of paracetamol", **ADULT_F) == (
        "emergency"
    )
    assert level("he says he will go to sleep forever with the pills in his drawer", **ADULT_M) == "emergency"


def test_suicide_calm_twins():
    assert level("what is the maximum dose of paracetamol for a headache?", **ADULT_F) != "emergency"
    assert level("how many of my iron tablets would it take to fix my levels?", **ADULT_F) != "emergency"
    assert level("I could sleep forever after night shifts, always tired", **ADULT_M) != "emergency"
    assert level("we made a plan to go up the tower for the view, I get vertigo", **ADULT_M) != "emergency"
    assert level("I read online how to look after a sprained ankle", **ADULT_F) != "emergency"


def test_other_dev15_emergencies():
    assert level(
        "my backside and inner thighs feel numb like a dentist injection, bad back since lifting", **ADULT_M
    ) == ("emergency")
    assert level("spinal surgery last week, now I cannot tell when I need to wee", **ADULT_F) == "emergency"
    assert level("7 week old measuring 38.3 on the ear thermometer", age_months=1) == "emergency"
    assert level("fell off a ladder, blood coming out of my ear", **ADULT_M) == "emergency"
    assert level("belly pain, hurts worse when I let go after pushing on it", **ADULT_F) == "emergency"
    assert level("nan is groaning and guarding her tummy, it is swollen and firm", age_years=88, sex="f") == (
        "emergency"
    )
    assert level("worst belly pain of my life, I am keeping dead still", **ADULT_M) == "emergency"
    assert below(level("mild tummy ache, lying very still on the sofa watching a film", **ADULT_M), "urgent")
    assert (
        level("took my mate's bactrim, now my skin is peeling and my mouth is raw", **ADULT_M) == "emergency"
    )
    assert (
        level("food went down the wrong way, trying to cough but nothing coming out", **ADULT_F)
        == "emergency"
    )


def test_other_dev15_same_day_cases_and_twins():
    assert level("back pain keeps me up at night, worse each week", **ADULT_F) == "urgent"
    pregnant = {"age_years": 29, "sex": "f", "pregnant": True}
    assert level("brownish streak on the tissue when I wiped, 16 weeks", **pregnant) == "urgent"
    assert level("itchy hives since my new blood pressure tablet", **ADULT_M) == "urgent"
    assert below(level("hives after a new washing powder, no swelling, breathing fine", **ADULT_F), "urgent")
    assert below(level("numb jaw after the dentist injection this morning", **ADULT_F), "urgent")
    assert below(
        level("ear wax and a bit of blood from my ear after using a cotton bud", **ADULT_M), "emergency"
    )


def test_questions_about_words_and_stories_told_as_over_do_not_call_999():
    # a question about what a sign feels like or why it matters, naming nobody
    assert level("what does a rigid abdomen feel like to the doctor examining it?", **ADULT_F) != "emergency"
    assert level("why is a rash that does not fade such a big deal?", **ADULT_F) != "emergency"
    # ... but said of someone, it stays a finding
    assert level("what does it mean that my baby has a rash that does not fade?", age_months=8) == "emergency"
    # a programme watched, and a story told as the past that goes on with "and I had"
    assert (
        level("watched a medical drama, a man had a burst appendix, I have no pain", **ADULT_M) != "emergency"
    )
    assert level("my bowel ruptured when I was 12 and I had peritonitis, I am fine now", **ADULT_F) != (
        "emergency"
    )
    assert (
        level("my appendix burst this morning and I had to lie still, belly rigid", **ADULT_F) == "emergency"
    )
