"""Who and what a sentence is about (issue 14, item 2): someone else's illness told as a story, a
finding taken back, a comparison that describes a sensation, an age that is not a duration, "cannot
X without Y", and an illness named only as a worry. Each family is tested with wordings that are in
no corpus, beside a twin that must keep its finding (a carer describing the person now, a
sensation that is one, a hedge about now)."""

import pytest

from diagnosis.engine.complaints import Subject
from diagnosis.engine.context import (
    ClauseContext,
    age_months_from_text,
    duration_days,
    tokenise,
    withdrawn,
)
from tests.diagnosis.engine_helpers import CATALOGUE, level


def assertions(text):
    return {f.text: f.assertion for f in CATALOGUE.assess(text, Subject()).findings}


# --- 1. experiencer: someone else -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("story", "now"),
    [
        (
            "my neighbour's toddler had a seizure last month, mine is fine, just a cold",
            "my neighbour's toddler is having a seizure right now",
        ),
        (
            "a lad at work had meningitis last winter, I just have a stiff neck from sleeping funny",
            "a lad at work has a stiff neck and a rash that won't fade",
        ),
        (
            "my uncle vomited blood before he passed away, I have mild heartburn",
            "my uncle is vomiting blood and I have mild heartburn",
        ),
    ],
)
def test_someone_elses_finished_story_is_not_the_subjects_finding(story, now):
    assert level(story) != "emergency"
    assert level(now) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "my colleague collapsed at her desk and is not breathing",
        "my 2 year old is floppy and won't feed",
        "my mum's face has dropped and she can't lift her arm",
        "my nan had a heart attack and she is grey and clammy",
        "my mum had a stroke and she cant lift her arm",  # the story goes on in the present
        # a parent's past (a new medicine last month) is part of their story now, not someone else's
        "my father began new epilepsy tablets last month, his skin blistered and peeled off and his mouth got sores",
    ],
)
def test_a_carer_describing_the_person_now_stays_an_emergency(text):
    assert level(text, age_years=40) == "emergency"
    assert "family" not in assertions(text).values()


def test_a_relatives_story_goes_on_in_the_next_clause_only_when_it_has_ended(index):
    """A carer writes in the past tense too: without how it ended, the relative's stroke may be now."""
    story = "my grandad had a stroke and in the end his mouth drooped"
    assert index.resolve(story).present == []
    assert set(assertions(story).values()) == {"family"}
    assert "facial_droop" in index.resolve("my auntie has had a stroke and her mouth is drooping").present
    assert level("my dad had a stroke and his arm went weak", age_years=40) == "emergency"
    assert level("my mum had a stroke and her face drooped", age_years=40) == "emergency"


def test_a_comparison_with_someone_else_keeps_the_subjects_own_finding():
    found = assertions("crushing chest pain, same as my dad had with his heart attack")
    assert found.get("heart attack") == "family"
    assert level("crushing chest pain, same as my dad had with his heart attack") == "emergency"
    assert assertions("I've got a cough like my friend had last year").get("cough") == "present"


# --- 2. withdrawn findings --------------------------------------------------------------------------
def test_a_finding_taken_back_is_not_present(index):
    for text in (
        "thought there was blood in his sick but it turned out to be red jelly",
        "I thought I was coughing up blood but it was just from a nosebleed",
        "there was blood in her vomit, false alarm, it was the tomato soup",
    ):
        assert level(text) not in ("emergency", "urgent"), text
        assert index.resolve(text).present == [], text
    assert level("there was blood in her vomit and it is still coming up") == "emergency"


def test_an_explanation_taken_back_keeps_the_finding():
    assert level(
        "I thought it was indigestion but now the pain is going down my left arm and I'm sweating"
    ) == ("emergency")
    assert level("I thought it was a migraine but it is the worst headache of my life") == "emergency"
    # an outcome that is itself an illness takes nothing back
    assert not withdrawn(tokenise("she coughed up blood"), tokenise("it turned out to be a lung clot"))
    # a small amount is still some
    assert not withdrawn(tokenise("I thought I was bleeding"), tokenise("but it was only a little"))


