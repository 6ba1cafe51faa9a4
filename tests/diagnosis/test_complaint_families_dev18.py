"""Phrasing families found with dev18 (the decisive fact told indirectly: as a number, a consequence,
a request to wait, or second-hand; written blind on 2026-12-07). Each test uses wordings that are in
no corpus, with a calm twin that must not escalate."""

from tests.diagnosis.engine_helpers import below, level

ADULT_F = {"age_years": 33, "sex": "f"}
ADULT_M = {"age_years": 47, "sex": "m"}


def test_a_temperature_given_only_as_a_number_in_a_young_baby():
    assert (
        level("she is 9 weeks, 38 and a bit on the ear thermometer, bit snuffly", age_months=2) == "emergency"
    )
    assert level(
        "102.2 on the forehead thermometer, he is 6 weeks old, can I wait and recheck", age_months=1
    ) == ("emergency")
    assert below(level("she is 9 weeks, 37.1 on the ear thermometer, feeding fine", age_months=2), "urgent")


def test_a_bare_reading_counts_for_the_baby_the_check_is_about_not_for_a_mother_naming_her_baby():
    # `age_from_subject`: the standalone reading uses the age of the person the check is for.
    assert level("100.9 when I checked, she is 5 weeks", age_months=1) == "emergency"
    assert level("I'm 38.6 and achy, feeding my 5 week old", age_years=29, sex="f") != "emergency"


def test_a_baby_who_only_wakes_for_a_moment():
    assert (
        level(
            "hot to touch, and when I lift him he opened his eyes and went right back to sleep", age_months=7
        )
        == "emergency"
    )


def test_cauda_equina_told_by_its_consequences():
    assert level("since his back went he cannot tell when he needs a wee, is that normal", **ADULT_M) == (
        "emergency"
    )
    assert (
        level("bad back all week and last night she wet the bed, never does that", **ADULT_F) == "emergency"
    )
    assert level("my nan has sciatica and her pad has been bone dry since breakfast", age_years=81) == (
        "emergency"
    )
    assert below(level("pulled my back, peeing and pooing normal, no numbness", **ADULT_M), "urgent")
    assert below(level("sciatica for a week, nothing numb down there, ibuprofen helps", **ADULT_M), "urgent")


def test_bleeding_told_by_the_bowl_or_after_a_procedure():
    assert level("the loo goes totally red each time I go and there are clots", **ADULT_M) == "emergency"
    assert level("had piles banded on friday, soaked two pads this hour", **ADULT_M) == "emergency"
    assert level("polyp removed at my colonoscopy, now lots of fresh blood and I feel faint", **ADULT_F) == (
        "emergency"
    )
    assert below(
        level("had a polyp removed last week, a spot of blood on the paper once", **ADULT_F), "urgent"
    )


def test_vomiting_blood_told_by_the_toilet_or_a_relative():
    assert level("the loo was bright red after I threw up, I drink quite a bit", **ADULT_M) == "emergency"
    assert level("my grandad was sick in the bucket and it was red like jam", age_years=79) == "emergency"
    assert below(level("I was sick twice and my throat was red after", **ADULT_F), "urgent")


def test_an_ectopic_told_by_how_she_looks():
    assert level("she is 7 weeks pregnant, curled up clutching her right side", age_years=27, sex="f") == (
        "emergency"
    )
    assert level("6 weeks since my last period, spotting and a pain in my right groin", **ADULT_F) == (
        "emergency"
    )


def test_choking_told_by_what_they_do():
    assert level("he is eating steak and cannot get a word out, back blows are not working", **ADULT_M) == (
        "emergency"
    )
    assert below(
        level("my tea went down the wrong way, spluttered a bit and now fine, throat tickly", **ADULT_F),
        "urgent",
    )


def test_a_skin_reaction_after_a_named_sulfa_drug():
    assert level("started a new antibiotic on monday, now sores down below and in my mouth", **ADULT_F) == (
        "emergency"
    )


def test_plans_told_calmly_or_by_the_means():
    assert level("feel at peace now. got the rope in the shed", **ADULT_M) == "emergency"
    assert level("cannot cope any more, the hosepipe is in my car", **ADULT_M) == "emergency"
    assert level("she keeps saying we would be better without her and she bought weedkiller", **ADULT_F) == (
        "emergency"
    )
    assert level("already taken some, the packet is next to me, about 40 left", **ADULT_F) == "emergency"
    assert level("got the rope for the climbing wall and booked a day off", **ADULT_M) != "emergency"
    assert level("already had some paracetamol, the box is next to me, can I add ibuprofen", **ADULT_F) != (
        "emergency"
    )
    assert level("had some paracetamol already, the box is beside me, headache still", **ADULT_F) != (
        "emergency"
    )


def test_eye_injuries_and_irritants_that_still_hurt_after_rinsing():
    assert level("got shampoo in my eye, rinsed and rinsed, still stinging and red", **ADULT_F) != "self_care"
    assert level("chilli in my eye, washed it out but vision is blurry", **ADULT_M) == "emergency"
    assert level("my lad threw a pencil into her eye, she keeps it squeezed shut", age_years=7) != "self_care"
    assert below(
        level("got an eyelash stuck in my eye, blinked it out, fine now, not sore", **ADULT_F), "urgent"
    )


def test_shingles_near_the_eye_without_the_word_blisters():
    assert (
        level("a rash on my forehead, one side, and a spot on the end of my nose", age_years=70) == "urgent"
    )
    assert below(
        level("spots on my forehead and one on the end of my nose, I get acne", age_years=17), "urgent"
    )


def test_toenails_with_poor_circulation_or_that_keep_coming_back():
    assert level("bad circulation in my legs, toe nail has dug in, red and swollen", age_years=72) == "urgent"
    assert level("ingrowing toenail for 4 weeks now, still sore even with soaks", **ADULT_M) == "gp"
    assert level("toenail has grown into the skin, fourth time this year", **ADULT_M) == "gp"


def test_pseudo_negations_and_past_stories_do_not_deny_or_alarm():
    assert level("no wonder my neck aches after that long drive", **ADULT_M) != "emergency"
    assert level(
        "my baby was in hospital at 2 weeks old with a fever, she is a year now, teething", age_years=1
    ) != ("emergency")
    assert level("had a stroke years ago, now a sore throat and blocked nose", age_years=70) != "emergency"
    assert level("I ate something dodgy, runny poo twice, drinking fine", **ADULT_M) == "self_care"
