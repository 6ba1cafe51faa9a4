"""Phrasing families found with dev34 to dev39 (code-switching, euphemism, clinical jargon, phonetic
spelling, thread updates, symptom dumps), all written blind on 2026-12-07. Each test uses wordings
that are in no corpus, with a calm twin that must not escalate."""

from diagnosis.engine.context import tablets_taken, tokenise
from diagnosis.engine.mentions import without_mentions
from tests.diagnosis.engine_helpers import below, level

PREGNANT = {"age_years": 30, "sex": "f", "pregnant": True}


def test_midwives_shorthand_for_fewer_movements():
    assert level("RFM since lunchtime at 36/40", **PREGNANT) == "emergency"
    assert level("overdue, movements reduced since breakfast", **PREGNANT) == "emergency"
    assert level("34/40, FMs normal, just heartburn", **PREGNANT) != "emergency"


def test_got_used_to_is_not_the_past():
    assert level("31 weeks, I've got used to kicks every evening but tonight nothing at all", **PREGNANT) == (
        "emergency"
    )
    assert level("31 weeks, I've got used to kicks every evening and had loads tonight", **PREGNANT) != (
        "emergency"
    )


def test_a_job_said_first_does_not_hide_the_family():
    assert "husband" in without_mentions("Paramedic, re husband 40: sudden severe testicular pain")
    assert level("Midwife, re son 15: sudden severe testicular pain since 6am", age_years=15, sex="m") == (
        "emergency"
    )
    # a course or a novel stays framed
    assert level("my son did a first aid course where they taught what to do if a baby stops breathing") != (
        "emergency"
    )


def test_clinical_words_for_emergencies():
    assert level("acute scrotum in my 11yo since 7am", age_years=11, sex="m") == "emergency"
    assert level("dad 80, PR bleed, haemodynamically unstable", age_years=80) == "emergency"
    assert level("complete airway obstruction, piece of steak", age_years=60) == "emergency"
    assert level("toddler fell off the sofa, boggy swelling occipital, vomited 3 times", age_years=2) == (
        "emergency"
    )
    assert level("PR bleed last year from piles, banded, fine since", age_years=50) != "emergency"


def test_a_count_with_a_strength_is_tablets():
    assert tablets_taken(tokenise("took 30 x 500mg paracetamol at 9")) == 30
    assert level("she took 20 x 500 mg paracetamol an hour ago", age_years=19) == "emergency"


def test_phonetic_spellings_are_read():
    assert level("left eye red and sore, lites hurt and its gone blury", age_years=40) == "emergency"
    assert level("36 weks, babby normaly kickin loads but nothin since tea", **PREGNANT) == "emergency"
    assert below(level("eye a bit tired, lites fine, not blury", age_years=40), "urgent")


def test_single_words_from_another_language():
    assert level("my baby 5 semanas, febre 38.3", age_months=1) == "emergency"
    assert level("baby 7 weeks, temperature 38,4 on the ear thermometer", age_months=1) == "emergency"
    assert level("baby 7 weeks, temperature 36,8, feeding well", age_months=1) != "emergency"


def test_swallowed_then_cannot_breathe_and_the_other_hole():
    assert level("my 3 year old swallowed a marble and can't get air in", age_years=3) == "emergency"
    assert (
        level("my 3 year old swallowed a grape pip, breathing and playing fine", age_years=3) != "emergency"
    )
    assert level("so much blood from the other hole, the toilet looks like red wine", age_years=30) == (
        "emergency"
    )


def test_same_day_wordings():
    assert level("couldn't weight bear after the tackle, ankle swollen", age_years=20) == "urgent"
    assert level(
        "burning pain on my left side for 3 days before the rash came, now blisters", age_years=70
    ) in (
        "urgent",
        "gp",
    )
    assert level(
        "throat painful one side, voice like a hot potato, can't open mouth properly", age_years=25
    ) == ("urgent")


def test_a_teaching_session_is_not_now():
    assert level("signs of a thunderclap headache? preparing a teaching session for the ward") != "emergency"
