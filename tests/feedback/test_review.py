from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.services import consent_set, user_set_role
from diagnosis.models import SymptomSession
from diagnosis.services import symptom_check_finish, symptom_check_start
from feedback.models import ClinicianReview
from feedback.selectors import review_queue
from feedback.services import review_claim, review_close, review_flag
from medportal.exceptions import ApplicationError
from mlops.models import TrainingCase
from mlops.services import training_check_key
from tests.conftest import _with_mfa
from tests.factories import SymptomSessionFactory, UserFactory

pytestmark = pytest.mark.django_db

NOTE = "Your symptoms fit angina more than a heart attack; please see your GP today."


@pytest.fixture
def erin(db):
    """A second clinician."""
    return _with_mfa(user_set_role(user=UserFactory(email="erin@example.test"), role=Role.CLINICIAN))


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


@pytest.fixture
def red_flag_check(alice, trained_champion):
    return symptom_check_start(user=alice, text="chest pain and sweating")


@pytest.fixture
def cold_check(alice, trained_champion):
    return symptom_check_start(user=alice, chips=["runny nose", "sneezing", "sore throat"])


def _session(user, triage: str) -> SymptomSession:
    return SymptomSessionFactory(user=user, triage=triage)


def _close_data(**overrides):
    return {"condition": "gerd", "triage": "gp", "note": NOTE, **overrides}


# --- flagging -------------------------------------------------------------------------------


def test_red_flag_check_is_flagged_automatically(red_flag_check):
    review = ClinicianReview.objects.get(session=red_flag_check)
    assert review.reasons == ["red_flag"]
    assert review.urgency == 0
    assert review.status == "open"


def test_a_confident_check_without_red_flags_is_not_flagged(cold_check):
    assert not cold_check.low_confidence and not cold_check.red_flags
    assert not ClinicianReview.objects.filter(session=cold_check).exists()


def test_low_confidence_check_is_flagged_once_it_is_complete(alice, trained_champion):
    session = symptom_check_start(user=alice, text="tired")
    assert session.low_confidence and session.status == "asking"
    # Questions may still raise confidence: not in the queue yet.
    assert not ClinicianReview.objects.filter(session=session).exists()
    symptom_check_finish(session=session)
    review = ClinicianReview.objects.get(session=session)
    assert review.reasons == ["low_confidence"]
    assert review.urgency == 2


@pytest.mark.parametrize(
    "url_name, data",
    [
        ("feedback:check_feedback", {"helpful": "no"}),
        ("feedback:check_feedback", {"top_correct": "no"}),
    ],
)
def test_poor_rating_flags_the_check(alice_client, cold_check, url_name, data):
    # A poor rating of one advice item asks the patient first: tests/feedback/test_poor_rating.py.
    alice_client.post(reverse(url_name, args=[cold_check.pk]), data)
    review = ClinicianReview.objects.get(session=cold_check)
    assert review.reasons == ["poor_rating"]
    assert review.urgency == 3


@pytest.mark.parametrize(
    "url_name, data",
    [
        ("feedback:check_feedback", {"helpful": "yes", "top_correct": "unsure"}),
        ("feedback:rate_item", {"item_type": "medicine", "item_key": "paracetamol", "rating": 3}),
    ],
)
def test_fair_ratings_do_not_flag_the_check(alice_client, cold_check, url_name, data):
    if url_name == "feedback:rate_item":
        data = {**data, "disease": cold_check.conditions[0]["slug"]}
    alice_client.post(reverse(url_name, args=[cold_check.pk]), data)
    assert not ClinicianReview.objects.filter(session=cold_check).exists()


def test_asking_a_clinician_flags_the_check_and_the_patient_sees_it_is_waiting(alice_client, cold_check):
    alice_client.post(
        reverse("feedback:check_feedback", args=[cold_check.pk]), {"wants_clinician_review": "on"}
    )
    assert ClinicianReview.objects.get(session=cold_check).reasons == ["patient_request"]
    html = alice_client.get(cold_check.get_absolute_url()).content.decode()
    assert "waiting for a clinician" in html
    assert "A clinician reviewed this check" not in html


def test_flagging_is_idempotent_and_never_reopens_a_closed_review(red_flag_check, bob):
    review_flag(session=red_flag_check, reasons=["patient_request"])
    review_flag(session=red_flag_check, reasons=["patient_request"])
    review_flag(session=red_flag_check)
    review = ClinicianReview.objects.get(session=red_flag_check)
    assert review.reasons == ["red_flag", "patient_request"]
    review_close(review=review, clinician=bob, condition_slug="heart_attack", triage="emergency", note=NOTE)
    review_flag(session=red_flag_check, reasons=["poor_rating"])
    review.refresh_from_db()
    assert review.status == "closed"
    assert review.reasons == ["red_flag", "patient_request"]
    assert ClinicianReview.objects.count() == 1


