"""Recognition families found with the recog2 development set (fewer messages with nothing recognised).

recog2 tests body parts named in slang, anatomy or children's words, problem words beyond "pain" and
can't-do complaints. Most of it is one grammar, not a list of wordings: the shared concepts in
complaints/_concepts.yaml (`part_*`, the words for one body region, times `hurts`, one lexicon of
problem words) said either way round ("my knee is playing up", "a niggle in my knee") or as a
describing word ("dodgy knee"), wired to the region's complaint; slang single words ("noggin",
"tum", "lughole") are respellings in vocabulary.yaml. Each test pairs a wording that is in no corpus
with a twin that must not be recognised as that complaint (or must stay below urgent), so a family
is seen to cover its wordings without reading an idiom, a gadget or a denial as a symptom.
"""

import pytest

from tests.diagnosis.engine_helpers import (
    assert_family_escalates_and_twin_does_not,
    assess,
    below,
    complaint_slugs,
    level,
)

ADULT = {"age_years": 35, "sex": "f"}
MAN = {"age_years": 35, "sex": "m"}


# (family, complaint, expected level, wording that must be recognised as it, twin that must not)
PAIRS = [
    (
        "slang head x problem word",
        "hm_headache",
        "self_care",
        "my bonce has been pounding since the meeting",
        "my boss has been pounding the desk",
    ),
    (
        "problem noun before the part",
        "hm_headache",
        "self_care",
        "nagging twinges across my forehead",
        "twinges of guilt about missing the party",
    ),
    (
        "slang ear",
        "hm_earache",
        "self_care",
        "my lugholes have been aching since the gig",
        "the gig was deafening but I feel fine",
    ),
    (
        "teeth in slang, problem word 'zing'",
        "hm_toothache",
        "gp",
        "my gnashers twang when I eat ice cream",
        "I ate ice cream with my gnashers out, ha",
    ),
    (
        "tummy slang with 'playing up'",
        "ap_abdominal_pain",
        "self_care",
        "my tum has been playing up since the barbecue",
        "the kids were playing up at the barbecue",
    ),
    (
        "tummy said as upset, not as pain",
        "ap_abdominal_pain",
        "self_care",
        "belly feels all unsettled and grumbly",
        "the weather feels all unsettled",
    ),
    (
        "describing word before the part",
        "ap_abdominal_pain",
        "self_care",
        "got a poorly tummy today",
        "got a poorly cat today",
    ),
    (
        "joint with 'giving me gyp'",
        "joint_pain_or_swelling",
        "self_care",
        "my elbow keeps giving me jip when I lift the kettle",
        "the kettle keeps giving me trouble",
    ),
    (
        "joint 'won't stop aching' (the negation is the finding)",
        "joint_pain_or_swelling",
        "self_care",
        "my ankle will not stop aching",
        "my ankle does not hurt at all",
    ),
    (
        "the back of a joint is that joint",
        "joint_pain_or_swelling",
        "self_care",
        "niggle at the back of my knee when I squat",
        "knee-high socks for squat day",
    ),
    (
        "joint noises",
        "joint_pain_or_swelling",
        "self_care",
        "my hips creak when I get out of the car",
        "the car door creaks when I get out",
    ),
    (
        "back only with a verb after it",
        "ap_back_pain",
        "self_care",
        "my spine has been twinging all week",
        "my back garden has been flooded all week",
    ),
    (
        "foot words",
        "ev_heel_foot_pain",
        "self_care",
        "the arches of my feet are throbbing after work",
        "the arches at work are being painted",
    ),
    (
        "muscle slang",
        "ev_muscle_aches_after_exercise",
        "self_care",
        "hammies are on fire after the spin class",
        "the spin class is on fire this month",
    ),
    (
        "what it hurts to do: swallowing",
        "hm_sore_throat",
        "self_care",
        "agony when I swallow since Sunday",
        "I swallow my vitamins with juice",
    ),
    (
        "ear sensations",
        "ev_earwax",
        "self_care",
        "my ears keep crackling when I yawn",
        "the fire keeps crackling when I yawn",
    ),
    (
        "a heart that flips",
        "hb_palpitations",
        "gp",
        "my ticker keeps somersaulting in bed",
        "my toddler keeps somersaulting in bed",
    ),
    (
        "pulled something",
        "sprain_or_strain",
        "self_care",
        "think I tweaked something lifting the shopping",
        "think I forgot something at the shopping",
    ),
    (
        "dribbling after peeing",
        "ap_problems_peeing",
        "gp",
        "keep dribbling a bit after I have finished weeing",
        "the baby keeps dribbling on my shirt",
    ),
    (
        "spots on the genitals",
        "ap_genital_symptoms",
        "gp",
        "some little bumps on my penis since last week",
        "some little bumps on the road since last week",
    ),
    (
        "runny poo in children's words",
        "ap_diarrhoea",
        "self_care",
        "toddler has had runny nappies since yesterday",
        "toddler has had new nappies since yesterday",
    ),
    (
        "skin states by where they are",
        "rash",
        "self_care",
        "my shins are all flaky and itchy",
        "my shins are covered by my boots",
    ),
    (
        "restless nights",
        "hm_insomnia",
        "self_care",
        "tossing and turning every night this week",
        "turning the mattress every week",
    ),
]


