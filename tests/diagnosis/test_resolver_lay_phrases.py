"""Everyday wording in the symptom resolver: pain phrases, complaints said with a negation word,
intensifiers, phrases in another order or word form.

A small index written here keeps these tests about the rules, not the knowledge base.
"""

import pytest

from benchmarks.phrases import index_from_files
from diagnosis.engine.resolver import FILLER_RE, SymptomIndex, lay_pain, stem

PHRASES = {
    "headache": "headache",
    "sore throat": "sore_throat",
    "chest pain": "chest_pain",
    "tummy pain": "abdominal_pain",
    "itchy eyes": "itchy_eyes",
    "swollen ankles": "swollen_legs",
    "blocked nose": "congestion",
    "tired": "fatigue",
    "poor appetite": "loss_of_appetite",
    "constipated": "constipation",
    "left arm pain": "arm_pain",
    "cough": "cough",
    "the runs": "diarrhoea",
    "stiff neck": "stiff_neck",
    "stiffness": "movement_stiffness",
    "fits": "seizure",
    "high fever": "high_fever",
}


@pytest.fixture(scope="module")
def index():
    return SymptomIndex(PHRASES, {slug: slug for slug in PHRASES.values()})


@pytest.mark.parametrize(
    "text, present",
    [
        ("my head is pounding", ["headache"]),
        ("head is killing me", ["headache"]),
        ("pains in my tummy", ["abdominal_pain"]),
        ("throat really hurts", ["sore_throat"]),
        ("I have no energy", ["fatigue"]),
        ("not hungry at all", ["loss_of_appetite"]),
        ("haven't pooed in days", ["constipation"]),
        ("nose is totally blocked", ["congestion"]),
        ("eyes are itching", ["itchy_eyes"]),
        ("ankles have swelled", ["swollen_legs"]),
        ("neck is stiff", ["stiff_neck"]),
        ("pain going down my left arm", ["arm_pain"]),
        ("coughed all night", ["cough"]),
    ],
)
def test_everyday_wording_resolves(index, text, present):
    assert index.resolve(text).present == present


@pytest.mark.parametrize(
    "text, negated",
    [
        ("no pain in my chest", ["chest_pain"]),
        ("no headache, no high fever", ["headache", "high_fever"]),
        ("I am not tired", ["fatigue"]),
    ],
)
def test_denials_still_deny(index, text, negated):
    result = index.resolve(text)
    assert result.negated == negated
    assert result.present == []


@pytest.mark.parametrize(
    "text",
    [
        "my head doesn't hurt",  # "doesn't" sits between the part and "hurt": no pain phrase made
        "chest is fine",
        "went for a run yesterday",  # "run" alone is not "the runs"
        "my shoes fitted",  # "fitted" -> "fit": too short a stem to be "fits"
        "neck is not stiff",
    ],
)
def test_ordinary_words_are_not_symptoms(index, text):
    assert index.resolve(text).present == []


def test_lay_pain_keeps_the_denial_in_front():
    assert lay_pain("no pain in my chest") == "no chest pain"
    assert lay_pain("my knees are killing me") == "knee pain"


def test_stem_joins_word_forms():
    assert stem("itching") == stem("itches") == stem("itchy")
    assert stem("swollen") == stem("swelled") == stem("swelling")
    assert stem("running") == stem("runs")


def test_no_knowledge_base_phrase_contains_a_dropped_intensifier():
    """The resolver drops "really", "totally"... before looking phrases up, so a phrase with one
    in it could never match."""
    with_filler = [p for p in index_from_files().phrases if FILLER_RE.search(p)]
    assert with_filler == []


def test_a_phrase_is_found_with_other_words_between():
    index = SymptomIndex({"white poo": "pale_stools"}, {"pale_stools": "Pale stools"})
    assert index.resolve("poo is white").present == ["pale_stools"]
    assert index.resolve("poo is a very white colour").present == ["pale_stools"]
