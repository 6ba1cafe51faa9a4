"""Phrasing families found with the sixth development set (dev6: new angles).

dev6 described emergencies as someone else sees them, in the order things happened, by amounts,
in euphemisms and behind minimisers ("probably nothing but..."). Each test uses a wording that is in
no corpus and pairs it with a harmless twin that must not escalate, so a fix is seen to cover its
family and not to over-fire.
"""

import pytest

from diagnosis.engine.complaints import moves_on
from diagnosis.engine.context import sentence_answers, temperature_c, tokenise
from tests.diagnosis.engine_helpers import assert_family_escalates_and_twin_does_not, assess, below

ADULT_M = {"age_years": 40, "sex": "m"}
ADULT_F = {"age_years": 35, "sex": "f"}

# (family, escalating wording, its subject, harmless twin, its subject)
PAIRS = [
    (
        "a face 'puffing up' or lips 'massive' after a food is an allergic airway sign",
        "her face is puffing up and her lips are massive after the peanut cookie",
        {"age_years": 6, "sex": "f"},
        "had a peanut butter sandwich, lips and tongue look normal, breathing fine, itchy chin",
        ADULT_F,
    ),
    (
        "a tongue that feels 'too big' is a swollen tongue",
        "since the injection his tongue feels too big and his voice sounds strange",
        {"age_years": 60, "sex": "m"},
        "bit my tongue eating toast and it is a bit sore",
        ADULT_M,
    ),
    (
        "a hot food spilt on the lap that peels near the genitals",
        "tipped her ramen over her lap and the skin round her privates is peeling",
        {"age_years": 9, "sex": "f"},
        "spilled my pot noodle on my jeans, leg a bit pink, no blisters, cooled it for 20 minutes",
        ADULT_M,
    ),
    (
        "petrol or lighter fluid flaring up",
        "the lighter fluid flared up on the barbecue and both my hands are blistered",
        ADULT_M,
        "lit the barbecue with lighter fluid, all fine, burgers were great",
        ADULT_M,
    ),
    (
        "choking seen by someone else: eating, then no breath in, hands at the neck",
        "my son was eating popcorn and now he can't get a breath in, hands at his neck",
        {"age_years": 5, "sex": "m"},
        "my son was eating popcorn and coughed a bit, now talking and laughing",
        {"age_years": 5, "sex": "m"},
    ),
    (
        "angina pain not 'budging' after the spray",
        "used my angina spray three times and the chest pain is not budging",
        {"age_years": 70, "sex": "m"},
        "angina twinge walking uphill, used my spray once and it went within 2 minutes",
        {"age_years": 70, "sex": "m"},
    ),
    (
        "'babys' typed without the apostrophe",
        "33 weeks and babys gone really quiet since this morning",
        {"age_years": 30, "sex": "f", "pregnant": True},
        "33 weeks, babys kicking loads as usual, just heartburn",
        {"age_years": 30, "sex": "f", "pregnant": True},
    ),
    (
        "a drink running out of one side of the mouth",
        "grandad's coffee keeps dribbling out one side of his mouth since lunch",
        {"age_years": 80, "sex": "m"},
        "my teething baby is dribbling out of the side of his mouth",
        {"age_months": 6, "sex": "m"},
    ),
    (
        "goodbye letters to the family",
        "my wife has left letters for the kids and says she wants to say goodbye tonight",
        {"age_years": 45, "sex": "f"},
        "writing thank you letters to everyone after my wedding, feeling happy",
        ADULT_F,
    ),
    (
        "a weapon turned on oneself",
        "I'm going to use the blade on myself tonight",
        {"age_years": 19, "sex": "m"},
        "used the blade on my legs to shave and nicked my knee",
        {"age_years": 19, "sex": "f"},
    ),
    (
        "ending it said lightly, with the pills ready",
        "haha might end it tonight, pills are lined up, no one would miss me",
        {"age_years": 17, "sex": "f"},
        "might end it with my girlfriend tonight, she never listens",
        {"age_years": 17, "sex": "m"},
    ),
    (
        "a man's 'bits' or 'left bit down there' hurting suddenly",
        "my right bit down there suddenly swelled up and hurts so bad",
        {"age_years": 15, "sex": "m"},
        "my bits are a bit itchy after swimming in the sea",
        {"age_years": 30, "sex": "m"},
    ),
    (
        "a kick in the nuts as a comparison names where it hurts",
        "pain like a kick in the nuts came on out of nowhere",
        {"age_years": 17, "sex": "m"},
        "my nuts are fine, it's my ankle that hurts after rugby",
        {"age_years": 17, "sex": "m"},
    ),
    (
        "'stones' as slang for testicles, with pain",
        "one of his stones is swollen and agony since he woke",
        {"age_years": 14, "sex": "m"},
        "skimming stones at the beach all day, one of my shoulders is a bit stiff",
        ADULT_M,
    ),
    (
        "vomit 'dark red' or 'chucked up' blood",
        "he chucked up loads of dark red stuff after the pub",
        {"age_years": 50, "sex": "m"},
        "chucked up after too much cider, no blood, keeping water down now",
        {"age_years": 20, "sex": "m"},
    ),
    (
        "'just my piles' with a lot of blood and feeling faint",
        "it's just my haemorrhoids but the loo is full of blood and I feel faint",
        ADULT_F,
        "haemorrhoids itchy, no blood, using cream from the chemist",
        ADULT_F,
    ),
    (
        "a number two and the toilet water red",
        "did a number two and the water in the bowl went bright red and keeps dripping",
        {"age_years": 60, "sex": "m"},
        "did a number two after the beetroot salad, bit of wind, feel fine",
        {"age_years": 60, "sex": "m"},
    ),
    (
        "'numb down below' with a bad back",
        "my back has gone again and now I'm numb down below",
        ADULT_M,
        "numb down below after a long bike ride, back is fine",
        ADULT_M,
    ),
    (
        "one 'not' for two findings: not moving or breathing",
        "my husband is not responding or breathing after he fell",
        {"age_years": 70, "sex": "m"},
        "my husband fell, he is moving and breathing fine, just a bruise on his arm",
        {"age_years": 40, "sex": "m"},
    ),
    (
        "a child ate a named medicine",
        "my daughter ate some of grandma's amlodipine",
        {"age_years": 2, "sex": "f"},
        "I take sertraline and my toddler ate his breakfast happily",
        {"age_years": 2, "sex": "m"},
    ),
    (
        "a whole week of a named medicine taken at once",
        "swallowed a whole week of my lithium at once",
        {"age_years": 40, "sex": "f"},
        "set out a full week of my tablets in the pill organiser",
        {"age_years": 40, "sex": "f"},
    ),
    (
        "a new medicine named by what it treats, then blisters and mouth sores",
        "started new gout tablets and now my skin is blistering with sores in my mouth",
        {"age_years": 60, "sex": "m"},
        "on new gout tablets, a bit of an upset tummy",
        {"age_years": 60, "sex": "m"},
    ),
    (
        "a knife that slipped into the body, blood soaking through",
        "the stanley knife slipped into my leg and blood is soaking through the towel",
        ADULT_M,
        "the knife slipped while I was chopping but missed my hand",
        ADULT_M,
    ),
    (
        "still cannot breathe after the reliever",
        "done 10 puffs of my blue inhaler and still can't breathe",
        {"age_years": 22, "sex": "f"},
        "still can't smell anything since covid, breathing is fine",
        {"age_years": 22, "sex": "f"},
    ),
    (
        "bleeding, then pouring out and not stopping, said in separate clauses",
        "the bleeding had settled but now it is gushing out again and won't stop",
        ADULT_F,
        "the rain is pouring out of the gutter and won't stop, no bleeding anywhere",
        ADULT_F,
    ),
    (
        "tummy pain with dizziness in pregnancy, in any words (ectopic)",
        "test was positive last week, now really bad cramps low in my belly and I keep going dizzy",
        {"age_years": 27, "sex": "f", "pregnant": True},
        "test was positive last week, bit of nausea in the mornings, otherwise fine",
        {"age_years": 27, "sex": "f", "pregnant": True},
    ),
    (
        "passing big clots in pregnancy",
        "9 weeks pregnant and passing huge clots",
        {"age_years": 31, "sex": "f", "pregnant": True},
        "9 weeks pregnant and feeling tired, no bleeding",
        {"age_years": 31, "sex": "f", "pregnant": True},
    ),
    (
        "a baby who has 'not wet a nappy'",
        "he hasn't wet a nappy since last night and he's very sleepy",
        {"age_months": 5, "sex": "m"},
        "he has wet nappies as usual and is feeding well, just a runny nose",
        {"age_months": 5, "sex": "m"},
    ),
    (
        "a belly 'tight as a drum' with pain that stops breathing or being sick",
        "his stomach is tight as a drum and he keeps being sick green",
        {"age_years": 70, "sex": "m"},
        "full after the buffet, trousers tight as a drum, no pain at all",
        {"age_years": 40, "sex": "m"},
    ),
    (
        "a load of a named medicine",
        "she swallowed a load of her nan's diazepam",
        {"age_years": 16, "sex": "f"},
        "she has a load of homework and a bit of a headache",
        {"age_years": 16, "sex": "f"},
    ),
    (
        "a shutter came down over the eye, cannot see from it",
        "a shutter came down over my left eye and I cannot see out of it now",
        {"age_years": 66, "sex": "m"},
        "closed the shutter in the shop and my eye is a bit itchy from the dust",
        {"age_years": 66, "sex": "m"},
    ),
    (
        "'tonight is the night' with the tablets ready",
        "made up my mind, tonight is the night, tablets are ready",
        {"age_years": 33, "sex": "m"},
        "tonight is the night of the big match, snacks are ready",
        {"age_years": 33, "sex": "m"},
    ),
    (
        "words coming out as 'gobbledygook'",
        "all of a sudden his words are gobbledygook",
        {"age_years": 72, "sex": "m"},
        "my toddler talks gobbledygook all day and is happy",
        {"age_months": 18, "sex": "f"},
    ),
    (
        "one side of the face that 'melted'",
        "looks like one side of her face has melted",
        {"age_years": 80, "sex": "f"},
        "my ice cream melted all over my face at the beach",
        {"age_years": 8, "sex": "f"},
    ),
    (
        "half of what someone looks at has gone",
        "half of what she looks at has disappeared since this afternoon",
        {"age_years": 75, "sex": "f"},
        "my glasses need updating, small print is blurry",
        {"age_years": 75, "sex": "f"},
    ),
]


