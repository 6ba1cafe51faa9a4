"""Emergencies only mentioned (a lesson, a job, a story, something read, a fear of it coming back, a
clinic's name) stay below urgent; the same words about someone now stay emergencies (ctl1)."""

import pytest

from diagnosis.engine.check import run_check
from diagnosis.engine.complaints import Subject
from diagnosis.engine.mentions import without_mentions
from diagnosis.engine.predictor import kb_model
from tests.diagnosis.engine_helpers import assert_family_escalates_and_twin_does_not


def triage(snapshot, text, **subject):
    subject = subject or {"age_years": 40}
    return run_check(
        snapshot, kb_model(snapshot), text=text, subject=Subject(**subject), ask_questions=False
    ).triage


FAMILIES = [
    (
        "lesson",
        "went to a first aid class about heart attacks and choking, I've got a runny nose",
        "went to a first aid class and now my mate has collapsed and is not breathing",
    ),
    (
        "job",
        "I'm a firefighter and I see people who can't breathe from smoke, my question is about athlete's foot",
        "I'm a firefighter and I can't breathe, my lips are going blue",
    ),
    (
        "fiction",
        "watched a movie where the mum had a stroke and couldn't talk, it made me cry, I'm fine",
        "watched a movie with my mum and now her face has dropped and she can't speak",
    ),
    (
        "reading",
        "I have heard that sudden weakness in one arm is a stroke, I just have a sore wrist from typing",
        "I have heard that sudden weakness in one arm is a stroke and now my arm is weak and my face is drooping",
    ),
    (
        "fear",
        "I'm nervous I might have another heart attack one day, no symptoms at the moment",
        "I'm nervous it's another heart attack, crushing chest pain and sweating",
    ),
    (
        "fact known",
        "I know a droopy face can be a stroke, I just have a stye on my eyelid",
        "I know he is not breathing, his lips are blue",
    ),
    (
        "worry named",
        "my main worry is a stroke like my grandad had, can I get my cholesterol tested?",
        "my main worry is that she is having a stroke, her face has dropped and her speech is slurred",
    ),
    (
        "job with its number",
        "I'm a 111 call handler, I talk callers through strokes and fits and I get headaches from the screen",
        "I'm a call handler and I'm having a fit, can't stop shaking for 6 minutes",
    ),
    (
        "near miss",
        "almost choked on a boiled sweet but coughed it out, fine now",
        "she is choking on a boiled sweet and can't breathe or cough",
    ),
    (
        "stiff shoulder",
        "can't get my arm over my head for a month now, it aches when I put my coat on",
        "suddenly can't lift my arm above my head and my face has dropped",
    ),
    (
        "people in general",
        "is it true that if you get a bad bee sting you can stop breathing? off camping soon",
        "got stung by a bee, my throat is swelling and I can't breathe",
    ),
    (
        "someone else's story that is over",
        "my workmate had a fit at the pub once, he is fine, can stress cause that?",
        "my workmate is having a fit on the floor and it has gone on for 6 minutes",
    ),
    (
        "breathing on purpose",
        "taking deep breaths helps when my exams stress me out",
        "I can't breathe, my lips are going blue",
    ),
    (
        "exercise that settles",
        "get out of breath on my jog but back to normal in a few minutes",
        "out of breath at rest and my lips are going blue",
    ),
    (
        "question asked for a lesson",
        "when do you need an ambulance for chest pain? asking for a scout badge project",
        "when do you need an ambulance for chest pain? I have crushing chest pain now and I'm sweating",
    ),
    (
        "question answered by the writer's own denial",
        "would it be sepsis if the skin went blotchy? mine hasn't, just a bit of a cold",
        "would it be sepsis? her skin is blotchy, she is confused and breathing fast",
    ),
    (
        "a pet at the vet",
        "puppy ate a bee and her mouth swelled up, she is at the vets now",
        "the dog is at the vet, my husband collapsed and he is not breathing",
    ),
    (
        "service",
        "is the stroke clinic open on bank holidays?",
        "my stroke clinic is next week but my face has dropped and my arm is weak",
    ),
]


@pytest.mark.parametrize("family, control, twin", FAMILIES)
def test_a_mention_is_not_an_emergency_but_the_present_twin_is(snapshot, family, control, twin):
    assert triage(snapshot, control) in ("self_care", "gp"), (family, control)
    assert triage(snapshot, twin) == "emergency", (family, twin)


@pytest.mark.parametrize(
    "text",
    [
        "collapsed at my dance class, not breathing",  # a setting with no topic is where it happened
        "carer here, the man I look after has been vomiting blood",  # a carer tells of someone now
        "army training in the heat, one lad collapsed, really hot, not responding properly",
        "school nurse here, a pupil is having an asthma attack and can't talk",
        "my brother watched a programme about overdoses and then took all his tablets",
        "nurse here, patient on the ward has collapsed and isn't breathing",
        "officer found him unconscious in the street",
        "read online that chest pain and sweating can be a heart attack, that's what I have",
        "worried I will die because my chest is crushing and I can't breathe",
        "worried I may have had a stroke, my face feels numb and my arm is weak",
        "scared I might have taken too many tablets",
        "did a first aid course last week, today my dad collapsed and isn't breathing",
        "I work at a school, a child is having an anaphylactic reaction, lips swelling",
        "I'm a paramedic, I've taken 30 paracetamol",
        "is he breathing? no",
        "nearly choked, now he's blue and can't breathe",
        "read the leaflet, the rash doesn't fade with a glass",
        "I'm scared I'll die, I can't breathe and my lips are blue",
        "at the cinema, watching a film, my husband collapsed and isn't breathing",
        "I googled my symptoms, crushing chest pain and sweating for 30 minutes",
        "the show on TV made me panic and now my chest is crushing and I can't breathe",
        "vet nurse here, I've been stung and my throat is closing",
    ],
)
def test_present_emergencies_around_mention_words_stay_emergencies(snapshot, text):
    assert triage(snapshot, text) == "emergency", text


def test_text_without_a_mention_is_left_as_it_is():
    text = "Chest pain since 10am, I've got a cold"
    assert without_mentions(text) == text
    assert "overdose" not in without_mentions("saw a documentary on overdose, I'm well")


# Knowledge base: recognition gaps the ctl1 twins showed.
@pytest.mark.parametrize(
    "family, text, twin",
    [
        (
            "fits one after another",
            "she keeps having one seizure after the other",
            "she had a seizure once as a baby, years ago, none since",
        ),
        (
            "a limb that is bleeding and will not stop",
            "his thumb is bleeding and will not stop after 20 minutes of pressing",
            "his thumb was bleeding a little from a paper cut, it has stopped",
        ),
        (
            "wheezing and coughing that will not stop after choking",
            "choked on a peanut and now she is wheezy and will not stop coughing",
            "choked on a peanut but coughed it up and has been fine since",
        ),
        (
            "a low oxygen reading on a finger monitor",
            "his sats went down to 89 on the finger monitor",
            "oxygen 99, heart rate 88 on the finger monitor, just checking",
        ),
    ],
)
def test_knowledge_base_families_from_ctl1(family, text, twin):
    assert_family_escalates_and_twin_does_not(family, text, {"age_years": 30}, twin, {"age_years": 30})
