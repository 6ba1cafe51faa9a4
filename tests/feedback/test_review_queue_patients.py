"""The clinician queue grouped per patient, the daily cap on automatic flags, and its pages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diagnosis.models import SymptomSession
from diagnosis.services import symptom_check_finish, symptom_check_start
from feedback.models import ClinicianReview
from feedback.selectors import review_queue, review_queue_page
from feedback.services import review_close, review_flag
from tests.factories import SymptomSessionFactory, UserFactory

pytestmark = pytest.mark.django_db

NOTE = "Please see your GP this week."


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


def _session(user, triage: str = "gp", *, low_confidence: bool = False) -> SymptomSession:
    return SymptomSessionFactory(user=user, triage=triage, low_confidence=low_confidence)


def _unclear(user) -> tuple[SymptomSession, ClinicianReview | None]:
    session = _session(user, "gp", low_confidence=True)
    return session, review_flag(session=session)


def _age(review: ClinicianReview, hours: float) -> None:
    ClinicianReview.objects.filter(pk=review.pk).update(created_at=timezone.now() - timedelta(hours=hours))


# --- grouping -------------------------------------------------------------------------------------


def test_a_review_records_its_patient(alice):
    review = review_flag(session=_session(alice), reasons=["patient_request"])
    assert review.patient_id == alice.pk


def test_one_row_per_patient_ordered_by_their_most_urgent_check_then_its_wait(alice, charlie, bob):
    third = UserFactory()
    # alice: an old GP check and a brand-new emergency; charlie: an emergency waiting an hour;
    # third: an urgent check waiting ten days.
    alice_gp = review_flag(session=_session(alice, "gp"), reasons=["patient_request"])
    _age(alice_gp, 72)
    alice_emergency = review_flag(session=_session(alice, "emergency"), reasons=["patient_request"])
    _age(alice_emergency, 0.02)
    charlie_emergency = review_flag(session=_session(charlie, "emergency"), reasons=["patient_request"])
    _age(charlie_emergency, 1)
    third_urgent = review_flag(session=_session(third, "urgent"), reasons=["patient_request"])
    _age(third_urgent, 240)

    rows = review_queue_page(clinician=bob).object_list
    # charlie's emergency has waited longer than alice's; alice's old GP check does not count.
    assert [row.patient_id for row in rows] == [charlie.pk, alice.pk, third.pk]
    assert [row.checks for row in rows] == [1, 2, 1]
    assert [r.pk for r in rows[1].reviews] == [alice_emergency.pk, alice_gp.pk]
    assert rows[1].urgency_level == "emergency" and rows[2].urgency_level == "urgent"


def test_closed_reviews_leave_the_row_and_the_row_follows_the_open_ones(alice, bob):
    emergency = review_flag(session=_session(alice, "emergency"), reasons=["patient_request"])
    gp = review_flag(session=_session(alice, "gp"), reasons=["patient_request"])
    review_close(review=emergency, clinician=bob, condition_slug="common_cold", triage="gp", note=NOTE)
    (row,) = review_queue_page(clinician=bob).object_list
    assert [r.pk for r in row.reviews] == [gp.pk]
    assert row.urgency_level == "gp"


def test_queue_page_links_each_check_and_shows_claims(alice, bob, bob_client):
    from feedback.services import review_claim

    first = review_flag(session=_session(alice, "urgent"), reasons=["patient_request"])
    second = review_flag(session=_session(alice, "gp"), reasons=["patient_request"])
    review_claim(review=second, clinician=bob)
    html = bob_client.get(reverse("feedback:review_queue")).content.decode()
    assert html.count('class="nhsuk-table__row queue-patient"') == 1
    assert f'href="{first.get_absolute_url()}"' in html and f'href="{second.get_absolute_url()}"' in html
    assert "2 checks" in html and "Claimed by you" in html
    assert alice.email not in html


def test_listing_the_queue_reads_no_check_data(alice, charlie, bob, bob_client):
    # No session field is read. The page does decrypt one field of the review rows it lists (the
    # active-learning reason, feedback/learning.py), for this page's patients only.
    review_flag(session=_session(alice, "emergency"), reasons=["patient_request"])
    review_flag(session=_session(charlie, "gp"), reasons=["patient_request"])
    with CaptureQueriesContext(connection) as queries:
        response = bob_client.get(reverse("feedback:review_queue"))
    assert response.status_code == 200 and len(response.context["rows"]) == 2
    table = SymptomSession._meta.db_table
    assert not [q["sql"] for q in queries.captured_queries if table in q["sql"]]


@pytest.mark.parametrize("who", ["alice", "dana"])
def test_the_grouped_queue_is_still_404_for_non_clinicians(client, request, alice, who):
    review_flag(session=_session(alice, "emergency"), reasons=["patient_request"])
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("feedback:review_queue")).status_code == 404
    assert client.get(reverse("feedback:review_queue") + "?page=2").status_code == 404


# --- pages ----------------------------------------------------------------------------------------


def test_queue_is_paginated_by_patient(settings, bob, bob_client):
    settings.REVIEW_QUEUE_PAGE_SIZE = 2
    patients = [UserFactory() for _ in range(3)]
    for hours, patient in zip([30, 20, 10], patients, strict=True):
        for _ in range(2):
            _age(review_flag(session=_session(patient, "urgent"), reasons=["patient_request"]), hours)
    first = bob_client.get(reverse("feedback:review_queue"))
    assert [r.patient_id for r in first.context["rows"]] == [patients[0].pk, patients[1].pk]
    assert 'href="?page=2"' in first.content.decode()
    second = bob_client.get(reverse("feedback:review_queue") + "?page=2")
    assert [r.patient_id for r in second.context["rows"]] == [patients[2].pk]
    assert 'href="?page=1"' in second.content.decode()


@pytest.mark.parametrize(
    "raw, status, number", [("abc", 200, 1), ("1.5", 200, 1), ("", 200, 1), ("9", 404, None)]
)
def test_bad_page_numbers_give_page_one_or_a_404_never_a_500(alice, bob_client, raw, status, number):
    review_flag(session=_session(alice, "gp"), reasons=["patient_request"])
    response = bob_client.get(reverse("feedback:review_queue"), {"page": raw})
    assert response.status_code == status
    if number:
        assert response.context["page"].number == number


@pytest.mark.parametrize("raw", ["0", "-1", "99999999999999999999999"])
def test_page_numbers_out_of_range_are_404(alice, bob_client, raw):
    review_flag(session=_session(alice, "gp"), reasons=["patient_request"])
    assert bob_client.get(reverse("feedback:review_queue"), {"page": raw}).status_code == 404


def test_an_empty_queue_has_a_first_page(bob_client):
    response = bob_client.get(reverse("feedback:review_queue"))
    assert response.status_code == 200 and "No checks are waiting for review." in response.content.decode()


# --- the daily cap on automatic flags ------------------------------------------------------------


def test_unclear_checks_beyond_the_cap_are_folded_into_the_open_review(settings, alice):
    settings.REVIEW_AUTO_FLAGS_PER_PATIENT_PER_DAY = 3
    queued = [_unclear(alice)[1] for _ in range(3)]
    assert all(queued) and ClinicianReview.objects.count() == 3
    session, review = _unclear(alice)
    assert review is None
    assert not ClinicianReview.objects.filter(session=session).exists()
    latest = ClinicianReview.objects.get(pk=queued[-1].pk)
    assert latest.suppressed_checks == [session.pk]
    # Every later change of the check calls review_flag again: still recorded once.
    review_flag(session=session)
    latest.refresh_from_db()
    assert latest.suppressed_checks == [session.pk]


def test_red_flags_emergencies_and_patient_requests_are_never_capped(settings, alice):
    settings.REVIEW_AUTO_FLAGS_PER_PATIENT_PER_DAY = 1
    _unclear(alice)
    emergency = _session(alice, "emergency", low_confidence=True)
    assert review_flag(session=emergency) is not None
    red = _session(alice, "urgent")
    red.red_flags = [{"slug": "x", "name": "X", "level": "urgent", "instruction": "Get help today."}]
    red.save()
    assert review_flag(session=red).reasons == ["red_flag"]
    folded, review = _unclear(alice)
    assert review is None
    assert any(folded.pk in r.suppressed_checks for r in ClinicianReview.objects.all())
    # The patient asks about the folded check: that is not automatic, it is queued.
    asked = review_flag(session=folded, reasons=["patient_request"])
    assert asked is not None and asked.session_id == folded.pk
    assert asked.reasons == ["low_confidence", "patient_request"]
    # ...and it is no longer counted as "not queued" on the review that carried it.
    assert not any(folded.pk in r.suppressed_checks for r in ClinicianReview.objects.all())


def test_only_automatic_reasons_count_towards_the_cap(settings, alice):
    settings.REVIEW_AUTO_FLAGS_PER_PATIENT_PER_DAY = 2
    for _ in range(3):  # asked for by the patient: never counted
        review_flag(session=_session(alice, "gp"), reasons=["patient_request"])
    assert _unclear(alice)[1] is not None
    assert _unclear(alice)[1] is not None
    assert _unclear(alice)[1] is None  # the third automatic flag today is folded


def test_the_cap_reads_at_most_cap_rows(settings, alice):
    """A patient with many reviews today: the count is a LIMITed query, not a scan decoded in Python."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.REVIEW_AUTO_FLAGS_PER_PATIENT_PER_DAY = 2
    for _ in range(4):
        _unclear(alice)
    with CaptureQueriesContext(connection) as queries:
        assert _unclear(alice)[1] is None
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 2" in counts[0].upper()