# --- the queue and who may see it -----------------------------------------------------------------


def test_queue_is_ordered_by_urgency_then_oldest_first(alice, charlie, bob, bob_client):
    now = timezone.now()
    rows = [  # (triage, age in hours)
        ("self_care", 50),
        ("urgent", 1),
        ("emergency", 2),
        ("urgent", 30),
        ("gp", 5),
        ("emergency", 10),
    ]
    ids = {}
    for triage, hours in rows:
        review = review_flag(session=_session(alice, triage), reasons=["patient_request"])
        ClinicianReview.objects.filter(pk=review.pk).update(created_at=now - timedelta(hours=hours))
        ids[(triage, hours)] = review.pk
    closed = review_flag(session=_session(charlie, "emergency"), reasons=["patient_request"])
    review_close(review=closed, clinician=bob, condition_slug="common_cold", triage="gp", note=NOTE)

    expected = [
        ids[k]
        for k in [
            ("emergency", 10),
            ("emergency", 2),
            ("urgent", 30),
            ("urgent", 1),
            ("gp", 5),
            ("self_care", 50),
        ]
    ]
    assert [r.pk for r in review_queue(clinician=bob)] == expected
    response = bob_client.get(reverse("feedback:review_queue"))
    assert response.status_code == 200
    # The page groups them: alice is one row holding her six checks in the same order.
    (row,) = response.context["rows"]
    assert row.patient_id == alice.pk and row.checks == 6
    assert [r.pk for r in row.reviews] == expected
    assert row.urgency_level == "emergency"
    assert "Review queue" in response.content.decode()


@pytest.mark.parametrize("who", ["alice", "charlie", "dana"])
def test_patients_and_admins_cannot_open_the_queue_or_a_case(client, request, red_flag_check, who):
    client.force_login(request.getfixturevalue(who))
    review = red_flag_check.clinician_review
    assert client.get(reverse("feedback:review_queue")).status_code == 404
    assert client.get(reverse("feedback:review_detail", args=[review.pk])).status_code == 404
    assert client.post(reverse("feedback:review_claim", args=[review.pk])).status_code == 404
    assert client.post(reverse("feedback:review_close", args=[review.pk]), _close_data()).status_code == 404
    review.refresh_from_db()
    assert review.status == "open" and review.claimed_by is None


