"""Phrasing families of the complaint layer: each family is a way of saying something, tested with
wordings that are not in the triage corpus, so a fix for one case is seen to cover its family."""

import pytest

from diagnosis.engine.complaints import Subject
from tests.diagnosis.engine_helpers import CATALOGUE, level

EMERGENCY_FAMILIES = [
    # cauda equina: an adverb between "cannot" and "feel", no urge to pee, sciatica in both legs
    ("bad back and I cannot properly feel the toilet paper when I wipe", {}),
    ("back pain since Monday and I have not needed a wee since this morning", {}),
    ("my back is agony and the pain is shooting down both legs", {}),
    # electric shock with the appliance named first
    ("he was fixing the socket and got quite a shock, his arm is tingling", {}),
    # silent choking
    ("my toddler put a coin in his mouth and is crying with no sound", {"age_years": 2}),
    ("baby is trying to cough but making no noise after eating", {"age_months": 8}),
    # a baby's head injury
    ("my 4 month old rolled off the bed and has a lump on the back of her head", {"age_months": 4}),
    # asthma
    ("I'm asthmatic and the blue pump is not touching it, gasping", {}),
    ("having an asthma attack and I cannot say more than two words at a time", {}),
    # clot risk and pleuritic pain
    ("broke my leg 3 weeks ago, suddenly breathless today", {}),
    ("breathless with a sharp pain in my chest when breathing in", {}),
    # vision
    ("suddenly blind in my left eye", {}),
    # suicidal thoughts with a plan
    ("I don't see the point any more and I've worked out how I would do it", {}),
    # FAST said loosely
    ("my husband has gone droopy on the face and can't speak straight", {"age_years": 70}),
    ("my gran suddenly cannot lift her right arm properly", {"age_years": 84}),
    # opioids with slow breathing
    ("he took some of his nan's morphine and his breathing is really slow", {}),
    # sepsis after a birth, temperature written as "temp 39.5"
    ("gave birth last week, temp 39.5 and I feel like I am going to die", {}),
]


@pytest.mark.parametrize("text, subject", EMERGENCY_FAMILIES)
def test_emergency_phrasing_families(text, subject):
    result = CATALOGUE.assess(text, Subject(**subject))
    assert result.level == "emergency", (result.level, result.fired, result.findings)


def test_a_doubted_emergency_is_denied_but_no_doubt_affirms():
    assert level("I doubt it is a stroke, just pins and needles in my foot from kneeling") != "emergency"
    assert level("no doubt it's a stroke, her face has dropped on one side") == "emergency"


def test_without_protection_denies_only_the_protection():
    assert level("grinding metal without goggles and something flew into my eye") in ("urgent", "emergency")
    assert level("fell off his bike without a helmet, hit his head and now he is drowsy") == "emergency"
    assert level("rode home without any problems, just a bit tired") != "emergency"


def test_a_relatives_anaphylaxis_is_family_history_unless_it_is_happening_now():
    assert level("my brother had anaphylaxis to peanuts, I just have hay fever") != "emergency"
    assert level("my sister has anaphylaxis right now, her throat is closing up") == "emergency"


def test_joint_aches_are_self_care_unless_swollen_stiff_or_lasting():
    assert level("knee a bit sore after gardening yesterday, no swelling") == "self_care"
    assert level("my knee has been swollen and stiff for 3 weeks") == "gp"
    assert level("knee hot, red and swollen and I feel shivery") == "urgent"


def test_everyday_wordings_are_not_escalated():
    assert level("throat feels like sandpaper, no temperature") == "self_care"
    assert level("grazed my elbow, bit of gravel in it but I washed it out") == "self_care"
    assert level("horsefly bite on my arm, red and sore lump") == "self_care"
    # ...while the same words with the warning sign still escalate
    assert level("skin feels like sandpaper with a rash and a sore throat") == "urgent"
    assert level("bee sting yesterday and now my whole arm is red and swollen up to the elbow") == "urgent"


def test_passing_symptoms_are_self_care_and_lasting_ones_go_to_a_gp():
    assert level("pins and needles in my foot after sitting cross legged") == "self_care"
    assert level("pins and needles in both hands every night for weeks") == "gp"
    assert level("ear feels blocked and muffled, probably wax") == "self_care"
    assert level("my hearing has been getting worse for months") == "gp"
    assert level("feeling a bit low since my exam results") == "self_care"
    assert level("feeling flat for a couple of months and not enjoying anything") == "gp"


def test_questions_about_causes_and_a_family_trait_are_not_current():
    assert level("never had a seizure, just wondering if flashing lights at a gig can cause one") is None
    assert level("just wondering if my flashing lights in one eye could cause a problem") == "urgent"
    assert level("everyone in my family has high blood pressure, feel fine") is None
    assert level("everyone in my family thinks dad is having a stroke, his face dropped") == "emergency"


