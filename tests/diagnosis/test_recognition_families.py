"""Recognition families found with the recog1 development set (issue 14: fewer messages with
nothing recognised).

recog1 tests whether the portal recognises what a person brings when they say it without a
body-part noun, by what it stops them doing, in slang, with a brand name or a long-term medicine's
name, or in non-native English. Each test pairs a wording that is in no corpus with a twin that
must NOT be recognised as that complaint or symptom, so a new term is seen to cover its family and
not to match inside a longer phrase, swallow a denial or turn one body part into another.
"""

import pytest

from tests.diagnosis.engine_helpers import assess, complaint_slugs

ADULT = {"age_years": 35, "sex": "f"}


# (family, complaint, wording that must be recognised as it, twin that must not)
PAIRS = [
    (
        "pain named only by chewing or biting is toothache",
        "hm_toothache",
        "it hurts when he bites on that side",
        "my knee hurts when I kneel on it",
    ),
    (
        "non-native 'pain in teeth' with no determiner",
        "hm_toothache",
        "having pain in teeth at night",
        "having pain in toes at night",
    ),
    (
        "a long-term medicine named without 'tablets' that has run out",
        "ev_run_out_of_medicine",
        "ran out of my metformin yesterday",
        "can I take metformin with ibuprofen",
    ),
    (
        "a few tablets 'left' is a medicine running out",
        "ev_run_out_of_medicine",
        "only a couple of pills left and the chemist is shut",
        "left my bag at the chemist",
    ),
    (
        "a remedy that is not enough names the complaint it treats",
        "ap_heartburn_indigestion",
        "need something better than gaviscon, it burns after every meal",
        "is gaviscon safe when breastfeeding",
    ),
    (
        "'N weeks gone' is pregnancy slang",
        "ap_pregnancy_bleeding_or_pain",
        "about 9 weeks gone and spotting a bit",
        "three weeks since my op and the scar looks fine",
    ),
    (
        "needing the telly up or struggling to hear is hearing loss",
        "ev_hearing_gradual",
        "he has to turn the tv up louder every week",
        "the neighbours have their tv on all night",
    ),
    (
        "an everyday object dropped on a toe or finger",
        "ev_finger_toe_nail_injury",
        "dropped a dumbbell on my toe at the gym",
        "put the box on my desk",
    ),
    (
        "hot drink or water spilt onto a person is a scald",
        "burn_or_scald",
        "kettle water spilled over my baby's arm",
        "kettle water spilled over the worktop",
    ),
    (
        "pain in sex is a genital symptom",
        "ap_genital_symptoms",
        "it stings during sex lately",
        "we had a talk about sex education at school",
    ),
    (
        "a smell 'down there' is a genital symptom",
        "ap_genital_symptoms",
        "a horrible smell down there for a week",
        "a horrible smell in the kitchen",
    ),
    (
        "feet or soles that ache are foot pain",
        "ev_heel_foot_pain",
        "the soles of my feet ache by lunchtime",
        "my hands ache by lunchtime",
    ),
    (
        "a joint that locks or will not bend",
        "joint_pain_or_swelling",
        "his elbow keeps locking when he throws",
        "he keeps locking the door at night",
    ),
    (
        "air that cannot get in is breathlessness",
        "hb_breathlessness",
        "she says she cannot get any air in",
        "she can get air in fine now",
    ),
    (
        "a decimal temperature said of a child is a fever",
        "fever_in_child",
        "my toddler is 39.2 tonight",
        "the toddler is 3 tomorrow",
    ),
    (
        "a child pulled out of water is a near drowning",
        "hb_near_drowning",
        "pulled my daughter out of the pool and she is coughing",
        "pulled the lilo out of the pool",
    ),
    (
        "a question about a vaccine is not a vaccine reaction",
        "ev_vaccine_reaction",
        "arm is swollen and red since the covid booster",
        "is there a covid booster this autumn",
    ),
    (
        "breathing heard as a rattle or gurgle, or very slow",
        "hb_breathlessness",
        "her breathing sounds all rattly tonight",
        "my tummy is making gurgling noises",
    ),
    (
        "feeling a burden or having nothing to live for",
        "hm_suicidal_thoughts",
        "lately I just feel like a burden to everyone",
        "I carry a heavy burden of work",
    ),
    (
        "a baby who 'is yellow' has jaundice",
        "ap_jaundice",
        "our newborn looks a bit yellow today",
        "the bananas went yellow",
    ),
    (
        "a joint that 'popped out' is a dislocation",
        "injury_possible_broken_bone",
        "his shoulder popped out at rugby",
        "the cork popped out of the bottle",
    ),
    (
        "a bulging soft spot is a very unwell baby",
        "hb_very_unwell",
        "her soft spot looks raised and tense",
        "I have a soft spot for chocolate",
    ),
    (
        "believing they are god or being followed is psychosis",
        "hm_psychosis_mania",
        "my brother believes he is being followed everywhere",
        "he thinks he is getting a cold",
    ),
    (
        "a jaw that clicks is a joint problem",
        "joint_pain_or_swelling",
        "her jaw keeps locking when she yawns",
        "the jar keeps clicking when I open it",
    ),
    (
        "the roof of the mouth that hurts is a mouth sore",
        "hm_mouth_ulcer",
        "the roof of my mouth is sore since the pizza",
        "the roof of the shed is leaking",
    ),
    (
        "cracked heels are hard skin",
        "ev_blister_corn_callus",
        "cracked heels that bleed a bit in winter",
        "new heels for the wedding",
    ),
    (
        "a baby bringing up milk is posseting",
        "ap_vomiting",
        "she keeps bringing up milk after every feed",
        "the cat keeps spitting at the dog",
    ),
    (
        "ears blocked after a flight are ear trouble",
        "hm_earache",
        "blocked ears since the flight home",
        "popping to the shops after my flight",
    ),
    (
        "a chest described as something standing on it or a band round it is chest pain",
        "hb_chest_pain",
        "his chest feels like something is pressing on it",
        "the cat was standing on my chest this morning to wake me",
    ),
    (
        "one side of the body that stopped working is a stroke sign",
        "hm_stroke_signs",
        "the right side of her face has stopped working",
        "the left side of the car has stopped working",
    ),
    (
        "speech like someone drunk, said of someone, is a stroke sign",
        "hm_stroke_signs",
        "her talking sounds like she is drunk and she never drinks",
        "we went to the pub and had a drink",
    ),
    (
        "a person who went stiff and jerked is a seizure",
        "hm_seizure",
        "my husband went rigid and started shaking on the sofa",
        "my legs were stiff and shaking after the marathon",
    ),
    (
        "a tongue that feels fat or thick is an allergic swelling",
        "hb_allergic_reaction",
        "my tongue went thick after the new tablets",
        "my mouth and throat feel dry after the tablet",
    ),
    (
        "a positive test with pain or bleeding is early-pregnancy pain",
        "ap_pregnancy_bleeding_or_pain",
        "positive test yesterday and cramping low down",
        "positive covid test and a sore throat",
    ),
    (
        "a limb 'smacked' or 'whacked' against something is an injury",
        "injury_possible_broken_bone",
        "whacked my shin against the bed frame",
        "my friend smacked my hand away",
    ),
    (
        "a lump behind the ear or under the jaw is a lump to check",
        "ev_painless_lump",
        "a lump under his jaw for a month",
        "a lump sum under the old plan",
    ),
    (
        "drinking gallons is great thirst",
        "hb_thirsty_peeing_a_lot",
        "drinking litres of water and still thirsty",
        "he likes drinking tea",
    ),
    (
        "a whole pack or strip swallowed is an overdose",
        "ap_overdose_or_poisoning",
        "he swallowed his whole packet of heart tablets",
        "she bought a whole box of chocolates for the party",
    ),
    (
        "a noose made or round the neck is a suicide plan",
        "hm_suicidal_thoughts",
        "he has made a noose in the shed",
        "we learnt the noose knot at sailing",
    ),
    (
        "a child hardly weeing is dehydration",
        "baby_not_feeding_or_dehydrated",
        "our toddler is barely weeing since the bug",
        "I am barely sleeping since the baby came",
    ),
]


