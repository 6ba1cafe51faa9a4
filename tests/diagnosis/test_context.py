"""ConText assertions, numbers, the subject and typo correction of the complaint layer.

A small catalogue written here keeps these tests about the algorithm, not the knowledge base.
"""

import pytest

from diagnosis.engine.complaints import ComplaintCatalogue, Subject
from diagnosis.engine.context import (
    age_months_from_text,
    duration_days,
    pregnancy_and_breastfeeding,
    tablets_taken,
    temperature_c,
    tokenise,
)

CONCEPTS = {
    "severe": ["severe", "agony", "worst", "really bad"],
    "sudden": ["sudden*", "all of a sudden"],
    "vomiting": ["vomit*", "being sick", "throw* up", "threw up"],
}
ROWS = [
    {
        "slug": "testicle_pain",
        "name": "Testicle pain",
        "level": "gp",
        "terms": ["(testicle*|ball*) ... (pain*|hurt*|sore|agony)", "(pain*|agony) ... (testicle*|ball*)"],
        "discriminators": [
            {"slug": "torsion", "name": "Torsion", "level": "emergency", "all_of": [["@sudden", "@severe", "@vomiting"]]}
        ],
    },
    {"slug": "headache", "name": "Headache", "level": "self_care", "terms": ["headache*", "head ... hurt*"]},
    {"slug": "rash", "name": "Rash", "level": "self_care", "terms": ["rash*"]},
    {"slug": "lips", "name": "Blue lips", "level": "emergency", "terms": ["lips ... blue", "blue lips"]},
    {"slug": "shingles", "name": "Shingles", "level": "urgent", "terms": ["shingles"]},
    {"slug": "cough", "name": "Cough", "level": "self_care", "terms": ["cough*"],
     "discriminators": [{"slug": "long_cough", "name": "Cough over 3 weeks", "level": "gp", "all_of": [],
                         "min_duration_days": 21}]},
    {"slug": "unresponsive", "name": "Not responding", "level": "emergency",
     "terms": ["not responding", "not breathing", "no wet nappies"]},
    {"slug": "heart", "name": "Chest pain", "level": "urgent", "terms": ["chest pain", "heart attack"]},
    {"slug": "fever", "name": "Fever", "level": "self_care", "terms": ["fever*", "temperature", "temp"],
     "discriminators": [{"slug": "baby_fever", "name": "Baby under 3 months with 38 C", "level": "emergency",
                         "all_of": [], "age_below_months": 3, "min_temperature_c": 38}]},
    {"slug": "overdose", "name": "Overdose", "level": "urgent", "terms": ["overdose"],
     "discriminators": [{"slug": "many_tablets", "name": "Many tablets", "level": "emergency", "standalone": True,
                         "all_of": [["took", "swallowed"]], "min_tablets": 10}]},
    {"slug": "fit", "name": "Fit", "level": "emergency", "terms": ["seizure*", "fit"],
     "discriminators": [{"slug": "first_fit", "name": "First fit", "level": "emergency",
                         "all_of": [["never had", "first time"]]}]},
    {"slug": "knee", "name": "Knee injury", "level": "self_care", "terms": ["knee"],
     "discriminators": [{"slug": "broken", "name": "Broken", "level": "urgent", "all_of": [["broken"]]}]},
    {"slug": "breathless", "name": "Breathless", "level": "urgent", "terms": ["out of breath"]},
]  # fmt: skip


@pytest.fixture(scope="module")
def catalogue():
    return ComplaintCatalogue.from_dicts(ROWS, CONCEPTS)


def assertions(catalogue, text):
    return {f.text: f.assertion for f in catalogue.assess(text).findings}


@pytest.mark.parametrize(
    "text, finding, expected",
    [
        ("any headache? no.", "headache", "negated"),
        ("any headache? no. just a cough", "headache", "negated"),
        ("headache: no", "headache", "negated"),
        ("I have neither a rash nor a headache", "rash", "negated"),
        ("I have neither a rash nor a headache", "headache", "negated"),
        ("not sure if it's a rash or dry skin", "rash", "possible"),
        ("no improvement in my cough", "cough", "present"),
        ("had shingles years ago", "shingles", "historical"),
        ("he isn't responding to me", "not responding", "present"),
        ("my dad had a heart attack, I just want to check my cholesterol", "heart attack", "family"),
        ("stroke runs in the family and I have a headache", "headache", "present"),
        ("it's not just a headache", "headache", "present"),
        ("no wet nappies since this morning", "no wet nappies", "present"),
        ("what if she gets a rash", "rash", "hypothetical"),
        ("my lips aren't blue", None, None),
        # "never had X" denies X; "never had X before" / "like this" says X is new
        ("never had a seizure, just asking about flashing lights", "seizure", "negated"),
        ("having a seizure like this, never had one like it", "seizure", "present"),
        # "nothing broken" denies; "nothing helps" does not
        ("grazed my knee, nothing broken", "broken", "negated"),
        ("nothing helps my cough", "cough", "present"),
        # "than I used to" compares with the past, "I used to" is the past
        ("more out of breath than I used to", "out of breath", "present"),
        ("I used to get out of breath as a kid", "out of breath", "historical"),
        ("what does a seizure look like? my nan is fine", "seizure", "hypothetical"),
    ],
)
def test_context_assertions(catalogue, text, finding, expected):
    found = assertions(catalogue, text)
    if finding is None:
        assert not found, found
    else:
        assert found.get(finding) == expected, found