def test_the_cap_counts_one_patient_and_one_day(settings, alice, charlie):
    settings.REVIEW_AUTO_FLAGS_PER_PATIENT_PER_DAY = 1
    yesterday = _unclear(alice)[1]
    _age(yesterday, 30)
    assert _unclear(alice)[1] is not None  # yesterday's flag does not count today
    assert _unclear(charlie)[1] is not None  # nor does alice's count for charlie
    assert _unclear(alice)[1] is None


def test_with_no_open_review_to_carry_it_an_unclear_check_is_queued(settings, alice, bob):
    settings.REVIEW_AUTO_FLAGS_PER_PATIENT_PER_DAY = 1
    first = _unclear(alice)[1]
    review_close(review=first, clinician=bob, condition_slug="common_cold", triage="gp", note=NOTE)
    session, review = _unclear(alice)
    assert review is not None and review.session_id == session.pk


def test_cap_zero_turns_it_off(settings, alice):
    settings.REVIEW_AUTO_FLAGS_PER_PATIENT_PER_DAY = 0
    assert all(_unclear(alice)[1] for _ in range(4))
    assert ClinicianReview.objects.count() == 4


def test_folded_checks_are_shown_on_the_queue_and_the_case_page(settings, alice, bob_client):
    settings.REVIEW_AUTO_FLAGS_PER_PATIENT_PER_DAY = 1
    carrier = _unclear(alice)[1]
    _unclear(alice)
    _unclear(alice)
    html = bob_client.get(reverse("feedback:review_queue")).content.decode()
    assert "+2 unclear checks not queued (daily cap)" in html
    case = bob_client.get(carrier.get_absolute_url()).content.decode()
    assert 'id="suppressed-checks"' in case and "2 more unclear checks" in case


