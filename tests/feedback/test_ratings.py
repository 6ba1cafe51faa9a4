import pytest
from django.urls import reverse

from diagnosis.services import symptom_check_start
from feedback.models import CheckFeedback, ItemRating

pytestmark = pytest.mark.django_db


@pytest.fixture
def cold_check(alice, trained_champion):
    session = symptom_check_start(user=alice, chips=["runny nose", "sneezing", "sore throat"])
    session.status = "complete"
    session.next_question = ""
    session.save()
    return session


def test_result_page_shows_advice_with_rating_controls(alice_client, cold_check):
    html = alice_client.get(cold_check.get_absolute_url()).content.decode()
    assert "Medicine options" in html
    assert "Rate 5 out of 5" in html
    assert "Withheld for your safety" not in html or "withheld because" in html


def test_rating_an_item_is_stored_once_and_can_be_changed(alice_client, alice, cold_check):
    url = reverse("feedback:rate_item", args=[cold_check.pk])
    data = {"disease": cold_check.conditions[0]["slug"], "item_type": "medicine", "item_key": "paracetamol"}
    assert alice_client.post(url, {**data, "rating": 4}).status_code == 302
    alice_client.post(url, {**data, "rating": 2})
    rating = ItemRating.objects.get()
    assert rating.rating == 2 and rating.user == alice


@pytest.mark.parametrize(
    "bad", [{"rating": 9}, {"rating": "x"}, {"item_type": "spaceship"}, {"disease": "migraine"}]
)
def test_bad_ratings_get_a_message_and_store_nothing(alice_client, cold_check, bad):
    url = reverse("feedback:rate_item", args=[cold_check.pk])
    data = {
        "disease": cold_check.conditions[0]["slug"],
        "item_type": "medicine",
        "item_key": "paracetamol",
        "rating": 3,
        **bad,
    }
    response = alice_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert not ItemRating.objects.exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_strangers_cannot_rate_someone_elses_check(client, charlie, cold_check):
    client.force_login(charlie)
    url = reverse("feedback:rate_item", args=[cold_check.pk])
    response = client.post(
        url, {"disease": "common_cold", "item_type": "medicine", "item_key": "x", "rating": 5}
    )
    assert response.status_code == 404
    assert (
        client.post(reverse("feedback:check_feedback", args=[cold_check.pk]), {"helpful": "yes"}).status_code
        == 404
    )


def test_check_feedback_and_review_request_are_saved(alice_client, cold_check):
    alice_client.post(
        reverse("feedback:check_feedback", args=[cold_check.pk]),
        {"helpful": "no", "top_correct": "unsure", "wants_clinician_review": "on"},
    )
    fb = CheckFeedback.objects.get(session=cold_check)
    assert fb.helpful is False and fb.top_correct == "unsure" and fb.wants_clinician_review


def test_a_poor_rating_with_a_review_request_flags_the_check_once_with_both_reasons(cold_check):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from feedback.models import ClinicianReview
    from feedback.services import check_feedback_submit

    with CaptureQueriesContext(connection) as queries:
        check_feedback_submit(session=cold_check, helpful=False, wants_clinician_review=True)
    review = ClinicianReview.objects.get(session=cold_check)
    assert review.reasons == ["poor_rating", "patient_request"]
    writes = [
        q["sql"].split()[0] for q in queries.captured_queries if '"feedback_clinicianreview"' in q["sql"]
    ]
    assert writes.count("INSERT") == 1 and "UPDATE" not in writes, writes
