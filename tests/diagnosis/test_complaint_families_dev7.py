"""Phrasing families found with the seventh development set (dev7: voices nobody wrote yet) and the
lead's own probes.

dev7 was written by carers, teachers, neighbours and care-home staff in the third person, by people
whose English is not their first language, in UK slang and US English, as "is it normal...?"
questions, and with the red flag last after a long harmless story. Each test uses a wording that is in
no corpus and pairs it with a harmless twin that must not escalate, so a fix is seen to cover its
family and not to over-fire.
"""

import pytest

from diagnosis.engine.context import an_animal_is_the_subject, tablets_taken, tokenise
from tests.diagnosis.engine_helpers import assert_family_escalates_and_twin_does_not, assess, below, level

ADULT_M = {"age_years": 40, "sex": "m"}
ADULT_F = {"age_years": 35, "sex": "f"}
OLDER_F = {"age_years": 82, "sex": "f"}
TEEN_F = {"age_years": 15, "sex": "f"}

# (family, escalating wording, its subject, harmless twin, its subject)
PAIRS = [
    (
        "deep self-harm cuts on the arms that gape (the lead's probe)",
        "my teenager cut her arms deeply and they are gaping",
        TEEN_F,
        "my teenager cut her finger on a tin lid, not deep, stopped bleeding with a plaster",
        TEEN_F,
    ),
    (
        "self-harm cuts on the wrists said to be wide open",
        "my son slashed his wrists and the cuts are wide open",
        {"age_years": 17, "sex": "m"},
        "my son grazed his wrist skateboarding, a bit sore, cleaned it",
        {"age_years": 17, "sex": "m"},
    ),
    (
        "a person found with 'no response to' voice or touch",
        "found my uncle slumped at the table with no response to his name",
        {"age_years": 70, "sex": "m"},
        "my uncle dozed off at the table after lunch and woke when I called him",
        {"age_years": 70, "sex": "m"},
    ),
    (
        "breathing judged by a chest that cannot be seen moving",
        "he is on the landing floor and I can't see his chest moving",
        ADULT_M,
        "he is lying on the floor doing his back stretches and chatting to me",
        ADULT_M,
    ),
    (
        "US brand names of painkillers read as the medicine",
        "my brother swallowed 25 advil an hour ago",
        {"age_years": 19, "sex": "m"},
        "took 2 advil for a headache and it has eased",
        ADULT_M,
    ),
    (
        "tablets counted 'after taking' or 'since taking' them",
        "she says she feels fine since taking 40 paracetamol this morning",
        {"age_years": 18, "sex": "f"},
        "been taking 2 paracetamol four times a day for my bad back",
        ADULT_M,
    ),
    (
        "black poo said as a 'motion' or 'toilet' of black colour",
        "my father his motion is black colour from yesterday and he is very weak",
        {"age_years": 70, "sex": "m"},
        "my father his motion is a bit loose since yesterday, drinking well",
        {"age_years": 70, "sex": "m"},
    ),
    (
        "heavy bleeding from the 'back side'",
        "my mother bleeding from back side very much since morning",
        {"age_years": 66, "sex": "f"},
        "my mother has an itchy back side after the runs, no blood",
        {"age_years": 66, "sex": "f"},
    ),
    (
        "a belly said to be stiff and painful",
        "after the ulcer her stomach went really stiff and painful all over",
        ADULT_F,
        "stiff back after the gym and a mild tummy ache after lunch",
        ADULT_F,
    ),
    (
        "sudden testicle pain said as 'nut pain' with swelling",
        "sudden nut pain this morning and now it is swollen",
        {"age_years": 16, "sex": "m"},
        "filling in the tax forms is a proper ball ache, also got a cold",
        ADULT_M,
    ),
    (
        "back pain and unable to feel when wiping",
        "my back is killing me and I can't feel it when I wipe after the loo",
        ADULT_F,
        "back ache after gardening, bladder and bowels normal, no numbness",
        ADULT_F,
    ),
    (
        "sight said to have gone dark in one eye",
        "after the football hit him it went all dark in his right eye",
        {"age_years": 13, "sex": "m"},
        "it went dark in the room when the power cut, eyes are fine",
        ADULT_M,
    ),
    (
        "half of what is looked at disappearing suddenly",
        "I was watching the news and suddenly half the screen vanished",
        {"age_years": 68, "sex": "m"},
        "my phone screen is cracked and half of it is hard to read",
        ADULT_M,
    ),
    (
        "a headache told as an 'explosion of pain'",
        "an explosion of pain at the back of my head while I was on the toilet",
        ADULT_M,
        "pain in the back of my head after a long day at the desk, eased with paracetamol",
        ADULT_M,
    ),
    (
        "a headache that 'came on all at once' and is the worst (found with a wording of our own)",
        "grandma's headache came on all at once and she says it is the worst ever",
        OLDER_F,
        "grandma has her usual tension headache at the end of the day, paracetamol helps",
        OLDER_F,
    ),
    (
        "vomit that is gritty brown like old blood",
        "grandma was sick and it was gritty brown stuff like old blood",
        OLDER_F,
        "grandma was sick once after a dodgy prawn, keeping water down",
        OLDER_F,
    ),
    (
        "a rope ready and 'going to do it'",
        "my friend has got a rope ready and is going to do it tonight",
        {"age_years": 22, "sex": "f"},
        "bought a rope for the tug of war at sports day tomorrow",
        ADULT_F,
    ),
    (
        "all the pills taken tonight, said as a plan (found with a wording of our own)",
        "my cat died yesterday and tonight I'm going to take all my pills",
        ADULT_F,
        "I'm going to take all my pills with me on holiday, can I get a travel letter?",
        ADULT_F,
    ),
    (
        "the day and the means said for ending it (found with a wording of our own)",
        "my mind is made up, tomorrow is the day I end it all",
        ADULT_M,
        "tomorrow is the day I start my new job, bit nervous, sleeping badly",
        ADULT_M,
    ),
    (
        "throwing oneself off a height said as an intention (found with a wording of our own)",
        "my brother keeps saying he wants to die and will throw himself off the cliff",
        {"age_years": 30, "sex": "m"},
        "my brother threw the ball off the cliff by accident, we laughed about it",
        {"age_years": 30, "sex": "m"},
    ),
    (
        "a live wire touched, without the word shock (found with a wording of our own)",
        "she touched the bare wire behind the telly and her hand has a burn mark",
        {"age_years": 7, "sex": "f"},
        "replaced the wire on the telly plug, all working now, bit of a paper cut",
        ADULT_F,
    ),
    (
        "nearly jumping from a height, told afterwards",
        "my sister almost jumped off the multi storey last night",
        {"age_years": 24, "sex": "f"},
        "I nearly jumped out of my skin when the fire alarm went off",
        ADULT_F,
    ),
    (
        "wanting to die with knives kept in the room",
        "my son wants to kill himself and keeps knives under his bed",
        {"age_years": 16, "sex": "m"},
        "my son wants a knife set for his cooking course",
        {"age_years": 16, "sex": "m"},
    ),
    (
        "a long lie on the floor told without the fall",
        "mum has been lying on the kitchen floor since this morning and can't get up",
        OLDER_F,
        "tripped on the kerb, got straight back up, just a grazed knee",
        ADULT_F,
    ),
    (
        "thrown by a horse, then numb legs (found with a wording of our own)",
        "the pony bucked her off and now she can't feel her legs",
        {"age_years": 11, "sex": "f"},
        "the horse threw him but he got straight back on, a bruised bum",
        {"age_years": 14, "sex": "m"},
    ),
    (
        "a big blistered burn on a leg",
        "grandad has a big blistered burn on his thigh from the hot water bottle",
        {"age_years": 85, "sex": "m"},
        "tiny red mark on my thigh from the hot water bottle, no blister, cooled it",
        ADULT_F,
    ),
    (
        "watery fluid from the nose after a head knock",
        "watery stuff keeps coming out of her nose since she banged her head on the shelf",
        {"age_years": 9, "sex": "f"},
        "runny nose with a cold, and I banged my knee on the shelf",
        ADULT_F,
    ),
    (
        "coughing blood 'very much' or a 'cup full'",
        "my mother cough blood very much today, nearly a cup full",
        {"age_years": 72, "sex": "f"},
        "my mother cough a lot today with her cold, no blood",
        {"age_years": 72, "sex": "f"},
    ),
    (
        "a whole foot going white and numb",
        "his foot started to go white and numb all of a sudden and it is freezing",
        {"age_years": 70, "sex": "m"},
        "my feet get a bit cold in winter, warm up fine with socks",
        ADULT_F,
    ),
    (
        "cocaine and a heart 'going to explode' or chest pain after coke (the lead's probe)",
        "did some coke at the party and now my chest hurts and my heart is pounding",
        {"age_years": 25, "sex": "m"},
        "had a coke and a burger at the party, bit of heartburn",
        {"age_years": 25, "sex": "m"},
    ),
]