# --- 3. similes: an event inside a comparison is a sensation ----------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "throat feels like I've swallowed a handful of thorns",
        "my whole body aches as if I'd been hit by a lorry",
    ],
)
def test_an_event_inside_a_comparison_is_not_an_event(text):
    assert level(text) not in ("emergency", "urgent")
    assert "hypothetical" in assertions(text).values()


@pytest.mark.parametrize(
    "text",
    [
        "my chest feels like it is being squeezed in a vice",
        "like a brick pressing on my chest and I'm sweaty",
        "worst headache I've ever had, like someone hit me with a hammer",
        "I was hit by a car and my leg is bent",  # no comparison: a real event
        "it looks like he swallowed one of the magnets",  # "looks like" infers, it does not compare
        "feels like I've taken too many tablets, I'm drowsy",  # medicines: a hedge about an overdose
    ],
)
def test_a_sensation_or_a_real_event_still_counts(text):
    assert level(text) == "emergency"


# --- 4. ages are not durations ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "days", "months"),
    [
        ("my 7 yr olds ear hurts", None, 84),
        ("my 6 month old girl has had a cough for 3 weeks", 21, 6),
        ("my 10 year old boy has had a cough for 4 weeks", 28, 120),
        ("cough for 5 years, 5 yrs now", 1825, None),
    ],
)
def test_an_age_is_not_a_duration(text, days, months):
    tokens = tokenise(text)
    assert duration_days(tokens) == days
    assert age_months_from_text(tokens) == months


# --- 5. cannot X without Y --------------------------------------------------------------------------
def test_cannot_do_something_without_pain_is_pain_not_inability():
    assert assertions("she can't get up the stairs without grimacing") == {"cannot get up": "negated"}
    assert level("can't get out of a chair without it hurting after my run") not in ("emergency", "urgent")
    context = ClauseContext.build(tokenise("cannot walk without help"), [], question=False)
    assert context.cannot_without == []  # needing help is not being able to


def test_cannot_do_something_without_danger_signs_stays_an_emergency():
    assert level("he can't breathe without wheezing and his lips are blue") == "emergency"


def test_what_comes_after_without_in_cannot_x_without_y_is_there():
    text = "I can't breathe in without pain in my chest"
    assert "present" in {a for t, a in assertions(text).items() if "chest" in t}
    assert level(text) in ("urgent", "emergency")


# --- 6. an illness named only as a worry ------------------------------------------------------------
def test_an_illness_named_only_as_a_worry_is_not_a_finding():
    assert level("I keep worrying about having a heart attack since my dad's, otherwise I feel well") != (
        "emergency"
    )
    context = ClauseContext.build(tokenise("is it normal to worry about a stroke"), [], question=True)
    assert context.worry_from is not None


@pytest.mark.parametrize(
    "text",
    [
        "I'm scared it's a heart attack, crushing pain in my chest",
        "I think I'm having a heart attack",
        "worried I'm having a stroke, my arm has gone numb and weak",
        "worried about my chest pain, it's crushing",
        "worried about a pressure in my chest that spreads to my jaw",  # a sensation, not an illness's name
    ],
)
def test_a_worry_about_now_or_with_a_symptom_stays_an_emergency(text):
    assert level(text) == "emergency"


def test_a_story_compared_with_what_the_writer_has_now_is_the_writers_too():
    assert level("my mate had chest pain like this last year and it was a heart attack") in (
        "urgent",
        "emergency",
    )
    assert level("my mate had chest pain last year and it was a heart attack, I feel fine") not in (
        "urgent",
        "emergency",
    )


def test_a_known_persons_had_is_a_story_when_the_writer_speaks_of_themselves_but_a_strangers_is_not():
    assert assertions("someone at work had shingles, I have a rash on my back").get("shingles") == "family"
    assert assertions("my flatmate had tonsillitis, I've got a sore throat now") == {
        "tonsillitis": "family",
        "sore throat": "present",
    }
    # a bystander helping a stranger, or a bare "my friend had a seizure", may be happening now
    assert level("a woman had a fit on the bus, what do I do") == "emergency"
    assert level("my friend had a seizure") == "emergency"