@pytest.mark.parametrize("family, text, subject, twin, twin_subject", PAIRS, ids=[p[0] for p in PAIRS])
def test_family_escalates_and_its_twin_does_not(family, text, subject, twin, twin_subject):
    assert_family_escalates_and_twin_does_not(family, text, subject, twin, twin_subject)


# Urgent families that were answered as self-care: each must reach urgent, and its twin must not.
URGENT_PAIRS = [
    (
        "pain 'low down on the right' of the tummy (the appendix place)",
        "pain low down on the right of my tummy since breakfast, feel sick",
        {"age_years": 24, "sex": "m"},
        "bit of trapped wind in my tummy after lunch, comes and goes",
        {"age_years": 24, "sex": "m"},
    ),
    (
        "self-harm told by its reason ('to cope')",
        "I scratched my arms last night to cope, they are not deep",
        {"age_years": 16, "sex": "f"},
        "scratched my arms on the brambles picking blackberries",
        {"age_years": 16, "sex": "f"},
    ),
    (
        "paracetamol twice over, realised afterwards ('2 hours before' is today, not history)",
        "had two lemsip and then realised I had taken paracetamol an hour before",
        {"age_years": 30, "sex": "f"},
        "had two paracetamol for a headache this morning and it helped",
        {"age_years": 30, "sex": "f"},
    ),
]


