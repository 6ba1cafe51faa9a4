"""The clinician's case page: the patient's words, who the check is for, findings with their
assertion, the poorly rated item, and the "Other / not listed" condition."""

import html as html_lib

import pytest
from django.urls import reverse

from accounts.services import consent_set
from diagnosis.services import symptom_check_start
from feedback.models import ClinicianReview
from feedback.services import (
    OTHER_CONDITION,
    check_feedback_submit,
    item_rating_submit,
    review_close,
    review_flag,
)
from mlops.models import TrainingCase
from mlops.services import training_check_key

pytestmark = pytest.mark.django_db

NOTE = "This sounds like a condition our list does not cover; please see your GP this week."


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


def _page(client, review) -> str:
    response = client.get(review.get_absolute_url())
    assert response.status_code == 200
    return html_lib.unescape(response.content.decode())


def test_case_page_shows_the_patients_words_subject_and_findings(alice, bob_client, trained_champion):
    text = "chest pain but no shortness of breath"
    session = symptom_check_start(
        user=alice,
        text=text,
        subject={"for": "other", "age_years": 70, "sex": "f", "pregnant": "no", "breastfeeding": "no"},
    )
    review = review_flag(session=session, reasons=["patient_request"])
    page = _page(bob_client, review)
    assert text in page
    assert "Someone else" in page and "70 years" in page and "Female" in page
    assert session.findings, "the triage layer should have read findings in these words"
    assert {f["assertion"] for f in session.findings} >= {"present", "negated"}
    labels = {"present": "Present", "negated": "Absent", "possible": "Unsure (possible)"}
    for finding in session.findings:
        a = finding["assertion"]
        assert f'“{finding["text"]}”: <strong class="assertion assertion-{a}">{labels.get(a, a)}' in page


def test_case_page_shows_a_babys_age_in_months_and_pregnancy_as_recorded(alice, bob_client, trained_champion):
    baby = symptom_check_start(user=alice, text="high temperature", subject={"for": "child", "age_months": 8})
    page = _page(bob_client, review_flag(session=baby, reasons=["patient_request"]))
    assert "Their child" in page and "8 months" in page
    pregnant = symptom_check_start(
        user=alice,
        text="headache",
        subject={"for": "other", "age_years": 30, "sex": "f", "pregnant": "unsure", "breastfeeding": "yes"},
    )
    page = _page(bob_client, review_flag(session=pregnant, reasons=["patient_request"]))
    assert "Pregnant (Not sure)" in page
    assert (
        '<dt class="nhsuk-summary-list__key">Breastfeeding</dt><dd class="nhsuk-summary-list__value">Yes</dd>'
        in page
    )


def test_case_page_names_the_item_the_patient_rated_poorly(alice, bob_client, trained_champion):
    session = symptom_check_start(user=alice, chips=["runny nose", "sneezing", "sore throat"])
    disease = session.conditions[0]["slug"]
    item_rating_submit(
        user=alice,
        session=session,
        disease_slug=disease,
        item_type="medicine",
        item_key="paracetamol",
        rating=1,
    )
    check_feedback_submit(session=session, wants_clinician_review=True)
    review = ClinicianReview.objects.get(session=session)
    assert "poor_rating" in review.reasons
    page = _page(bob_client, review)
    assert 'id="poor-ratings"' in page
    assert "Paracetamol" in page and "1 star of 5" in page
    assert session.conditions[0]["name"] in page


def test_case_page_without_poor_ratings_has_no_ratings_section(alice, bob_client, trained_champion):
    session = symptom_check_start(user=alice, chips=["runny nose", "sneezing", "sore throat"])
    item_rating_submit(
        user=alice,
        session=session,
        disease_slug=session.conditions[0]["slug"],
        item_type="medicine",
        item_key="paracetamol",
        rating=4,
    )
    page = _page(bob_client, review_flag(session=session, reasons=["patient_request"]))
    assert 'id="poor-ratings"' not in page


# --- Other / not listed ---------------------------------------------------------------------------


def test_the_condition_field_offers_other_not_listed(alice, bob_client, trained_champion):
    session = symptom_check_start(user=alice, text="crushing chest pain and sweating")
    page = _page(bob_client, session.clinician_review)
    assert f'<option value="{OTHER_CONDITION}">Other / not listed</option>' in page


@pytest.mark.parametrize("consented", [True, False])
def test_closing_as_other_stores_no_condition_and_no_training_case(
    alice, bob, bob_client, trained_champion, consented
):
    from django.test import Client

    if consented:
        consent_set(user=alice, granted=True)
    session = symptom_check_start(user=alice, text="crushing chest pain and sweating")
    review = session.clinician_review
    response = bob_client.post(
        reverse("feedback:review_close", args=[review.pk]),
        {"condition": OTHER_CONDITION, "triage": "urgent", "note": NOTE},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "closed" and review.outcome == "other"
    assert review.confirmed_condition is None and review.corrected_triage == "urgent"
    assert not TrainingCase.objects.filter(check_key=training_check_key(session.pk)).exists()
    alice_http = Client()  # bob_client is the shared test client
    alice_http.force_login(alice)
    page = html_lib.unescape(alice_http.get(session.get_absolute_url()).content.decode())
    assert "does not list" in page and NOTE in page
    assert "Other / not listed" in _page(bob_client, review)


def test_other_removes_a_training_case_stored_earlier_for_the_check(alice, bob, trained_champion):
    from diagnosis.models import Disease
    from mlops.services import confirmed_case_record

    consent_set(user=alice, granted=True)
    session = symptom_check_start(user=alice, text="crushing chest pain and sweating")
    assert confirmed_case_record(session=session, disease=Disease.objects.get(slug="gerd")) is not None
    review_close(
        review=session.clinician_review, clinician=bob, condition_slug=OTHER_CONDITION, triage="gp", note=NOTE
    )
    assert not TrainingCase.objects.filter(check_key=training_check_key(session.pk)).exists()


def test_a_condition_slug_called_other_is_not_the_other_choice(alice, bob, trained_champion):
    from django.core.exceptions import ValidationError

    session = symptom_check_start(user=alice, text="crushing chest pain and sweating")
    with pytest.raises(ValidationError):
        review_close(
            review=session.clinician_review, clinician=bob, condition_slug="other", triage="gp", note=NOTE
        )
