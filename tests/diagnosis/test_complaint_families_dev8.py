"""Phrasing families found with the eighth development set (dev8: numbers from devices, comparisons with
the person's own past, metaphors, an onlooker's pieces, forwarded texts and voice notes, settings and
ages at the edges).

Each test uses a wording that is in no corpus and pairs it with a harmless twin that must not escalate,
so a fix is seen to cover its family and not to over-fire.
"""

import pytest

from diagnosis.engine.context import _family_history, tokenise
from tests.diagnosis.engine_helpers import assert_family_escalates_and_twin_does_not, below, level

ADULT_M = {"age_years": 40, "sex": "m"}
ADULT_F = {"age_years": 35, "sex": "f"}
OLDER_M = {"age_years": 80, "sex": "m"}
TEEN_F = {"age_years": 15, "sex": "f"}
BABY = {"age_months": 9, "sex": "f"}

# (family, escalating wording, its subject, harmless twin, its subject)
PAIRS = [
    (
        "not seeing a way out, with the means ready",
        "there is a knife in my drawer and I can't see any way out of this",
        ADULT_M,
        "there is a knife in the drawer for the bread, I am making sandwiches",
        ADULT_M,
    ),
    (
        "a farewell message with the will sorted",
        "my uncle messaged us, he has updated his will and said bye to everyone",
        OLDER_M,
        "my uncle has updated his will with the solicitor, he is well",
        OLDER_M,
    ),
    (
        "a threat to crash the car on purpose",
        "my son says he is planning to crash into a tree on the bypass tonight",
        {"age_years": 19, "sex": "m"},
        "my son is planning to drive into town tonight to see friends",
        {"age_years": 19, "sex": "m"},
    ),
    (
        "a photo of the means sent with a farewell",
        "my cousin sent a photo of tablets and typed goodbye",
        TEEN_F,
        "my cousin sent a photo of her new puppy, so cute",
        TEEN_F,
    ),
    (
        "a message from a high place with a farewell",
        "she rang and said she is at the cliff edge and wanted one person to know",
        ADULT_F,
        "we walked to the cliff edge on holiday, lovely views, just sore legs",
        ADULT_F,
    ),
    (
        "self-harm done on purpose, cut deep",
        "my daughter sliced deep into her thigh on purpose last night",
        TEEN_F,
        "my daughter sliced her thumb on a bread knife, small cut, plaster on",
        TEEN_F,
    ),
    (
        "choking: a bit of food, then silent",
        "he had a chunk of sausage and went silent, can't get a breath in",
        {"age_years": 5, "sex": "m"},
        "he had a chunk of sausage for tea and is chatting away",
        {"age_years": 5, "sex": "m"},
    ),
    (
        "choking: hands at the throat and no words",
        "a man in the cafe is clutching his neck and can't get a word out",
        ADULT_M,
        "my neck is stiff from sleeping funny, I can talk fine",
        ADULT_M,
    ),
    (
        "a baby eating who stops crying and breathing",
        "baby was chewing a piece of toast, now not crying and going dusky",
        BABY,
        "baby chewing a piece of toast, crying for more",
        BABY,
    ),
    (
        "a hard belly told by a comparison with no verb",
        "stomach rigid like a plank since this morning and agony",
        ADULT_M,
        "stomach a bit bloated after lunch, no pain",
        ADULT_M,
    ),
    (
        "a belly that does not give when pressed",
        "her tummy won't give when I push on it and she is crying in pain",
        {"age_years": 12, "sex": "f"},
        "her tummy is soft when I press it and she is hungry",
        {"age_years": 12, "sex": "f"},
    ),
    (
        "tummy pain after coming off a bike or horse",
        "thrown off my horse this morning, now my belly hurts more and more",
        ADULT_F,
        "cycling to work every day this month, tummy fine, just saddle bag broke",
        ADULT_F,
    ),
    (
        "an onlooker's fit: stiff, then jerking",
        "my flatmate went rigid then was jerking on the sofa",
        ADULT_M,
        "my flatmate went rigid with fright at the horror film",
        ADULT_M,
    ),
    (
        "an onlooker's fit: one side twitching with no response",
        "grandad is jerking all down one side and not answering me",
        OLDER_M,
        "grandad's eyelid keeps twitching when he is tired, otherwise fine",
        OLDER_M,
    ),
    (
        "fits that follow each other",
        "she has had one seizure after another this afternoon",
        ADULT_F,
        "she had one cold after another this winter",
        ADULT_F,
    ),
    (
        "a flash of petrol with a burnt face",
        "lit the barbecue with petrol and it flashed, my face burnt and my voice is croaky",
        ADULT_M,
        "barbecue was lovely, a bit of a sunburnt nose",
        ADULT_M,
    ),
    (
        "asleep against a heater with a big blister",
        "nan fell asleep against the heater, blister on her calf the size of her palm",
        {"age_years": 90, "sex": "f"},
        "nan fell asleep in front of the telly again, woke up fine",
        {"age_years": 90, "sex": "f"},
    ),
    (
        "a cable bitten through",
        "my son was chewing on a lamp flex and there's a burn on his lip",
        {"age_years": 6, "sex": "m"},
        "my son was chewing on a pencil in class, no problems",
        {"age_years": 6, "sex": "m"},
    ),
    (
        "cauda equina: could not feel the paper when wiping",
        "sore lower back, and I could not feel myself wiping afterwards",
        ADULT_F,
        "sore lower back after hoovering, peeing normally, feeling normal",
        ADULT_F,
    ),
    (
        "cauda equina: lost control of the bowels with back pain",
        "my back went carrying the sofa and I lost control of my bladder",
        ADULT_M,
        "my back went carrying the sofa, sore but moving about",
        ADULT_M,
    ),
]


