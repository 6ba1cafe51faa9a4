"""Matcher families left by the fifth development set (issue 14, item 2).

Respellings read in one place (vocabulary.yaml `respellings`, applied by `tokenise`), number words in
temperatures, questions about what an illness looks like, conditionals, and "X is fine". Every
wording is in no corpus, and each family is paired with a dangerous twin that must stay urgent or an
emergency.
"""

import pytest

from diagnosis.engine.complaints import LEVEL_ORDER, Subject
from diagnosis.engine.context import respellings, temperature_c, tokenise
from diagnosis.engine.triage import fired_red_flags
from tests.diagnosis.engine_helpers import CATALOGUE, level


def at_least(found, wanted):
    """True when `found` is as urgent as `wanted` or more."""
    return found is not None and LEVEL_ORDER[found] <= LEVEL_ORDER[wanted]


# --- 1. respellings in one place ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("sharp pane in my side", ["sharp", "pain", "in", "my", "side"]),
        ("growing panes", ["growing", "pains"]),
        ("my knee is paining", ["my", "knee", "is", "hurting"]),
        ("it pained all night", ["it", "hurt", "all", "night"]),
        ("bub, bubs and bubba", ["baby", ",", "baby", "and", "baby"]),
        ("Bubba's nappy", ["baby", "nappy"]),
    ],
)
def test_tokenise_reads_a_respelling_as_the_word_it_stands_for(text, tokens):
    assert tokenise(text) == tokens


def test_the_respellings_live_in_the_knowledge_base():
    assert respellings()["paining"] == "hurting"
    assert set(respellings()) >= {"pane", "panes", "paining", "pained", "bub", "bubs", "bubba"}


def test_knowledge_base_terms_are_read_through_the_same_respellings():
    # The terms no longer list "bub" or "paining": the tokeniser maps the text's words instead.
    assert at_least(
        level("crushing pane across my chest and I feel clammy", age_years=60, sex="m"), "emergency"
    )
    assert at_least(level("bubs is 5 weeks and has a temp of 38.2"), "emergency")
    assert at_least(level("my ear is paining and there is pus coming out", age_years=30), "gp")


def test_a_window_pane_is_harmless(index):
    text = "a window pane cracked in the kitchen, no one is hurt"
    assessment = CATALOGUE.assess(text, Subject(age_years=40))
    assert assessment.level is None
    assert not assessment.complaints
    assert index.resolve(text).present == []


# --- 2. number words in temperatures -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "celsius"),
    [
        ("her temp is thirty eight point seven", 38.7),
        ("temperature of thirty nine this morning", 39.0),
        ("thermometer says a hundred and one F", 38.3),
        ("temp one oh three", 39.4),
        ("fever of thirty eight and a half", 38.5),
        ("thirty-nine point one temperature", 39.1),
    ],
)
def test_a_temperature_said_in_words_is_read(text, celsius):
    assert temperature_c(tokenise(text)) == celsius


@pytest.mark.parametrize(
    "text",
    [
        "one of the two kids has a temperature",
        "a hundred people at the party, I have a temperature",
        "for thirty nine days",
    ],
)
def test_number_words_that_are_not_a_temperature_give_none(text):
    assert temperature_c(tokenise(text)) is None


def test_a_spoken_temperature_sets_the_baby_age_threshold():
    # NICE NG143 amber: 3 to 6 months with 39C or more; its twin at 37.2 is not urgent.
    high = CATALOGUE.assess("my 4 month old has a temperature of thirty nine point two", Subject())
    normal = CATALOGUE.assess("my 4 month old has a temperature of thirty seven point two", Subject())
    assert high.temperature_c == 39.2
    assert high.level == "urgent"
    assert normal.temperature_c == 37.2
    assert not at_least(normal.level, "urgent")


# --- 3. questions about what an illness looks like ---------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "what are signs of a stroke in older people, for my nursing course",
        "how do you know if your appendix has burst",
        "how can you tell if someone is having a heart attack",
        "what are symptoms of sepsis in adults",
        "what should we do if grandad has a fit at the wedding",
        "how could I tell if a cut on my leg is infected",
    ],
)
def test_a_question_about_an_illness_names_no_finding(text):
    assessment = CATALOGUE.assess(text, Subject(age_years=35))
    assert assessment.level is None
    assert not [f for f in assessment.findings if f.assertion in ("present", "possible")]


@pytest.mark.parametrize(
    "text",
    [
        "how do I know if it's a heart attack, my chest is crushing and my left arm aches",
        "how do you know if its a stroke my face has dropped and my arm is weak",
        "what are the signs of sepsis he is confused and his skin is mottled",
        "what are signs of an overdose, my sister swallowed 30 paracetamol an hour ago",
    ],
)
def test_a_question_with_a_symptom_present_stays_an_emergency(text):
    assert level(text, age_years=55) == "emergency"


# --- 4. a conditional question is hypothetical for the resolver and the red-flag rules too ------------
def _red_flags(snapshot, index, text):
    present = index.resolve(text).present
    return {f.slug for f in fired_red_flags(snapshot.rules, present, age=48, sex="m", pregnant=False)}


@pytest.mark.django_db
def test_a_finding_inside_a_conditional_question_fires_no_red_flag(snapshot, index):
    text = "if I get a sharp chest pain during the marathon what do I do? I'm fit and well"
    assert "chest_pain" not in index.resolve(text).present
    assert not _red_flags(snapshot, index, text)
    assert level(text, age_years=48) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "I have a sharp chest pain during the marathon, what do I do?",
        "my chest hurts right now. if it gets worse should I ring 999?",
    ],
)
def test_a_finding_told_as_now_beside_a_question_still_fires(snapshot, index, text):
    assert "chest_pain" in index.resolve(text).present
    assert "chest_pain_any" in _red_flags(snapshot, index, text)


# --- 5. "X is fine" denies X ------------------------------------------------------------------------------
def _counted(text, **subject):
    return {
        f.text
        for f in CATALOGUE.assess(text, Subject(**subject)).findings
        if f.assertion in ("present", "possible")
    }


@pytest.mark.parametrize(
    ("text", "denied", "subject"),
    [
        (
            "my balls are fine, just an itchy red rash at the top of my thighs",
            "my balls",
            {"age_years": 25, "sex": "m"},
        ),
        ("her breathing is fine now, she only has a runny nose", "breathing", {"age_years": 6}),
        ("my chest feels fine today, just a tickly throat", "chest", {"age_years": 40}),
    ],
)
def test_what_is_said_to_be_fine_is_denied(text, denied, subject):
    assert denied not in _counted(text, **subject)
    assert not at_least(level(text, **subject), "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "he says he's fine but his lips are blue",
        "his breathing is not fine, he is gasping",
        "my leg feels fine, my arm is numb and my face has dropped",
        "the graze looks fine but it is bleeding heavily and will not stop",
        "my baby is fine apart from a temperature of 38.3, she is 7 weeks old",
    ],
)
def test_fine_beside_a_danger_sign_stays_an_emergency(text):
    assert level(text, age_years=50) == "emergency"


def test_fine_said_of_the_person_keeps_what_they_have():
    # "has a cold and is fine": "fine" is the child, the cold is still there.
    assert "has a cold" in _counted("my girl (4) has a cold and is fine, running about", age_years=4)