def test_anonymous_visitors_are_sent_to_log_in(client, red_flag_check):
    review = red_flag_check.clinician_review
    for url in (reverse("feedback:review_queue"), reverse("feedback:review_detail", args=[review.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith(reverse("account_login"))


def test_a_clinician_cannot_open_an_unflagged_check(bob_client, cold_check, red_flag_check):
    # An unflagged check has no case page, and the check page itself belongs to its owner.
    assert not ClinicianReview.objects.filter(session=cold_check).exists()
    assert bob_client.get(cold_check.get_absolute_url()).status_code == 404
    assert bob_client.get(red_flag_check.get_absolute_url()).status_code == 404
    missing = red_flag_check.clinician_review.pk + 1000
    assert bob_client.get(reverse("feedback:review_detail", args=[missing])).status_code == 404


def test_case_page_shows_the_check_but_not_the_patients_identity(alice, bob_client, red_flag_check, snapshot):
    other = symptom_check_start(user=alice, chips=["runny nose", "sneezing"])
    review = red_flag_check.clinician_review
    response = bob_client.get(review.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert snapshot.symptom_names["chest_pain"] in html
    top = red_flag_check.conditions[0]
    assert top["name"] in html and f"{round(top['probability'] * 100, 1)}%" in html
    assert red_flag_check.red_flags[0]["name"] in html
    assert red_flag_check.get_triage_display() in html
    assert "Claim this case" in html
    assert alice.email not in html
    assert other.get_absolute_url() not in html and snapshot.symptom_names["continuous_sneezing"] not in html


def test_case_page_shows_denied_symptoms_answers_and_profile_facts(
    alice, bob_client, trained_champion, snapshot
):
    from datetime import date

    from accounts.services import health_profile_update
    from diagnosis.services import symptom_check_answer

    health_profile_update(user=alice, date_of_birth=date(1990, 5, 1), sex="f", pregnancy="yes")
    session = symptom_check_start(user=alice, text="headache but no fever")
    question = session.next_question
    session = symptom_check_answer(session=session, symptom=question, answer="no")
    session = symptom_check_finish(session=session)
    review = review_flag(session=session, reasons=["patient_request"])
    html = bob_client.get(review.get_absolute_url()).content.decode()
    assert snapshot.symptom_names["high_fever"] in html
    assert f"{snapshot.symptom_names[question]}: No" in html
    assert session.age_band and session.age_band in html
    assert "Female" in html and "Pregnant" in html


# --- claim and close ------------------------------------------------------------------------------


def test_bob_claims_and_closes_with_a_correction_and_alice_sees_the_reply(
    alice, alice_client, bob, red_flag_check, django_capture_on_commit_callbacks
):
    review = red_flag_check.clinician_review
    bob_http = Client()
    bob_http.force_login(bob)
    bob_http.post(reverse("feedback:review_claim", args=[review.pk]))
    review.refresh_from_db()
    assert review.status == "claimed" and review.claimed_by == bob and review.claimed_at

    with django_capture_on_commit_callbacks(execute=True):
        response = bob_http.post(
            reverse("feedback:review_close", args=[review.pk]),
            _close_data(condition="gerd", triage="gp"),
        )
    assert response.status_code == 302 and response.headers["Location"] == reverse("feedback:review_queue")
    review.refresh_from_db()
    assert review.status == "closed" and review.closed_at
    assert review.outcome == "corrected"
    assert review.confirmed_condition.slug == "gerd"
    assert review.corrected_triage == "gp"
    assert review.note_to_patient == NOTE
    assert review not in review_queue(clinician=bob)

    html = alice_client.get(red_flag_check.get_absolute_url()).content.decode()
    assert "A clinician reviewed this check" in html
    assert NOTE in html
    assert review.confirmed_condition.name in html
    assert "See a doctor: book an appointment" in html
    assert "waiting for a clinician" not in html

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [alice.email]
    assert "clinician" in message.subject.lower() and "replied" in message.body
    assert f"http://testserver{red_flag_check.get_absolute_url()}" in message.body
    text = message.subject + message.body
    health_words = [c["name"] for c in red_flag_check.conditions] + [
        c["icd10"] for c in red_flag_check.conditions
    ]
    health_words += [
        review.confirmed_condition.name,
        review.confirmed_condition.icd10,
        "GERD",
        NOTE,
        "angina",
    ]
    health_words += [
        "Chest pain",
        "sweating",
        red_flag_check.red_flags[0]["name"],
        "Emergency:",
        "See a doctor",
    ]
    for word in health_words:
        assert word.lower() not in text.lower(), word


def test_confirming_the_top_condition_is_recorded_as_confirmed(bob, red_flag_check):
    review = review_claim(review=red_flag_check.clinician_review, clinician=bob)
    review = review_close(
        review=review, clinician=bob, condition_slug="heart_attack", triage="emergency", note="Call 999."
    )
    assert review.outcome == "confirmed"


@pytest.mark.parametrize("consented", [True, False])
def test_confirmed_label_becomes_training_data_only_with_consent(alice, bob, red_flag_check, consented):
    if consented:
        consent_set(user=alice, granted=True)
    review_close(
        review=red_flag_check.clinician_review, clinician=bob, condition_slug="gerd", triage="gp", note=NOTE
    )
    cases = TrainingCase.objects.filter(check_key=training_check_key(red_flag_check.pk))
    if consented:
        case = cases.get()
        assert case.condition == "gerd" and case.source == "confirmed"
        assert "chest_pain" in case.symptoms
    else:
        assert not cases.exists()


def test_a_training_case_that_cannot_be_stored_rolls_the_review_close_back(
    alice, bob, red_flag_check, monkeypatch
):
    """The label reaches mlops as a signal (feedback.signals.label_confirmed) received inside the
    closing transaction: when storing the case fails, the review stays open, as when it was a call."""
    from mlops import receivers

    def fail(**kwargs):
        raise RuntimeError("training case store down")

    monkeypatch.setattr(receivers, "confirmed_case_record", fail)
    consent_set(user=alice, granted=True)
    review = red_flag_check.clinician_review
    with pytest.raises(RuntimeError):
        review_close(review=review, clinician=bob, condition_slug="gerd", triage="gp", note=NOTE)
    review.refresh_from_db()
    assert review.status != ClinicianReview.Status.CLOSED and review.closed_at is None


def test_a_second_clinician_cannot_claim_or_close_a_claimed_case(bob, erin, red_flag_check, client):
    review = review_claim(review=red_flag_check.clinician_review, clinician=bob)
    with pytest.raises(ApplicationError):
        review_claim(review=review, clinician=erin)
    with pytest.raises(ApplicationError):
        review_close(review=review, clinician=erin, condition_slug="gerd", triage="gp", note=NOTE)

    client.force_login(erin)
    response = client.post(reverse("feedback:review_claim", args=[review.pk]), follow=True)
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert "Claim this case" not in response.content.decode()
    response = client.post(reverse("feedback:review_close", args=[review.pk]), _close_data(), follow=True)
    # The refusal is a message on the case page (the close form is not shown to her).
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert errors and errors[0] in response.content.decode().replace("&#x27;", "'")
    review.refresh_from_db()
    assert review.claimed_by == bob and review.status == "claimed"
    # Claiming again by the same clinician is harmless.
    assert review_claim(review=review, clinician=bob).claimed_by == bob


def test_only_clinicians_can_claim(alice, dana, red_flag_check):
    for user in (alice, dana):
        with pytest.raises(ApplicationError):
            review_claim(review=red_flag_check.clinician_review, clinician=user)
    assert ClinicianReview.objects.get(session=red_flag_check).claimed_by is None


def test_a_closed_case_is_gone_for_other_clinicians_but_not_for_its_reviewer(
    bob, erin, red_flag_check, client
):
    review = review_close(
        review=red_flag_check.clinician_review, clinician=bob, condition_slug="gerd", triage="gp", note=NOTE
    )
    client.force_login(erin)
    assert client.get(review.get_absolute_url()).status_code == 404
    client.force_login(bob)
    response = client.get(review.get_absolute_url())
    assert response.status_code == 200 and "Your reply" in response.content.decode()
    with pytest.raises(ApplicationError):
        review_close(review=review, clinician=bob, condition_slug="heart_attack", triage="gp", note=NOTE)


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"condition": "not-a-disease"}, "condition"),
        ({"condition": ""}, "condition"),
        ({"triage": "whenever"}, "triage"),
        ({"note": "   "}, "note"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_invalid_close_form_shows_errors_and_changes_nothing(
    bob, bob_client, red_flag_check, django_capture_on_commit_callbacks, bad, field
):
    review = review_claim(review=red_flag_check.clinician_review, clinician=bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = bob_client.post(reverse("feedback:review_close", args=[review.pk]), _close_data(**bad))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="nhsuk-error-message"' in response.content.decode()
    review.refresh_from_db()
    assert review.status == "claimed" and review.outcome == ""
    assert mail.outbox == []


def test_admin_lists_reviews_read_only(dana, client, red_flag_check):
    client.force_login(dana)
    response = client.get(reverse("admin:feedback_clinicianreview_changelist"))
    assert response.status_code == 200
    assert "Red flag" in response.content.decode() or "red_flag" in response.content.decode()
    review = red_flag_check.clinician_review
    assert client.get(reverse("admin:feedback_clinicianreview_add")).status_code == 403
    response = client.post(
        reverse("admin:feedback_clinicianreview_change", args=[review.pk]), {"status": "closed"}
    )
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.status == "open"


def test_opening_claiming_and_closing_a_case_is_audited_without_health_data(bob, bob_client, red_flag_check):
    from audit.models import AuditEvent

    review = red_flag_check.clinician_review
    bob_client.get(review.get_absolute_url())
    bob_client.post(reverse("feedback:review_claim", args=[review.pk]))
    bob_client.post(reverse("feedback:review_close", args=[review.pk]), _close_data())
    events = AuditEvent.objects.filter(object_type="feedback.clinicianreview", object_id=str(review.pk))
    assert events.filter(action="staff_read", actor=bob).exists()
    assert sorted(events.filter(action="staff_change", actor=bob).values_list("detail", flat=True)) == [
        "claimed",
        "closed corrected",
    ]
    for event in events:
        assert "gerd" not in event.detail.lower() and NOTE not in event.detail


def test_a_clinician_can_give_a_claimed_case_back_to_the_queue(bob, erin, red_flag_check, client):
    review = review_claim(review=red_flag_check.clinician_review, clinician=bob)
    client.force_login(erin)
    client.post(reverse("feedback:review_release", args=[review.pk]))
    review.refresh_from_db()
    assert review.claimed_by == bob  # only the clinician reviewing it can give it back
    client.force_login(bob)
    page = client.get(reverse("feedback:review_detail", args=[review.pk])).content.decode()
    assert "Give back to the queue" in page
    response = client.post(reverse("feedback:review_release", args=[review.pk]))
    assert response.status_code == 302 and response.headers["Location"] == reverse("feedback:review_queue")
    review.refresh_from_db()
    assert review.status == "open" and review.claimed_by is None
    assert review_claim(review=review, clinician=erin).claimed_by == erin


def test_the_review_queue_listens_to_diagnosis_saves_and_shares_their_transaction(alice, monkeypatch):
    """diagnosis does not import feedback: its check_saved signal reaches feedback's receiver, in
    the transaction that stores the check (a failing receiver rolls the check back)."""
    from diagnosis.signals import check_saved
    from feedback import receivers

    assert check_saved.has_listeners(SymptomSession)

    def fail(**kwargs):
        raise RuntimeError("queue down")

    monkeypatch.setattr(receivers, "review_flag", fail)
    before = SymptomSession.objects.count()
    with pytest.raises(RuntimeError):
        symptom_check_start(user=alice, text="crushing chest pain")
    assert SymptomSession.objects.count() == before