def test_a_loss_that_dates_what_follows_is_not_family_history():
    assert not _family_history(tokenise("since mum died he keeps saying he wants to end it"), False)
    assert _family_history(tokenise("my mum died of a heart attack"), True)


# Second batch: device readings, comparisons with the person's own past, metaphors
PREGNANT = {"age_years": 30, "sex": "f", "pregnant": True}
PAIRS_2 = [
    (
        "pressure behind the breastbone",
        "tightness behind my sternum going into my left arm",
        ADULT_M,
        "my sternum piercing is healing nicely, no problems",
        ADULT_M,
    ),
    (
        "pain worse than the person's usual angina",
        "this is worse than my normal angina and it's going up into my neck",
        OLDER_M,
        "my angina has been settled for months, checking about a flu jab",
        OLDER_M,
    ),
    (
        "words that cannot be found",
        "my wife suddenly can't find words and her hand is clumsy",
        {"age_years": 70, "sex": "f"},
        "I found the words for my speech at last, no problems, just a cold",
        ADULT_F,
    ),
    (
        "only gibberish coming out",
        "dad tried to answer and just gibberish came out",
        OLDER_M,
        "dad answered the quiz questions and the grandkids laughed",
        OLDER_M,
    ),
    (
        "a severe hypo with trouble talking",
        "type 1, sugar 2.3 and having trouble speaking",
        ADULT_M,
        "type 1, sugar 6.1 before lunch, speaking at a conference today",
        ADULT_M,
    ),
    (
        "a baby's temperature read from a device",
        "the ear thermometer reads 38.4 on my 6 week old",
        {"age_months": 1, "sex": "m"},
        "the ear thermometer reads 36.9 on my 6 week old, feeding well",
        {"age_months": 1, "sex": "m"},
    ),
    (
        "a baby's temperature taken under the arm",
        "4 week old is 38.1 under the armpit",
        {"age_months": 1, "sex": "f"},
        "4 week old is 36.8 under the armpit and feeding well",
        {"age_months": 1, "sex": "f"},
    ),
    (
        "lots of red blood from the bottom",
        "passing lots of bright red blood from my back passage",
        ADULT_M,
        "a smear of red on the tissue from my piles, no more than that",
        ADULT_M,
    ),
    (
        "a veil over the sight of one eye",
        "suddenly a mist across my right eye, can't see through it",
        {"age_years": 66, "sex": "f"},
        "my glasses steamed up coming in from the cold, cleared when I wiped them",
        {"age_years": 66, "sex": "f"},
    ),
    (
        "vomiting dark brown bits",
        "I brought up dark brown bits twice tonight",
        ADULT_M,
        "I brought up my dinner once after a rollercoaster, fine now",
        ADULT_M,
    ),
    (
        "blood soaking through towels after a saw cut",
        "the circular saw caught his hand, blood soaking through the tea towel",
        ADULT_M,
        "the circular saw is broken, he has ordered a new blade",
        ADULT_M,
    ),
    (
        "an oxygen reading of 92% or less",
        "my finger oximeter says oxygen 88 and I'm short of breath",
        {"age_years": 70, "sex": "m"},
        "my finger oximeter says oxygen 97, I feel fine",
        {"age_years": 70, "sex": "m"},
    ),
    (
        "a few words at a time",
        "he can only say three words at a time between breaths",
        ADULT_M,
        "he is learning French, three new words each day",
        ADULT_M,
    ),
    (
        "a headache like something going off in the head",
        "felt like a grenade went off inside my skull",
        ADULT_F,
        "the fireworks went off over the park, lovely night, slight tired head",
        ADULT_F,
    ),
    (
        "a fall from something onto the head with vomiting",
        "she slipped from the monkey bars onto her head and has been sick",
        {"age_years": 7, "sex": "f"},
        "she slipped from the monkey bars onto the grass, cried, playing again",
        {"age_years": 7, "sex": "f"},
    ),
    (
        "the usual kicks that have not come",
        "34 weeks and the normal morning kicks have not started",
        PREGNANT,
        "34 weeks and the normal morning kicks are going strong",
        PREGNANT,
    ),
]