def test_never_had_without_before_is_a_denial_not_a_first_time(catalogue):
    assert catalogue.assess("never had a seizure").level is None
    fired = [f.slug for f in catalogue.assess("a seizure, never had one like this").fired]
    assert fired == ["first_fit"]


def test_a_relatives_emergency_now_is_not_family_history(catalogue):
    # "My mum had a fall" is about mum now; only inherited conditions or deaths are family history.
    assert catalogue.assess("my mum is not breathing").level == "emergency"
    assert catalogue.assess("my dad just had a heart attack").level == "urgent"


def test_negation_does_not_cross_a_clause(catalogue):
    assert assertions(catalogue, "no rash, but a bad cough") == {"rash": "negated", "cough": "present"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("temp 38.5", 38.5),
        ("temperature of 39", 39.0),
        ("it was 101 F this morning", 38.3),
        ("fever 102.2", 39.0),
        ("39.8 degrees", 39.8),
        ("I am 38 weeks pregnant", None),
        ("3 days", None),
    ],
)
def test_temperature(text, expected):
    assert temperature_c(tokenise(text)) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("cough for 3 weeks", 21),
        ("since 2 days", 2),
        ("for a month", 30),
        ("for months", 60),
        ("12 weeks pregnant", None),
    ],
)
def test_duration(text, expected):
    assert duration_days(tokenise(text)) == expected


def test_tablets_and_age_and_pregnancy_words():
    assert tablets_taken(tokenise("took 30 paracetamol")) == 30
    assert tablets_taken(tokenise("took 2 paracetamol for my headache")) == 2
    assert age_months_from_text(tokenise("my 6 week old")) == pytest.approx(1.4)
    assert age_months_from_text(tokenise("my 2 year old son")) == 24
    assert age_months_from_text(tokenise("newborn won't feed")) == 0
    assert age_months_from_text(tokenise("my baby 2 months, fever 38.6")) == 2
    assert age_months_from_text(tokenise("my son 5 days of fever")) is None  # a duration, not an age
    assert pregnancy_and_breastfeeding(tokenise("I'm 12 weeks pregnant")) == (True, False)
    assert pregnancy_and_breastfeeding(tokenise("possibly pregnant")) == (True, False)
    assert pregnancy_and_breastfeeding(tokenise("I am not pregnant")) == (False, False)
    assert pregnancy_and_breastfeeding(tokenise("nursing my baby")) == (False, True)
    assert pregnancy_and_breastfeeding(tokenise("stopped breastfeeding last year")) == (False, False)
    # one clause's denial does not deny another's words; the words are the knowledge base's list
    assert pregnancy_and_breastfeeding(tokenise("not pregnant, but breastfeeding")) == (False, True)
    assert pregnancy_and_breastfeeding(tokenise("the baby kicking less today")) == (True, False)
    assert pregnancy_and_breastfeeding(tokenise("she lives in a nursing home")) == (False, False)


def test_discriminators_need_their_modifiers(catalogue):
    assert catalogue.assess("sudden agony in my left testicle and I'm being sick").level == "emergency"
    assert catalogue.assess("my testicle is a bit sore").level == "gp"
    assert catalogue.assess("my 6 week old has a temp of 38.2").level == "emergency"
    assert catalogue.assess("my 6 week old has a temp of 37.6").level == "self_care"
    # Age given by the check form (months) counts the same as age in the words.
    assert catalogue.assess("temperature 38.4", Subject(age_months=2)).level == "emergency"
    assert catalogue.assess("temperature 38.4", Subject(age_years=30)).level == "self_care"
    assert catalogue.assess("took 30 tablets").level == "emergency"
    assert catalogue.assess("took 2 tablets").level is None
    assert catalogue.assess("cough for 4 weeks").level == "gp"


def test_typos_are_corrected_but_real_words_never_become_other_words(catalogue):
    assert catalogue.assess("my testcle hurts").level == "gp"
    assert catalogue.assess("my hips are blue").level is None  # "hips" is a word: never "lips"
    assert catalogue.assess("headach").level == "self_care"


def test_hay_fever_is_not_a_fever_for_the_symptom_resolver():
    from diagnosis.engine.resolver import SymptomIndex

    index = SymptomIndex(
        {"fever": "high_fever", "headache": "headache"}, {"high_fever": "Fever", "headache": "Headache"}
    )
    assert index.resolve("I get hay fever every spring").present == []
    assert index.resolve("any fever? no. just a headache").negated == ["high_fever"]


def test_a_word_inside_a_finding_that_is_a_denial_is_denied():
    rows = [
        {"slug": "burn", "name": "Burn", "level": "self_care", "terms": ["burn*"],
         "discriminators": [{"slug": "deep", "name": "Deep burn", "level": "emergency", "all_of": [["no pain", "white"]]}]},
        {"slug": "pain", "name": "Pain", "level": "gp", "terms": ["pain"]},
    ]  # fmt: skip
    catalogue = ComplaintCatalogue.from_dicts(rows, {})
    assert catalogue.assess("a white burn, no pain at all").level == "emergency"
    assert catalogue.assess("spotting, no pain").level is None


def test_if_questions_are_hypothetical(catalogue):
    assert catalogue.assess("if my baby gets a rash what should I do?").level is None
    assert catalogue.assess("my baby has a rash, what should I do?").level == "self_care"
