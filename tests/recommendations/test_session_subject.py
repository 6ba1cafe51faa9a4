"""Advice for a check about someone else uses what the check says about them, not the account
holder's profile. The session is a stand-in object: `SymptomSession.subject` may not exist yet."""

from datetime import date
from types import SimpleNamespace

import pytest

from accounts.services import health_profile_update
from diagnosis.models import Disease
from recommendations.services import profile_for_session, recommendations_for_session

pytestmark = pytest.mark.django_db

NOTE = "check with a pharmacist before giving any medicine"


def check(slug="migraine", *, emergency=False, **attrs):
    conditions = [{"slug": slug, "name": Disease.objects.get(slug=slug).name, "probability": 0.9}]
    return SimpleNamespace(conditions=conditions, is_emergency=emergency, **attrs)


def names(advice):
    return [m.slug for m in advice.medicines]


def withheld(advice):
    return {w["name"].lower(): w["reason"] for w in advice.withheld}


@pytest.fixture
def alice_asthmatic_and_pregnant(alice):
    health_profile_update(
        user=alice,
        date_of_birth=date(1990, 5, 1),
        sex="f",
        pregnancy="yes",
        allergies=["penicillin"],
        conditions=["asthma"],
        medications=["warfarin", "peanut oil"],
    )
    return alice


def test_a_check_about_a_child_does_not_apply_the_parents_profile(alice_asthmatic_and_pregnant):
    (a,) = recommendations_for_session(
        session=check(
            subject={"for": "child", "age_months": 30, "sex": "m", "pregnant": "", "breastfeeding": ""}
        ),
        user=alice_asthmatic_and_pregnant,
    )
    assert "ibuprofen" in names(a)  # not the parent's asthma, pregnancy or warfarin
    assert "aspirin" not in names(a) and "under 16" in withheld(a)["aspirin"]  # the child's age: 2
    assert not any("allergic" in r or "pregnan" in r for r in withheld(a).values())
    assert a.unrecognised_profile_words == {}  # the parent's "peanut oil" is not this child's
    assert any("child" in n and NOTE in n for n in a.notes)


def test_a_check_about_another_adult_uses_their_pregnancy_and_breastfeeding(alice):
    subject = {"for": "other", "age_months": 30 * 12, "sex": "f", "pregnant": "unsure", "breastfeeding": ""}
    (a,) = recommendations_for_session(session=check(subject=subject), user=alice)
    assert "pregnancy" in withheld(a)["ibuprofen"]
    assert any("person" in n and NOTE in n for n in a.notes)
    subject = {**subject, "pregnant": "no", "breastfeeding": "yes"}
    (cold,) = recommendations_for_session(session=check("common_cold", subject=subject), user=alice)
    assert "breastfeeding" in withheld(cold)["pseudoephedrine"]
    assert "ibuprofen" in names(cold)


def test_another_adult_of_unknown_age_gets_the_age_limits_as_notes(alice):
    (a,) = recommendations_for_session(session=check(subject={"for": "other"}), user=alice)
    aspirin = next(m for m in a.medicines if m.slug == "aspirin")
    assert "Not for people under 16." in aspirin.notes


def test_a_check_about_me_applies_my_profile(alice_asthmatic_and_pregnant):
    subject = {"for": "me", "age_months": None, "sex": "", "pregnant": "", "breastfeeding": ""}
    (a,) = recommendations_for_session(session=check(subject=subject), user=alice_asthmatic_and_pregnant)
    assert "ibuprofen" not in names(a)
    assert a.unrecognised_profile_words == {"medications": ["peanut oil"]}
    assert a.notes == []


@pytest.mark.parametrize("attrs", [{}, {"subject": None}, {"subject": {}}, {"subject": "junk"}])
def test_a_session_without_a_subject_means_the_account_holder(attrs, alice_asthmatic_and_pregnant):
    (a,) = recommendations_for_session(session=check(**attrs), user=alice_asthmatic_and_pregnant)
    assert "ibuprofen" not in names(a) and "pregnancy" in withheld(a)["ibuprofen"]
    assert a.notes == []


def test_what_the_check_says_about_me_overrides_my_profile(alice_asthmatic_and_pregnant):
    subject = {"for": "me", "age_months": 12 * 12, "sex": "f", "pregnant": "no", "breastfeeding": "yes"}
    profile, notes = profile_for_session(session=check(subject=subject), user=alice_asthmatic_and_pregnant)
    assert (profile.age, profile.pregnant, profile.breastfeeding) == (12, False, True)
    assert profile.conditions == ["asthma"] and notes == []


def test_a_babys_age_in_months_is_rounded_down_to_whole_years(alice):
    for months, years in ((0, 0), (11.9, 0), (23, 1), (24, 2), (-3, None), ("x", None), (float("nan"), None)):
        profile, _ = profile_for_session(
            session=check(subject={"for": "child", "age_months": months}), user=alice
        )
        assert profile.age == years, months


def test_emergency_advice_carries_no_medicine_note(alice):
    (a,) = recommendations_for_session(
        session=check(emergency=True, subject={"for": "child", "age_months": 6}), user=alice
    )
    assert a.emergency and a.medicines == [] and a.notes == []


def test_the_api_shape_includes_the_notes():
    from recommendations.serializers import AdviceOutputSerializer

    assert "notes" in AdviceOutputSerializer().fields
