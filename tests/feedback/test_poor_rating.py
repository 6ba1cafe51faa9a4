"""A poor rating asks "Would you like a clinician to look at this?" instead of flagging the check
silently; chosen ratings and answers show as chosen after a reload."""

import re

import pytest
from django.urls import reverse

from diagnosis.services import symptom_check_start
from feedback.models import ClinicianReview, ItemRating
from feedback.services import POOR_ITEM_RATING, item_rating_submit

pytestmark = pytest.mark.django_db

ASK = "Would you like a clinician to look at this?"


@pytest.fixture
def cold_check(alice, trained_champion):
    session = symptom_check_start(user=alice, chips=["runny nose", "sneezing", "sore throat"])
    session.status = "complete"
    session.next_question = ""
    session.save()
    assert not session.red_flags and not session.low_confidence
    return session


def _rate(client, session, rating: int, item_key: str = "paracetamol"):
    return client.post(
        reverse("feedback:rate_item", args=[session.pk]),
        {
            "disease": session.conditions[0]["slug"],
            "item_type": "medicine",
            "item_key": item_key,
            "rating": rating,
        },
    )


def _ask_forms(html: str) -> list[str]:
    """The forms inside the "ask a clinician" box under a poorly rated item."""
    return re.findall(r'<div class="ask-clinician no-print">.*?</div>', html, re.S)


@pytest.mark.parametrize("rating", range(1, POOR_ITEM_RATING + 1))
def test_a_poor_rating_flags_nothing_and_the_page_asks_instead(alice_client, cold_check, rating):
    response = _rate(alice_client, cold_check, rating)
    slug = cold_check.conditions[0]["slug"]
    assert response.status_code == 302
    assert (
        response.headers["Location"] == f"{cold_check.get_absolute_url()}#rating-{slug}-medicine-paracetamol"
    )
    assert not ClinicianReview.objects.filter(session=cold_check).exists()
    html = alice_client.get(cold_check.get_absolute_url()).content.decode()
    [ask] = _ask_forms(html)
    assert ASK in ask
    assert f'action="{reverse("feedback:check_feedback", args=[cold_check.pk])}"' in ask
    assert '<input type="hidden" name="wants_clinician_review" value="on">' in ask


def test_saying_yes_sends_the_check_to_the_queue_with_both_reasons(alice_client, cold_check):
    _rate(alice_client, cold_check, 1)
    response = alice_client.post(
        reverse("feedback:check_feedback", args=[cold_check.pk]), {"wants_clinician_review": "on"}
    )
    assert response.headers["Location"] == f"{cold_check.get_absolute_url()}#clinician-review"
    review = ClinicianReview.objects.get(session=cold_check)
    assert review.reasons == ["poor_rating", "patient_request"]
    html = alice_client.get(cold_check.get_absolute_url()).content.decode()
    assert ASK not in html
    assert "You asked a clinician to look at this check." in html
    assert "waiting for a clinician" in html


def test_a_fair_rating_does_not_ask(alice_client, cold_check):
    _rate(alice_client, cold_check, POOR_ITEM_RATING + 1)
    html = alice_client.get(cold_check.get_absolute_url()).content.decode()
    assert not _ask_forms(html) and ASK not in html
    assert not ClinicianReview.objects.filter(session=cold_check).exists()


def test_the_service_never_flags_on_a_rating_alone(alice, cold_check):
    item_rating_submit(
        user=alice,
        session=cold_check,
        disease_slug=cold_check.conditions[0]["slug"],
        item_type="medicine",
        item_key="paracetamol",
        rating=1,
    )
    assert ItemRating.objects.get().rating == 1
    assert not ClinicianReview.objects.exists()


def test_automatic_flags_for_red_flags_are_kept(alice, trained_champion):
    session = symptom_check_start(user=alice, text="chest pain and sweating")
    assert ClinicianReview.objects.get(session=session).reasons == ["red_flag"]


def test_the_chosen_rating_is_pressed_after_a_reload(alice_client, cold_check):
    _rate(alice_client, cold_check, 4)
    html = alice_client.get(cold_check.get_absolute_url()).content.decode()
    slug = cold_check.conditions[0]["slug"]
    form = re.search(rf'<form [^>]*id="rating-{slug}-medicine-paracetamol".*?</form>', html, re.S).group(0)
    pressed = re.findall(r'value="(\d)"[^>]*aria-pressed="true"', form)
    assert pressed == ["4"]
    assert form.count('aria-pressed="false"') == 4
    assert "Your rating: 4 out of 5" in form
    # Other items of the same check are not shown as rated.
    others = re.findall(r'<form [^>]*class="rating no-print".*?</form>', html, re.S)
    assert len(others) > 1
    assert sum('aria-pressed="true"' in f for f in others) == 1


def test_the_rated_items_are_read_in_one_query(alice_client, cold_check):
    _rate(alice_client, cold_check, 4)
    _rate(alice_client, cold_check, 2, item_key=_second_medicine(cold_check))
    html_queries = _count_queries(alice_client, cold_check)
    assert sum('"feedback_itemrating"' in q for q in html_queries) == 1


def test_check_feedback_answers_are_pressed_after_a_reload(alice_client, cold_check):
    url = reverse("feedback:check_feedback", args=[cold_check.pk])
    before = alice_client.get(cold_check.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' not in before
    alice_client.post(url, {"top_correct": "unsure"})
    alice_client.post(url, {"helpful": "yes"})
    html = alice_client.get(cold_check.get_absolute_url()).content.decode()
    assert re.search(r'name="top_correct" value="unsure"[^>]*aria-pressed="true"', html)
    assert re.search(r'name="top_correct" value="yes"[^>]*aria-pressed="false"', html)
    assert re.search(r'name="helpful" value="yes"[^>]*aria-pressed="true"', html)
    assert re.search(r'name="helpful" value="no"[^>]*aria-pressed="false"', html)


def test_strangers_cannot_ask_for_someone_elses_check(client, charlie, cold_check):
    client.force_login(charlie)
    response = client.post(
        reverse("feedback:check_feedback", args=[cold_check.pk]), {"wants_clinician_review": "on"}
    )
    assert response.status_code == 404
    assert not ClinicianReview.objects.exists()


def _second_medicine(session) -> str:
    from recommendations.models import ConditionMedicine

    return (
        ConditionMedicine.objects.filter(disease__slug=session.conditions[0]["slug"])
        .exclude(medicine__slug="paracetamol")
        .values_list("medicine__slug", flat=True)
        .first()
    )


def _count_queries(client, session) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(session.get_absolute_url()).status_code == 200
    return [q["sql"] for q in queries.captured_queries]