@pytest.mark.parametrize(
    "family, text, subject, twin, twin_subject", URGENT_PAIRS, ids=[p[0] for p in URGENT_PAIRS]
)
def test_urgent_family_is_not_self_care_and_its_twin_stays_low(family, text, subject, twin, twin_subject):
    result = assess(text, **subject)
    assert result.level in ("urgent", "emergency"), (family, result.level, result.fired, result.findings)
    other = assess(twin, **twin_subject)
    assert below(other.level, "urgent"), (family, other.level, other.fired, other.findings)


# --- "X is fine but ...": the denial holds for X while the clause after "but" still counts -----------
def test_testicles_said_fine_stay_denied_when_the_but_clause_moves_on():
    result = assess("my testicles are fine but my tummy hurts", age_years=30, sex="m")
    assert result.level != "emergency", (result.fired, result.findings)
    assert "ap_testicle_pain" not in [c.slug for c in result.complaints]
    assert "ap_abdominal_pain" in [c.slug for c in result.complaints]  # the tummy still counts


@pytest.mark.parametrize(
    "text, subject",
    [
        ("he says he's fine but his lips are blue", {"age_years": 70, "sex": "m"}),
        ("the cut looks fine but it is bleeding heavily", ADULT_M),
        ("my testicle is fine but the other one is swollen and agony", {"age_years": 30, "sex": "m"}),
        ("my right ball is fine but my left one is killing me", {"age_years": 30, "sex": "m"}),
        ("her breathing seems fine but her lips are going grey", {"age_years": 4, "sex": "f"}),
    ],
)
def test_what_the_but_clause_says_or_points_back_to_still_escalates(text, subject):
    result = assess(text, **subject)
    assert result.level == "emergency", (result.level, result.fired, result.findings)