def test_the_default_cap_is_read_from_settings():
    from django.conf import settings

    assert settings.REVIEW_AUTO_FLAGS_PER_PATIENT_PER_DAY == 5


# --- flood ----------------------------------------------------------------------------------------


def test_one_patient_flooding_the_queue_takes_one_row_and_buries_nobody(
    alice, charlie, bob, bob_client, trained_champion
):
    """30 chest-pain emergencies and 30 unclear checks from alice, then one real emergency each
    from two other patients: theirs are on the first page and alice is one row."""
    third = UserFactory()
    for _ in range(30):
        session = symptom_check_start(user=alice, text="crushing chest pain and sweating")
        assert session.is_emergency
    for _ in range(30):
        session = symptom_check_start(user=alice, text="tired")
        symptom_check_finish(session=session)
    others = [
        symptom_check_start(user=patient, text="crushing chest pain and sweating")
        for patient in (charlie, third)
    ]
    other_reviews = [ClinicianReview.objects.get(session=s).pk for s in others]

    # Without grouping, a per-check list of 25 would hold only alice's emergencies.
    assert not set(other_reviews) & {r.pk for r in review_queue(clinician=bob)[:25]}

    response = bob_client.get(reverse("feedback:review_queue"))
    rows = response.context["rows"]
    assert [row.patient_id for row in rows] == [alice.pk, charlie.pk, third.pk]
    first_page = {r.pk for row in rows for r in row.reviews}
    assert set(other_reviews) <= first_page
    flood = rows[0]
    assert flood.checks == 30  # every emergency is queued, never capped
    assert flood.suppressed == 30  # the unclear ones were folded in and counted, not lost
    assert all(r.urgency == 0 for r in flood.reviews)
    html = response.content.decode()
    assert html.count('class="nhsuk-table__row queue-patient"') == 3