@pytest.mark.parametrize("family, slug, text, twin", PAIRS, ids=[p[0] for p in PAIRS])
def test_family_is_recognised_and_its_twin_is_not(family, slug, text, twin):
    assert slug in complaint_slugs(text), (family, text, complaint_slugs(text))
    assert slug not in complaint_slugs(twin), (family, twin, complaint_slugs(twin))


def test_a_tongue_gone_thick_is_an_emergency_and_a_dry_throat_is_nothing():
    assert assess("my tongue feels thick after the tablet", **ADULT).level == "emergency"
    assert not assess("my mouth and throat feel dry after the tablet", **ADULT).recognised


def test_a_pulled_out_child_is_an_emergency_but_water_spilt_on_a_worktop_is_nothing():
    assert assess("pulled him out of the river, he is coughing", age_years=8).level == "emergency"
    assert not assess("kettle water spilled over the worktop", **ADULT).recognised


# --- symptoms (the resolver) ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, slug, twin",
    [
        ("my legs gave out on the stairs", "weakness_in_limbs", "the old shelf gave out under the books"),
        (
            "I cannot taste my food since Tuesday",
            "loss_of_smell",
            "I cannot taste the difference between them",
        ),
        ("I ache all over since Sunday", "muscle_pain", "I ache to see my grandchildren"),
        ("so weepy all the time since the baby", "depression", "my eye is weepy and crusty"),
        ("hungry as a horse since the new pills", "excessive_hunger", "the horse is hungry"),
        ("bad guts since the curry", "abdominal_pain", "he has the guts to complain"),
        ("I cannot think straight at work", "lack_of_concentration", "I think the straight road is quicker"),
        ("my toes turn white in the cold", "cold_hands_and_feet", "the walls turn white in the sun"),
        ("spotty chin since I started the pill", "pus_filled_pimples", "we have a spotty dog"),
        ("I keep heaving but nothing comes up", "vomiting", "the pub has been heaving all night"),
    ],
)
def test_symptom_family_is_read_and_its_twin_is_not(index, text, slug, twin):
    assert slug in set(index.resolve(text).present)
    assert slug not in set(index.resolve(twin).present)
