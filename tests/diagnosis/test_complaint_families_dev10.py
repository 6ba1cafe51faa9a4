"""Phrasing families found with dev10 (emergencies in unusual wordings, written blind on 2026-12-07).
Each test uses wordings that are in no corpus, with a calm twin that must not escalate."""

from tests.diagnosis.engine_helpers import below, complaint_slugs, level

ADULT_F = {"age_years": 35, "sex": "f"}
ADULT_M = {"age_years": 45, "sex": "m"}
BABY_7_WEEKS = {"age_months": 1}


# NHS "Stomach ulcer" and "Vomiting blood": black poo told by likeness, gritty brown sick.
def test_black_poo_and_coffee_ground_sick_told_by_likeness():
    assert level("poo looks like treacle today and smells awful", **ADULT_M) == "emergency"
    assert level("threw up some dark gritty sick this morning", **ADULT_M) == "emergency"
    assert below(level("ate liquorice allsorts, tummy a bit full", **ADULT_M), "urgent")


# NHS "Cauda equina syndrome": a double negative, a dialect respelling and both feet weak.
def test_saddle_numbness_in_dialect_and_both_feet_weak():
    assert level("bad back and I cyaan feel nothing round my bum", **ADULT_F) == "emergency"
    assert level("back pain and both my legs are going weak", **ADULT_F) == "emergency"
    assert level("bad back after gardening, legs fine", **ADULT_F) == "self_care"


# NHS "Choking": no air getting in.
def test_choking_with_no_air_getting_in_is_an_emergency():
    assert level("she is choking, no air getting in", **ADULT_F) == "emergency"
    assert level("choked on a crisp but coughed it up, breathing fine now", **ADULT_F) != "emergency"


# NICE NG143: a reading of 38C or more in a baby under 3 months, told as the number only.
def test_a_bare_reading_in_a_young_baby_is_an_emergency_but_not_the_mothers_own():
    assert level("7 wk old, thermometer reads 38.6", **BABY_7_WEEKS) == "emergency"
    assert level("7 week old 38.1", **BABY_7_WEEKS) == "emergency"
    assert level("7 week old 37.2 and feeding well", **BABY_7_WEEKS) != "emergency"
    mother = {"age_years": 30, "sex": "f"}
    assert level("sore lumpy breast and I'm 38.4, baby is 6 weeks", **mother) == "urgent"


# NICE NG232: a baby under 1 with a lump on the head, and high-energy injuries, go to A&E.
def test_head_injuries_a_baby_with_a_lump_and_high_energy_falls_or_vehicles():
    baby = {"age_months": 9}
    assert level("rolled off the changing table, bump on his head", **baby) == "emergency"
    assert level("fell off a ladder and hit my head, feel ok", **ADULT_M) == "emergency"
    assert level("knocked off my bike by a van, banged my head", **ADULT_M) == "emergency"
    assert level("banged my head on a cupboard door, small bump", **ADULT_M) == "self_care"


# DRESS syndrome: a rash all over with a fever weeks into a medicine known for it.
def test_rash_everywhere_with_fever_weeks_into_carbamazepine_is_an_emergency():
    assert level("two weeks into carbamazepine, rash all over and a temperature", **ADULT_M) == "emergency"
    assert level("heat rash all over after the beach, no temperature", **ADULT_M) != "emergency"


# NHS "Help for suicidal thoughts": warning signs with the means, or a plan.
def test_suicide_warning_signs_with_means_or_a_plan_are_emergencies():
    assert level("my brother is giving his stuff away and has bought a rope", **ADULT_M) == "emergency"
    assert level("I googled how many pills it would take and I have that many", **ADULT_F) == "emergency"
    assert (
        level("she has stopped taking her insulin so she can be with my late dad", **ADULT_F) == "emergency"
    )
    assert level("I have all my tablets in front of me", **ADULT_F) == "emergency"
    assert below(level("giving my old clothes away to charity, feel great", **ADULT_F), "urgent")
    assert below(level("stopped taking my iron tablets because they upset my stomach", **ADULT_F), "urgent")


# ConText from dev10's controls: a term asked about, a dream, last season.
def test_a_term_asked_about_a_dream_and_last_season_are_not_findings():
    assert level("what does a rigid abdomen mean?", **ADULT_F) is None
    assert level("what does it mean when my poo is black and sticky", **ADULT_F) == "emergency"
    assert "hb_choking" not in complaint_slugs("I had a dream that I was choking")
    assert level("knocked out playing hockey last season, all fine now", **ADULT_M) != "emergency"


# NICE NG143 (cautious reading): a baby of 3 to 6 months with 38C or more sees a GP.
def test_a_baby_of_4_months_with_38_is_a_gp_matter():
    assert level("4 month old is 38.3, feeding and smiling", age_months=4) == "gp"
    assert level("4 month old is 39.2", age_months=4) == "urgent"