def test_a_cold_in_pregnancy_is_self_care_but_flu_is_not():
    assert level("just got a cold, runny nose and sneezing", pregnant=True) == "self_care"
    assert level("fluey and achy with a temperature", pregnant=True) == "urgent"


def test_negation_words_that_affirm_and_never_before():
    assert level("not the worst sore throat I've had but it's annoying") == "self_care"
    assert level("never had a verruca before and now I've got one on my toe") == "self_care"
    assert level("never had a seizure before, just wondering about it") is None
    assert level("never had a seizure before and now she is fitting on the floor") == "emergency"


def test_everyday_complaints_in_everyday_words_are_recognised():
    assert level("cold sore on my lip, tingling") == "self_care"
    assert level("cold sore on my lip for 2 weeks and not healing") == "gp"
    assert level("wasp got me on the arm at a barbecue") == "self_care"
    assert level("pulled something in my chest lifting a sofa") == "urgent"


# Families found on dev4 (text shorthand, capitals, comparisons, questions, carers). Each pair is a
# wording from none of the corpora that must escalate, and its harmless twin that must not.
DEV4_FAMILIES = [
    # "from nowhere" is sudden
    ("my headache hit from nowhere and it is the worst I have known", {}, "emergency"),
    ("mild headache after a long day at the desk", {}, "self_care"),
    # "cannot get any sense out of him" is confusion (here in the heat)
    ("my uncle has been out in the heat all day and we cannot get any sense out of him", {}, "emergency"),
    ("been out in the heat all day, a bit tired and thirsty but chatting normally", {}, "self_care"),
    # a seizure as someone watching describes it
    ("my flatmate started to shake and jerk on the kitchen floor", {}, "emergency"),
    ("my hands shake when I am nervous before exams", {}, "self_care"),
    ("he collapsed in the street and bit his tongue", {}, "emergency"),
    ("bit my tongue eating a sandwich and it is sore", {}, "self_care"),  # a sore mouth, not a fit
    # sight that goes dark, or half of it
    ("the left side of my sight seemed to go dark a few minutes ago", {}, "emergency"),
    ("half my vision is missing in the right eye", {}, "emergency"),
    ("half my face is itchy after shaving", {}, "self_care"),  # a rash (razor rash), not half the sight
    # acute glaucoma: a bursting eye, milky sight and vomiting
    (
        "my eye feels like it is bursting, things look milky through it and I have been vomiting",
        {},
        "emergency",
    ),
    ("my eye feels tired after reading all day", {}, None),
    # suicide asked about with "yourself", and tablets saved up
    ("how many tablets would it take to kill yourself, I have saved mine up", {}, "emergency"),
    ("my legs are so sore after the gym it is going to kill me", {}, "self_care"),
    # heat named by the place
    ("she fell asleep in the greenhouse and now she is confused and very hot", {}, "emergency"),
    ("greenhouse heat made me sweaty, had a drink and feel fine", {}, "self_care"),
    # working hard to breathe in a parent's words
    ("my little boy is pulling in really hard for breath", {"age_years": 3}, "emergency"),
    # a leg that aches and is swollen, in that order, with breathlessness after travel
    ("breathless walking upstairs since the train journey, my left leg is achy and swollen", {}, "emergency"),
    # baby movements: "went quiet", "normally kicks like mad ... nothing tonight"
    ("33 weeks and the baby went quiet since this morning", {"pregnant": True}, "emergency"),
    ("baby normally kicks like mad at bedtime but nothing tonight", {"pregnant": True}, "emergency"),
    ("baby kicks like mad at bedtime and keeps me awake", {"pregnant": True}, None),
    ("had diarrhoea yesterday but nothing today", {}, "self_care"),
    # pre-eclampsia after birth in everyday words
    ("gave birth 5 days ago, banging headache and seeing stars", {}, "emergency"),
    ("gave birth 5 days ago, feeling tired and a bit weepy", {}, "gp"),
    # black poo with a word between
    ("black gooey poos since Friday", {}, "emergency"),
    ("black eye from football, otherwise fine", {}, "self_care"),
    # bleeding "out my" bottom, and an amount told by the container
    ("blood pouring out my backside", {}, "emergency"),
    ("passing blood from my bottom, about a mug of it", {}, "emergency"),
    ("drank a mug of tea and my bottom is a bit itchy", {}, None),
    # a burn told by how far it reaches
    ("hot fat burnt my legs up to the knees", {}, "emergency"),
    ("small burn on my finger from the oven tray, cooled it under the tap", {}, "self_care"),
    # a drug reaction where the skin "looks burnt"
    ("a week on new tablets and my skin looks burnt all over with blisters on my lips", {}, "emergency"),
    ("sunbathed too long and my shoulders look burnt and feel sore", {}, None),
    # "cracked" is skin on hands and feet, a bone elsewhere (dev5: dry, cracked hands are eczema, self-care)
    ("skin on my fingers cracked and sore from washing up", {}, "self_care"),
    ("fell off my bike and I think I cracked my wrist", {}, "urgent"),
    # after exercise, not being able to move the muscles is same-day
    ("legs ache after the gym and now I can't move them at all", {}, "urgent"),
    # a heart attack named as happening now
    ("I think I am having a heart attack, my chest is crushing", {}, "emergency"),
    # on chemo: being sick, diarrhoea or a sore mouth go to the chemo helpline today
    ("having chemo and I keep being sick since yesterday", {}, "urgent"),
    ("being sick after a dodgy kebab", {}, "self_care"),
    ("on chemotherapy, runny poo 5 times since lunch", {}, "urgent"),
    ("runny poo since a curry last night", {}, "self_care"),
    ("sore ulcers in my mouth, started chemo last month", {}, "urgent"),
    ("mouth ulcer from biting my cheek", {}, "self_care"),
]


