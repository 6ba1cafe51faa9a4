"""Phrasing families found with the fifth development set (dev5: new voices).

Each family is a way of saying something (Indian, US and Australian English, voice-to-text errors,
teenage shorthand, formal phrasing); each test uses a wording that is in no corpus and pairs it with
a harmless twin that must not escalate, so a fix is seen to cover its family and not to over-fire.
"""

import pytest

from tests.diagnosis.engine_helpers import assert_family_escalates_and_twin_does_not, assess, below

# (family, escalating wording, its subject, harmless twin, its subject)
PAIRS = [
    (
        "Indian English 'paining' is a pain verb",
        "my chest is paining and I am sweating a lot",
        {"age_years": 58, "sex": "m"},
        "my knee is paining after the cricket match",
        {"age_years": 30, "sex": "m"},
    ),
    (
        "voice-to-text 'test tickle' is a testicle",
        "really bad pain in my left test tickle since an hour",
        {"age_years": 20, "sex": "m"},
        "itchy skin near my test tickles after the gym, no pain",
        {"age_years": 40, "sex": "m"},
    ),
    (
        "a boy's 'private parts' hurting suddenly with vomiting",
        "his private parts are hurting all of a sudden and he vomited",
        {"age_years": 12, "sex": "m"},
        "my private parts are itchy since two days",
        {"age_years": 30, "sex": "f"},
    ),
    (
        "voice-to-text 'won't fayde' is a rash that does not fade",
        "purple spots on her legs that won't fayde under a glass",
        {"age_years": 5},
        "spots on his arm that fade when I press a glass, he's fine",
        {"age_years": 5},
    ),
    (
        "'coffing up' blood by the mugful",
        "my grandad is coffing up blood, a mugful",
        {"age_years": 80},
        "coffing up a bit of clear phlegm with a cold",
        {"age_years": 30},
    ),
    (
        "vomit with 'lots of red' in it",
        "he threw up and there were lots of red bits in it",
        {"age_years": 40},
        "threw up after too much wine, no red in it",
        {"age_years": 25},
    ),
    (
        "a belly 'hard like a rock' that hurts when touched",
        "her belly is hard like a rock and she screams when anyone touches it",
        {"age_years": 40},
        "my belly feels full and a bit bloated after lunch",
        {"age_years": 40},
    ),
    (
        "one side of the mouth 'hanging', talking 'like a drunk'",
        "one side of mouth is hanging down and he talks like a drunk",
        {"age_years": 70},
        "one side of my mouth is sore from a cold sore",
        {"age_years": 30},
    ),
    (
        "a 'first fit'",
        "my son just had his first fit",
        {"age_years": 8},
        "I'm fit and well, just asking about vitamins",
        {"age_years": 30},
    ),
    (
        "a temperature said in words in a young baby",
        "my 7 week old has a temp of thirty nine",
        {"age_months": 1},
        "my 7 week old's temperature is thirty six point nine, feeding well",
        {"age_months": 1},
    ),
    (
        "a headache at full force 'in a second', 'like a bang' in the head",
        "my headache hit full force in a second, like a bang in the back of my head",
        {"age_years": 45},
        "headache built up slowly over the afternoon after staring at screens",
        {"age_years": 30},
    ),
    (
        "teenage 'gonna kms' (kilometres are not)",
        "i'm gonna kms, i've got the pills saved",
        {"age_years": 16},
        "ran 10 kms today and my calves ache",
        {"age_years": 30},
    ),
    (
        "pregnancy slang 'up the duff' with heavy bleeding",
        "up the duff and bleeding heavily with bad cramps",
        {"age_years": 25, "sex": "f"},
        "preggers and craving pickles, feeling fine",
        {"age_years": 25, "sex": "f"},
    ),
    (
        "'can't get his breath' after swallowing something",
        "he swallowed a coin and can't get his breath",
        {"age_years": 4},
        "ran for the bus and couldn't get my breath for a minute, fine now",
        {"age_years": 30},
    ),
    (
        "Australian 'bub' is a baby",
        "my bub is 4 weeks old and has a fever",
        {},
        "my bub has a bit of nappy rash, otherwise happy",
        {"age_months": 6},
    ),
    (
        "skin 'shedding in sheets' since 'beginning' a medicine",
        "since beginning lamotrigine my skin is shedding in sheets",
        {"age_years": 30},
        "my skin is shedding a bit after the sunburn",
        {"age_years": 30},
    ),
    (
        "a face that 'ballooned' in pregnancy",
        "28 weeks pregnant and my face has ballooned overnight, bad headache",
        {"age_years": 30, "sex": "f", "pregnant": True},
        "ate too much and my belly ballooned",
        {"age_years": 30, "sex": "m"},
    ),
    (
        "blood coughed up, 'quite a lot' of it",
        "brought up blood with my cough this morning, quite a lot",
        {"age_years": 50},
        "cough for 2 weeks, quite a lot of green phlegm",
        {"age_years": 50},
    ),
    (
        "a late period with stabbing pain 'low on the left' (possible ectopic)",
        "period is late and i have stabbing pain low on the left",
        {"age_years": 25, "sex": "f"},
        "period is late, no pain at all, probably stress from exams",
        {"age_years": 25, "sex": "f"},
    ),
    (
        "a baby 'not passing any urine' with diarrhoea",
        "my 9 month old has the runs and is not passing any urine since breakfast",
        {"age_months": 9},
        "my 9 month old has the runs but is passing urine normally",
        {"age_months": 9},
    ),
    (
        "'weakness in her right arm' (the side named after the weakness)",
        "sudden weakness in her right arm and she is slurring",
        {"age_years": 75},
        "my hand feels weak after typing all day",
        {"age_years": 30},
    ),
    (
        "a mouth 'tilted to one side'",
        "his mouth looks tilted to one side since lunch",
        {"age_years": 70},
        "my glasses sit tilted to one side",
        {"age_years": 70},
    ),
    (
        "a child who drank kerosene (paraffin)",
        "toddler drank some kerosene from the lamp",
        {"age_years": 2},
        "we bought kerosene for the heater",
        {"age_years": 40},
    ),
    (
        "formal 'cannot be roused'",
        "my father has become insensible and cannot be roused",
        {"age_years": 85},
        "he sleeps heavily but can be roused for feeds",
        {"age_months": 2},
    ),
    (
        "formal 'a considerable quantity of blood' from the back passage",
        "I have passed a considerable quantity of blood from the back passage",
        {"age_years": 75},
        "a small smear of blood on the paper once, I have piles",
        {"age_years": 75},
    ),
    (
        "vomit that 'appears to be' blood",
        "my wife has been vomiting what appears to be dark blood",
        {"age_years": 70},
        "vomiting what looks like the carrots I ate",
        {"age_years": 30},
    ),
    (
        "'can't feel my face on one side'",
        "suddenly cannot feel my face on one side",
        {"age_years": 60},
        "my arm went dead after sleeping on it",
        {"age_years": 60},
    ),
    (
        "cauda equina: 'can't feel when I pee'",
        "my legs won't hold me up and i can't feel when i pee",
        {"age_years": 50},
        "im sure i can feel when i pee, no numbness, just back ache",
        {"age_years": 50},
    ),
    (
        "voice-to-text 'pane' for pain",
        "crushing pane in my chest",
        {"age_years": 60},
        "the window pane in my bedroom is cracked",
        {"age_years": 60},
    ),
    (
        "misspelt seizure ('a seizer', 'siezure')",
        "my son is having a seizer",
        {"age_years": 8},
        "the bailiff was the seizer of our car, I can't sleep",
        {"age_years": 40},
    ),
    (
        "'over dosed' split in two",
        "he over dosed on his sleeping pills and is very drowsy",
        {"age_years": 30},
        "overslept and missed my morning dose of vitamins",
        {"age_years": 30},
    ),
    (
        "'asma attack' spelt short",
        "asma attack and my pump isnt helping",
        {"age_years": 30},
        "my asma is fine, just a cold",
        {"age_years": 30},
    ),
    (
        "a leg or foot 'dragging' (one-sided weakness)",
        "her left foot is dragging since lunch",
        {"age_years": 72},
        "dragging my feet about going to work, just tired",
        {"age_years": 35},
    ),
    (
        "a limb 'all bent' after a fall",
        "fell off the trampoline and her arm is all bent",
        {"age_years": 8},
        "fell off the trampoline and grazed her knee, walking fine",
        {"age_years": 8},
    ),
]