def test_moves_on_only_for_a_new_subject_that_does_not_point_back():
    assert moves_on(["but", "my", "tummy", "hurts"])
    assert not moves_on(["but", "it", "is", "bleeding"])
    assert not moves_on(["but", "still", "hurts"])
    assert not moves_on(["but", "the", "other", "one", "is", "swollen"])
    assert not moves_on(["but"])


@pytest.mark.parametrize("intensifier", ["totally", "completely", "perfectly", "absolutely"])
def test_an_intensifier_before_fine_keeps_the_denial(intensifier):
    result = assess(f"my balls are {intensifier} fine, it's my knee that hurts", age_years=17, sex="m")
    assert "ap_testicle_pain" not in [c.slug for c in result.complaints], result.findings


def test_not_fine_is_still_a_finding():
    result = assess("my balls are not fine, the left one suddenly swelled up", age_years=17, sex="m")
    assert result.level == "emergency", (result.fired, result.findings)


# --- a short reply about one's own case answers a question --------------------------------------------
def test_mine_hasnt_answers_a_question_about_a_sign():
    tokens = tokenise("would it be a stroke if my face dropped? mine hasnt, just a twitchy eyelid")
    assert sentence_answers(tokens) == {0: sentence_answers(tokenise("any chest pain? no."))[0]}
    assert below(
        assess("would it be a stroke if my face dropped? mine hasnt, just a twitchy eyelid").level, "urgent"
    )


def test_a_reply_that_goes_on_is_not_read_as_a_denial():
    tokens = tokenise("is this a stroke? my face has dropped and my arm is weak")
    assert sentence_answers(tokens) == {}
    assert (
        assess("is this a stroke? my face has dropped and my arm is weak", age_years=70).level == "emergency"
    )


def test_a_thermometer_reading_in_fahrenheit_is_a_temperature():
    assert temperature_c(tokenise("thermometer says 100.8")) == 38.2
    assert temperature_c(tokenise("read 100 pages of my book")) is None
    assert assess("baby 9 weeks, thermometer says 100.8", age_months=2).level == "emergency"
    assert below(assess("baby 9 weeks, thermometer says 98.9, feeding well", age_months=2).level, "urgent")