@pytest.mark.parametrize("family, text, subject, twin, twin_subject", PAIRS, ids=[p[0] for p in PAIRS])
def test_family_escalates_and_its_twin_does_not(family, text, subject, twin, twin_subject):
    assert_family_escalates_and_twin_does_not(family, text, subject, twin, twin_subject)


# The lead's probe: a near-faint with a slow or very fast pulse is at least urgent (NHS 111 for a slow
# pulse with dizziness); with chest pain or breathlessness it is 999. Both are written here in words of
# our own; the harmless twin is a fit person's slow resting pulse.
@pytest.mark.parametrize(
    "text",
    [
        "I feel like I'm going to pass out and my heartbeat is really slow",
        "keep feeling woozy and my heart rate is only 36",
        "nearly fainted in the kitchen and my pulse is really low",
    ],
)
def test_near_faint_with_a_slow_pulse_is_at_least_urgent(text):
    result = assess(text, **OLDER_F)
    assert not below(result.level, "urgent"), (result.level, result.fired)


def test_a_slow_pulse_with_chest_pain_is_an_emergency_and_a_fit_slow_pulse_is_not_urgent():
    assert level("feel faint, my heart rate is really slow and I have chest pain", **ADULT_M) == "emergency"
    assert below(level("my resting heart rate is 48 because I run a lot, no dizziness", **ADULT_M), "urgent")


