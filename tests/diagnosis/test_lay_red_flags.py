"""Everyday wordings of red-flag symptoms reach the emergency rules through the real pipeline.

Each wording was once missed or mis-matched (e.g. "pressure in my chest" -> sinus pressure). The
fixes live in the knowledge base (symptom synonyms), so these tests run free text through
``symptom_check_start`` exactly as the web form and the API do. Wordings avoid "n't" contractions
and "no"/"not" (negation handling is tested in test_resolver.py), except for one rash case whose
negation word sits inside a knowledge-base synonym.
"""

from __future__ import annotations

import pytest

from diagnosis.services import symptom_check_start

pytestmark = pytest.mark.django_db

EMERGENCY_WORDINGS = [
    # (text, symptoms that must be recognised)
    # heart and chest
    ("pressure in my chest and sweating", {"chest_pain", "sweating"}),
    ("pressure on my chest and short of breath", {"chest_pain", "breathlessness"}),
    ("chest hurting and clammy", {"chest_pain", "sweating"}),
    ("chest pain with sweat", {"chest_pain", "sweating"}),
    ("chest pains and a cold sweat", {"chest_pain", "sweating"}),
    # breathing
    ("severe shortness of breath", {"severe_breathlessness"}),
    ("severe difficulty breathing", {"severe_breathlessness"}),
    ("struggling to catch my breath", {"severe_breathlessness"}),
    ("gasping for breath", {"severe_breathlessness"}),
    # severe allergic reaction
    ("swollen lips and tongue", {"severe_breathlessness"}),
    ("my throat is closing up", {"severe_breathlessness"}),
    ("my face and lips are swelling up and I'm wheezing", {"puffy_face_and_eyes", "wheezing"}),
    ("lips swelling, struggling for air", {"puffy_face_and_eyes", "severe_breathlessness"}),
    # rash that does not fade under a glass (the rule's own name)
    ("rash that does not fade under a glass", {"non_blanching_rash"}),
    ("fever and a rash under a glass that stays", {"high_fever", "non_blanching_rash"}),
    ("fever and a glass test rash", {"high_fever", "non_blanching_rash"}),
    # fits and stroke
    ("fitting", {"seizure"}),
    ("he keeps fitting", {"seizure"}),
    ("face droopy and cannot lift my arm", {"facial_droop", "weakness_of_one_body_side"}),
    ("one side of my face has dropped", {"facial_droop"}),
    ("face drooping on one side", {"facial_droop"}),
]


@pytest.mark.parametrize(("text", "expected"), EMERGENCY_WORDINGS, ids=[t for t, _ in EMERGENCY_WORDINGS])
def test_lay_wording_of_a_red_flag_is_an_emergency(alice, trained_champion, text, expected):
    session = symptom_check_start(user=alice, text=text)
    assert expected <= set(session.symptoms), (text, session.symptoms, session.unrecognised)
    assert not expected & set(session.negated), (text, session.negated)
    assert session.triage == "emergency", (text, session.symptoms, session.red_flags)
    assert session.red_flags and session.red_flags[0]["level"] == "emergency"


def test_a_swelling_throat_gets_the_allergic_reaction_instruction(alice, trained_champion):
    session = symptom_check_start(user=alice, text="my throat is closing up")
    assert session.triage == "emergency"
    assert "adrenaline auto-injector" in " ".join(f["instruction"] for f in session.red_flags)


@pytest.mark.parametrize("text", ["pressure in my chest", "pressure on my chest", "my chest is hurting"])
def test_chest_pressure_alone_is_chest_pain_not_sinus_pressure(alice, trained_champion, text):
    session = symptom_check_start(user=alice, text=text)
    assert session.symptoms == ["chest_pain"], session.symptoms
    # Chest pain on its own is urgent (the emergency rules need a second sign).
    assert session.triage in ("urgent", "emergency")
    assert {f["slug"] for f in session.red_flags} >= {"chest_pain_any"}


@pytest.mark.parametrize(
    "text", ["difficulty breathing", "difficult breathing", "diffculty breathing", "cannot catch my breath"]
)
def test_difficulty_breathing_without_severe_is_breathlessness(alice, trained_champion, text):
    # NHS: severe difficulty breathing is a 999 call; difficulty breathing alone needs a doctor soon.
    # Every spelling gets the same answer.
    session = symptom_check_start(user=alice, text=text)
    assert "breathlessness" in session.symptoms and "severe_breathlessness" not in session.symptoms


MIGRAINE_WORDINGS = [
    ("feel sick", "nausea"),
    ("i feel sick", "nausea"),
    ("sensitive to light", "visual_disturbances"),
    ("light sensitivity", "visual_disturbances"),
    ("throbbing one side", "headache"),
    ("throbbing headache", "headache"),
]


@pytest.mark.parametrize(("text", "slug"), MIGRAINE_WORDINGS, ids=[t for t, _ in MIGRAINE_WORDINGS])
def test_migraine_words_are_recognised(alice, trained_champion, text, slug):
    session = symptom_check_start(user=alice, text=text)
    assert slug in session.symptoms, (text, session.symptoms, session.unrecognised)
    assert session.unrecognised == []


def test_a_migraine_description_reads_all_three_features(alice, trained_champion):
    session = symptom_check_start(user=alice, text="throbbing one side, feel sick and sensitive to light")
    assert {"headache", "nausea", "visual_disturbances"} <= set(session.symptoms)
    assert session.triage != "emergency"


ORDINARY_WORDINGS = [
    # (text, a symptom that must be recognised)
    ("blocked nose and sinus pressure", "sinus_pressure"),
    ("mild cough", "cough"),
    ("pressure in my head", "headache"),
    ("pressure in my ears and a blocked nose", "sinus_pressure"),
    ("itchy rash that fades under a glass", "skin_rash"),
    ("swollen knees", "swelling_joints"),
    ("difficulty grasping things", "muscle_weakness"),
]
RED_FLAG_SYMPTOMS = {"chest_pain", "severe_breathlessness", "non_blanching_rash", "seizure", "facial_droop"}


@pytest.mark.parametrize(("text", "slug"), ORDINARY_WORDINGS, ids=[t for t, _ in ORDINARY_WORDINGS])
def test_ordinary_wordings_are_not_emergencies(alice, trained_champion, text, slug):
    session = symptom_check_start(user=alice, text=text)
    assert slug in session.symptoms, (text, session.symptoms)
    assert not RED_FLAG_SYMPTOMS & set(session.symptoms), (text, session.symptoms)
    assert not [f for f in session.red_flags if f["level"] == "emergency"], session.red_flags
    assert session.triage != "emergency", (text, session.symptoms, session.conditions[:1])


def test_sweating_alone_fires_no_red_flag(alice, trained_champion):
    # "sweat" is now a synonym, so everyday sweating must not reach the chest-pain rules by itself.
    # (The triage may still be raised by the model: sweating alone ranks heart attack first.)
    session = symptom_check_start(user=alice, text="sweaty after running")
    assert session.symptoms == ["sweating"]
    assert session.red_flags == []