@pytest.mark.parametrize("family, text, subject, twin, twin_subject", PAIRS, ids=[p[0] for p in PAIRS])
def test_family_escalates_and_its_twin_does_not(family, text, subject, twin, twin_subject):
    assert_family_escalates_and_twin_does_not(family, text, subject, twin, twin_subject)


# Everyday families: recognised (so the person gets advice) at the right level, not escalated.
EVERYDAY = [
    ("ear paining since yesterday", {"age_years": 30}, "hm_earache", "self_care"),
    ("my son has a mild cold", {"age_years": 6}, "cold_or_flu", "self_care"),
    ("gas pain after a big curry", {"age_years": 30}, "ap_wind_bloating", "self_care"),
    ("stiff lower back from sitting all day", {"age_years": 30}, "ap_back_pain", "self_care"),
    ("burning urine since two days", {"age_years": 30, "sex": "f"}, "ap_urinary_symptoms_uti", "self_care"),
    ("my skin is so dry and cracked on my knuckles", {"age_years": 50}, "eczema_flare", "self_care"),
    ("blood on the tissue when I wipe, happened twice", {"age_years": 45}, "ap_bleeding_from_bottom", "gp"),
    ("eczema-like rash on my neck for a fortnight", {"age_years": 45}, "rash", "gp"),
]


@pytest.mark.parametrize("text, subject, complaint, expected", EVERYDAY)
def test_everyday_family_is_recognised_at_its_level(text, subject, complaint, expected):
    result = assess(text, **subject)
    assert complaint in [c.slug for c in result.complaints], (result.complaints, result.findings)
    assert result.level == expected, (result.level, result.fired)


def test_leg_painful_and_swollen_said_pain_first_is_a_possible_clot():
    assert assess("leg hurting and swollen since my knee op", age_years=60).level == "urgent"
    assert below(assess("legs aching after a long walk, no swelling", age_years=60).level, "urgent")


def test_on_edge_is_a_feeling_not_the_edge_of_an_eyelid():
    anxious = assess("I've been on edge for weeks with work", age_years=30)
    assert "hm_anxiety_panic" in [c.slug for c in anxious.complaints]
    stye = assess("small lump on the edge of my eyelid, like a pimple", age_years=30)
    assert "hm_anxiety_panic" not in [c.slug for c in stye.complaints]
    assert below(stye.level, "urgent")