def test_nearly_fainting_with_a_very_fast_heart_escalates():
    assert not below(level("nearly fainted and my heart is going really fast", **ADULT_F), "urgent")


# The lead's probe: a fall that did not happen is no fall from a height; a real one still is, and
# "nearly fainted" stays a symptom.
def test_a_near_miss_fall_is_not_a_fall_from_a_height():
    assert level("nearly fell out of the bedroom window but caught myself", **ADULT_M) != "emergency"
    assert (
        level("the toddler almost fell off the balcony but my husband grabbed her", age_years=2)
        != "emergency"
    )
    assert level("the toddler fell off the balcony", age_years=2) == "emergency"
    assert level("nearly fell off the ladder and then fell off the roof", **ADULT_M) == "emergency"
    assert level("nearly fainted in the queue", **ADULT_M) is not None


def test_a_pets_illness_is_not_the_patients_and_a_person_in_the_same_clause_still_is():
    assert below(level("the puppy had a seizure last night, the vet is seeing him", **ADULT_F), "urgent")
    assert below(
        level("our dog collapsed and isn't breathing right, taking him to the vet", **ADULT_F), "urgent"
    )
    assert level("the dog collapsed and then my husband collapsed too and is not breathing", **ADULT_F) == (
        "emergency"
    )
    assert level("the dog bit my son and the bleeding won't stop", age_years=8) == "emergency"
    assert level("the dog was barking like mad, she collapsed in the hallway", **OLDER_F) == "emergency"
    assert an_animal_is_the_subject(tokenise("our cat had a fit"))
    assert not an_animal_is_the_subject(tokenise("our cat scratched the baby"))


def test_an_illness_met_in_a_story_or_a_lesson_is_not_present_but_a_setting_is_no_denial():
    assert level("saw a film where a man had a stroke, now I have a cold", **ADULT_M) != "emergency"
    assert (
        level("reading about meningitis for my course, I just have a sore throat", **ADULT_F) != "emergency"
    )
    assert level("we were watching a film when dad had a heart attack", **ADULT_F) == "emergency"
    assert (
        level("we were watching tv and suddenly he had a stroke, his face dropped", **ADULT_F) == "emergency"
    )


def test_tablets_are_counted_after_taking_them_but_not_in_a_daily_routine():
    assert tablets_taken(tokenise("after taking 24 paracetamol yesterday")) == 24
    assert tablets_taken(tokenise("I am taking 12 tablets a day for my heart")) is None


@pytest.mark.parametrize(
    "text, subject",
    [
        ("my 15 year old has been cutting her arms to cope, small cuts", TEEN_F),
        (
            "31 weeks pregnant and itching like mad on my palms",
            {"age_years": 30, "sex": "f", "pregnant": True},
        ),
        ("toothache and my cheek has puffed up since lunch", ADULT_M),
    ],
)
def test_urgent_families_are_not_self_care(text, subject):
    assert level(text, **subject) in ("urgent", "emergency")
