"""Phrasing families found with dev28 to dev33 (bystanders, timelines, terse search-box messages, UK
regional English, figurative language, questions), all written blind on 2026-12-07. Each test uses
wordings that are in no corpus, with a calm twin that must not escalate."""

from diagnosis.engine.context import clauses, in_someone_elses_care, tablets_taken, tokenise
from tests.diagnosis.engine_helpers import below, level

PREGNANT = {"age_years": 29, "sex": "f", "pregnant": True}


def test_movements_and_their_absence_told_apart():
    # the movement word in one line, the absence in another, with the weeks
    assert level("31 wks. kicks most mornings. 9am nothing, noon nothing", age_years=29, sex="f") == (
        "emergency"
    )
    assert level("wriggly as anything yesterday. nothing at all since breakfast. 33 weeks", **PREGNANT) == (
        "emergency"
    )
    assert level("36 weeks and the bump has gone strangely still since tea time", **PREGNANT) == "emergency"
    assert level("28 weeks, kicks all evening, nothing to report, just heartburn", **PREGNANT) != "emergency"
    assert level("34 weeks, kicking loads as usual, bit of backache", **PREGNANT) != "emergency"


def test_a_habit_set_against_a_recent_time_is_about_now():
    assert level(
        "kicks? at 33 weeks he used to go mad after dinner and the past couple of days hardly anything",
        **PREGNANT,
    ) == ("emergency")
    # the habit itself stays in the past
    assert [
        c.tokens[:2] for c in clauses(tokenise("I used to get migraines and yesterday I had a cold"))
    ] == [
        ["i", "used"],
        ["and", "yesterday"],
    ]
    assert below(level("I used to get migraines and yesterday I had a cold", age_years=30), "gp")


def test_a_time_of_day_with_a_colon_is_one_word():
    assert "2.30" in tokenise("had a fit at 2:30")
    assert level("grandad banged his head at 4, had a fit at 4:15, awake now", age_years=80) == "emergency"
    assert level("had a fit at 19 years old, none since, just a cold", age_years=45) != "emergency"


def test_head_injury_named_by_what_fell_or_what_was_headed():
    assert level("a box fell on a customer's head, now she's seeing double", age_years=40) == "emergency"
    assert level("he headed the crossbar at training and now he's being sick", age_years=15) == "emergency"
    assert level("he headed the ball well at training, all fine", age_years=15) != "emergency"


def test_blood_from_the_ear_after_a_knock():
    assert level("knocked my head on a beam last night, now blood dripping from my ear", age_years=35) == (
        "emergency"
    )
    assert level("ear wax dripping out after olive oil drops", age_years=35) != "emergency"


def test_skin_that_looks_burnt_after_a_new_medicine():
    assert level("new gout med last week and now my skin looks like burns", age_years=60) == "emergency"
    assert level("sunburn, my skin looks like burns after the beach", age_years=30) != "emergency"


def test_a_goodbye_note_and_a_jump_later():
    assert level("letter left for mum. going to jump tonight", age_years=19) == "emergency"
    assert level("note written for the teacher, going to the trampoline park later", age_years=12) != (
        "emergency"
    )


def test_a_child_eating_an_adults_tablets():
    assert level("my 2 year old has been chewing grandad's heart tablets", age_years=2) == "emergency"
    assert level("my 2 year old has been chewing his teething ring", age_years=2) != "emergency"


def test_a_count_of_tablets_dated_today_was_taken():
    assert tablets_taken(tokenise("is 24 paracetamol this morning too many?")) == 24
    assert tablets_taken(tokenise("is 24 paracetamol in a week too many?")) is None
    assert tablets_taken(tokenise("I am supposed to have 12 tablets today for my bowel prep")) is None
    assert level("is 16 paracetamol last night dangerous? feel sick now", age_years=20) == "emergency"


def test_rectal_bleeding_told_as_nothing_but_blood():
    assert level("passing nothing but blood every time I go and feel faint", age_years=50) == "emergency"


def test_someone_elses_emergency_in_hospital_hands():
    assert in_someone_elses_care(tokenise("my nan is in hospital with a stroke"))
    assert not in_someone_elses_care(tokenise("my dad took me to hospital"))
    assert level("my nan is in hospital with a stroke and I have a cold", age_years=30) != "emergency"
    assert level(
        "best mate is in intensive care after an overdose, I can't sleep for worrying", age_years=22
    ) != ("emergency")
    # the writer's own findings still count
    assert level("my wife is in hospital with a stroke and now I have crushing chest pain", age_years=70) == (
        "emergency"
    )


def test_same_day_eye_and_urine_infection_wordings():
    assert level("cricket ball straight in the eye, sore and watering", age_years=30) == "urgent"
    assert level("lens wearer, left eye red and sore", age_years=30) == "urgent"
    assert level("my 6 year old says her wee burns like fire", age_years=6, sex="f") == "urgent"
    assert level("32 weeks pregnant, weeing feels like passing razor blades", **PREGNANT) == "urgent"
    assert below(level("eyes a bit tired after screens, not red or sore", age_years=30), "urgent")


def test_a_fever_and_a_child_who_will_not_bear_weight():
    assert level("4 year old temp 38.6 and won't put weight on her leg", age_years=4) == "urgent"
    assert below(level("4 year old temp 38.2, running about, eating fine", age_years=4), "urgent")


def test_spreading_redness_and_a_tick_bullseye():
    assert level("the red patch round the bite is double the size and hot", age_years=40) == "urgent"
    assert level("tick bite on my leg last week, now a red ring round it", age_years=40) == "gp"