@pytest.mark.parametrize("text, subject, expected", DEV4_FAMILIES)
def test_dev4_phrasing_families_and_their_harmless_twins(text, subject, expected):
    result = CATALOGUE.assess(text, Subject(**subject))
    assert result.level == expected, (result.level, result.fired, result.findings)


def test_a_heart_attack_named_in_any_words_stays_an_emergency():
    # narrowing this to "having a heart attack" spared a worried question but missed these
    assert level("dad heart attack") == "emergency"
    assert level("possible heart attack") == "emergency"
    assert level("had a heart attack 5 years ago, just got a twisted ankle") != "emergency"


def test_everyday_things_said_as_nouns_comparisons_or_questions_are_recognised():
    # an injury said as a thing someone has, not an action
    assert level("tripped on the kerb, got a sprained wrist") == "self_care"
    assert level("my twisted sense of humour") is None
    # a changing mole asked about as a question
    assert level("is it normal for a freckle to get bigger and darker?") == "gp"
    assert level("my moles are the same as always") is None
    # low mood said with "this" or "so"
    assert level("I feel so flat all the time lately") == "gp"
    assert level("the party was flat, had a headache after") == "self_care"
    # a lump told by what it feels like
    assert level("found something like a marble in my neck") == "gp"
    assert level("something like a pea rolled under the sofa") is None


def test_a_little_swelling_or_stress_is_self_care_but_lasting_or_marked_is_not():
    # which discriminator over-triaged dev everyday cases: any "swollen" or "puffy" near a joint was
    # a GP visit, and any "stressed" was the anxiety complaint (a GP floor)
    assert level("knee a bit swollen after I knocked it on the table") == "self_care"
    assert level("knee swollen and it will not go down after 5 days") == "gp"
    assert level("my knuckles have been swollen for weeks") == "gp"
    assert level("really stressed out with deadlines this week") == "self_care"
    assert level("anxious all the time and having panic attacks") == "gp"


def test_a_wound_after_an_operation_and_bleeding_in_between_periods():
    # NHS "Surgical site infection": red, hot or oozing after an operation is same-day
    assert level("knee op last week and the scar is hot and weeping") == "urgent"
    assert level("small cut on my thumb from paper, healing fine") == "self_care"
    # bleeding "in between" periods goes to a GP; "in between meetings" is not bleeding
    assert level("spotting in between my periods for a few months", sex="f") == "gp"
    assert level("period pain in between meetings today", sex="f") == "self_care"


def test_a_drooping_fingertip_after_a_knock_is_urgent_but_a_caught_finger_is_not():
    # NHS "Mallet finger": a fingertip that droops after an injury goes to an urgent treatment centre
    assert level("slammed my thumb in the car door and now the tip droops") == "urgent"
    assert level("caught my finger in the drawer, bit sore, moves fine") == "self_care"
    assert level("my eyelids droop when I am tired") is None


def _condition(level, probability):
    from diagnosis.engine.check import ConditionResult

    return ConditionResult("c", "C", "", probability, level, supporting=["fever"])


def test_an_uncertain_guess_at_an_urgent_condition_does_not_overrule_a_recognised_complaint():
    """Fever and aches for two days gave Typhoid 26% and Malaria 17% (urgent) over the fever
    complaint's self-care; an uncertain guess no longer raises it, a likely emergency still does,
    and so does a confident urgent condition."""
    from diagnosis.engine.check import _triage
    from diagnosis.engine.complaints import RecognisedComplaint, TriageAssessment

    flu = TriageAssessment(
        level="self_care", complaints=[RecognisedComplaint("f", "Fever", "self_care", "", [])]
    )
    guess = [_condition("urgent", 0.26), _condition("urgent", 0.17)]
    assert _triage(flu, [], guess, ["fever"], low_confidence=True) == "self_care"
    assert _triage(flu, [], [_condition("emergency", 0.25)], ["fever"], low_confidence=True) == "emergency"
    assert _triage(flu, [], [_condition("urgent", 0.6)], ["fever"], low_confidence=False) == "urgent"
    # without a recognised complaint the model's guess still counts, and never as self-care
    bare = TriageAssessment(level=None)
    assert _triage(bare, [], guess, ["fever"], low_confidence=True) == "urgent"