@pytest.mark.parametrize(
    ("family", "complaint", "expected", "text", "twin"), PAIRS, ids=[p[0] for p in PAIRS]
)
def test_family_is_recognised_and_its_twin_is_not(family, complaint, expected, text, twin):
    result = assess(text, **ADULT)
    assert complaint in {c.slug for c in result.complaints}, (family, result.findings)
    assert result.level == expected, (family, result.level, result.fired)
    other = assess(twin, **ADULT)
    assert complaint not in {c.slug for c in other.complaints}, (family, other.findings)
    assert below(other.level, "urgent"), (family, other.level)


@pytest.mark.parametrize(
    "text",
    [
        "the app keeps playing up",
        "this queue is killing me",
        "my phone has been on fire with messages",
        "my knee brace came today, thanks",
        "no pain in my knee now, all sorted",
    ],
)
def test_idioms_gadgets_and_denials_stay_unrecognised(text):
    assert level(text, **ADULT) is None, text


def test_a_problem_word_never_makes_a_limb_gone_funny_a_sore_joint():
    """'gone funny' or 'feels weak' can be a stroke sign: never read as a self-care joint."""
    for text in ("my arm has gone funny", "my hand feels weak", "my knee has gone funny"):
        assert "joint_pain_or_swelling" not in complaint_slugs(text), text


def test_a_side_that_is_killing_me_is_at_least_a_gp_visit():
    assert not below(level("my left side is killing me", **MAN), "gp")
    assert level("my side of the family has diabetes", **MAN) is None


def test_twinges_in_the_chest_on_walking_are_urgent_not_a_sore_muscle():
    assert level("twinges in my chest when I climb the stairs", age_years=64, sex="m") == "urgent"


@pytest.mark.parametrize(
    ("family", "text", "twin"),
    [
        (
            "a foot turned outwards after a fall",
            "grandad slipped in the garden, his foot is pointing outwards and his hip hurts",
            "slipped on the kitchen floor, my foot is fine, just embarrassed",
        ),
        (
            "a shoulder squared off after a fall",
            "fell off my bike and now my shoulder looks squared off",
            "fell off my bike and bruised my shoulder, can move it fine",
        ),
        (
            "an injured limb that will not move",
            "fell down the stairs and my arm will not move",
            "fell down the stairs, arm is a bit sore but I can move it",
        ),
    ],
)
def test_injury_signs_said_another_way_escalate(family, text, twin):
    assert_family_escalates_and_twin_does_not(family, text, ADULT, twin, ADULT)


def test_an_earache_read_by_the_new_grammar_still_counts_a_temperature_reading():
    """Discriminators that name the complaint's own terms also take the shared grammar's wording."""
    assert level("my daughter's ear is really throbbing, temp is 38.6", age_years=5, sex="f") == "gp"
    assert level("my daughter's ear is really throbbing, temp is 37.1", age_years=5, sex="f") == "self_care"


def test_stinging_when_going_for_a_wee_is_a_urine_infection_and_shivers_make_it_urgent():
    assert level("it stings whenever I go for a wee", **ADULT) == "self_care"
    assert level("it stings whenever I go for a wee and I am shivering", **ADULT) == "urgent"
    assert level("I go for a wee before bed every night", **ADULT) is None
