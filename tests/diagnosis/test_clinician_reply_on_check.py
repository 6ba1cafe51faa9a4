"""The clinician's urgency and reply at the top of the patient's check page, and in My checks."""

import html as html_lib

import pytest
from django.urls import reverse

from diagnosis.services import symptom_check_start
from feedback.services import review_close, review_flag

pytestmark = pytest.mark.django_db

NOTE = "This is probably a cold, but book a GP appointment if it lasts over three weeks."


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html_lib.unescape(response.content.decode())


@pytest.fixture
def cold_check(alice, trained_champion):
    return symptom_check_start(user=alice, chips=["runny nose", "sneezing", "sore throat"])


def test_a_closed_review_is_shown_above_the_result(alice_client, bob, cold_check):
    review = review_flag(session=cold_check, reasons=["patient_request"])
    review_close(review=review, clinician=bob, condition_slug="common_cold", triage="gp", note=NOTE)
    page = _page(alice_client, cold_check.get_absolute_url())
    summary = page.index('id="clinician-summary"')
    assert summary < page.index('id="what-to-do"') < page.index('id="clinician-review"')
    panel = page[summary : page.index("</section>", summary)]
    assert "A clinician reviewed this check" in panel
    assert "See a doctor: book an appointment" in panel and NOTE in panel
    assert page.count(NOTE) == 1  # the lower section points up instead of repeating it


def test_an_emergency_check_keeps_the_action_first(alice, alice_client, bob, trained_champion):
    session = symptom_check_start(user=alice, text="crushing chest pain and sweating")
    review_close(
        review=session.clinician_review,
        clinician=bob,
        condition_slug="heart_attack",
        triage="emergency",
        note=NOTE,
    )
    page = _page(alice_client, session.get_absolute_url())
    assert page.index('id="emergency-heading"') < page.index('id="clinician-summary"')
    assert NOTE in page


def test_an_open_review_shows_no_reply_panel(alice_client, cold_check):
    review_flag(session=cold_check, reasons=["patient_request"])
    page = _page(alice_client, cold_check.get_absolute_url())
    assert 'id="clinician-summary"' not in page and "waiting for a clinician" in page


def test_my_checks_labels_the_clinicians_urgency(alice, alice_client, bob, cold_check):
    unreviewed = symptom_check_start(user=alice, chips=["runny nose", "sneezing"])
    waiting = symptom_check_start(user=alice, chips=["sore throat"])
    review_flag(session=waiting, reasons=["patient_request"])
    review = review_flag(session=cold_check, reasons=["patient_request"])
    review_close(review=review, clinician=bob, condition_slug="common_cold", triage="urgent", note=NOTE)
    response = alice_client.get(reverse("diagnosis:history"))
    rows = {row["session"].pk: row for row in response.context["rows"]}
    assert rows[cold_check.pk]["review"].pk == review.pk
    assert rows[unreviewed.pk]["review"] is None and rows[waiting.pk]["review"] is None
    page = html_lib.unescape(response.content.decode())
    assert page.count('class="clinician-urgency"') == 1
    assert 'Clinician: <span class="nhsuk-tag nhsuk-tag--orange">Urgent: get medical help today' in page
    assert NOTE not in page  # the list shows the urgency only; the reply is on the check page