def test_a_normal_oximeter_reading_beside_other_numbers_and_heartburn_behind_the_breastbone_stay_calm():
    assert below(level("sats 98, pulse 84, temp 36.9, just a sore arm after my jab", **ADULT_F), "urgent")
    assert below(
        level("burning behind my breastbone after a curry, better with an antacid", **ADULT_M), "urgent"
    )


def test_a_cpr_class_is_not_cpr_being_given():
    assert below(level("back from a CPR training session, my wrists ache", **ADULT_F), "urgent")
    assert level("my dad collapsed and I am doing CPR", **ADULT_F) == "emergency"


# Third batch: a dose that went up, sores inside the cheeks, few wet nappies, device blood pressure
PAIRS_3 = [
    (
        "a dose that went up, then blistering with mouth sores",
        "they doubled my dose of carbamazepine, now blistering skin and sores inside my mouth",
        ADULT_F,
        "the GP put up my dose of vitamin D, no rash, I feel fine",
        ADULT_F,
    ),
    (
        "one or two wet nappies in a day for a newborn",
        "my 10 day old has had one wet nappy in 24 hours and is hard to rouse",
        {"age_months": 0, "sex": "m"},
        "my 10 day old has had eight wet nappies today and feeds well",
        {"age_months": 0, "sex": "m"},
    ),
]


ALL_PAIRS = PAIRS + PAIRS_2 + PAIRS_3  # the three batches, one test


@pytest.mark.parametrize(
    "family, text, subject, twin, twin_subject", ALL_PAIRS, ids=[p[0] for p in ALL_PAIRS]
)
def test_family_escalates_and_its_twin_does_not(family, text, subject, twin, twin_subject):
    assert_family_escalates_and_twin_does_not(family, text, subject, twin, twin_subject)


def test_urgent_and_calm_readings_from_home_devices_and_everyday_wordings():
    # NICE NG136: a reading of 180 or more systolic needs same-day assessment
    assert level("home BP machine says 186/104, no symptoms at all", **OLDER_M) == "urgent"
    assert below(level("home BP machine says 132/84, pleased with that", **OLDER_M), "urgent")
    # a tingling lip is a cold sore starting; numbness on one side of the face is not
    assert below(level("tingling on my top lip, I always get cold sores there", **ADULT_F), "urgent")
    # shingles told by its shape, and ear discharge with a temperature reading
    assert level("burning rash in a band round my left side, I'm 68", age_years=68, sex="m") == "urgent"
    assert (
        level("my 5 year old has earache and pus leaking out, thermometer 38.9", age_years=5, sex="f")
        == "urgent"
    )


# The two dev8 misses left after its tuning, mended in the thirteenth round (NHS "Coughing up blood",
# "Bleeding from the bottom"): blood that will not stop is an emergency, a streak or a fleck is not.
def test_coughed_blood_that_will_not_stop_is_an_emergency_a_fleck_stays_urgent():
    assert level("coughing blood, lots, cant stop", age_years=40, sex="m") == "emergency"
    assert level("coughing up blood and it won't stop", age_years=40, sex="m") == "emergency"
    assert level("cant stop coughing, tiny fleck of blood once", age_years=40, sex="m") == "urgent"
    assert level("coughing up a bit of blood, lots of phlegm too", age_years=40, sex="m") == "urgent"


def test_a_toilet_running_like_a_tap_bright_red_is_an_emergency_blood_on_the_paper_is_not():
    assert (
        level("sat on the loo and it was like a tap running, bright red", age_years=60, sex="f")
        == "emergency"
    )
    assert below(level("diarrhoea like a tap running, no blood", age_years=60, sex="f"), "urgent")
    # "bright red" after the toilet paper is the colour of a streak, not a toilet full of blood
    assert level("blood on the toilet paper, bright red, I have piles", age_years=45, sex="m") == "gp"
    assert level("the toilet water was all red after a poo", age_years=45, sex="m") == "emergency"
