"""Active-learning order of the clinician queue: urgency first, then what a label would teach."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diagnosis.models import SymptomSession
from feedback.learning import (
    Kind,
    learning_value,
    normalised_entropy,
    reason_text,
    rules_level,
    set_uncertainty,
    triage_disagreement,
)
from feedback.models import ClinicianReview
from feedback.selectors import review_queue, review_queue_page
from feedback.services import review_flag
from tests.factories import UserFactory

# --- the pure score -------------------------------------------------------------------------------


def test_entropy_is_zero_for_a_certain_result_and_grows_with_doubt():
    assert normalised_entropy([1.0]) == 0.0
    assert normalised_entropy([0.5, 0.5]) == pytest.approx(0.3869, abs=1e-4)  # log 2 / log 6
    assert normalised_entropy([0.5, 0.3]) > normalised_entropy([0.5, 0.5])  # 0.2 left to "other"
    assert normalised_entropy([1 / 6] * 5) == pytest.approx(1.0)


def test_set_size_and_disagreement_in_numbers():
    assert set_uncertainty(None) is None
    assert [set_uncertainty(n) for n in (0, 1, 2, 3, 4, 7)] == pytest.approx([1, 0, 1 / 3, 2 / 3, 1, 1])
    assert triage_disagreement("gp", "gp") == 0.0
    assert triage_disagreement("gp", None) == 0.0
    assert triage_disagreement("self_care", "urgent") == 0.75
    assert triage_disagreement("self_care", "emergency") == 1.0


def test_a_confident_agreed_result_scores_zero_and_says_nothing():
    value = learning_value(
        conditions=[("Migraine", 1.0)], prediction_set=["Migraine"], model_level="gp", rules_level="gp"
    )
    assert value.score == 0.0 and value.kind == "" and value.as_reason() == {}


def test_two_way_doubt_names_the_two_conditions():
    value = learning_value(
        conditions=[("Migraine", 0.5), ("Tension headache", 0.5)],
        prediction_set=["Migraine", "Tension headache"],
        model_level="gp",
        rules_level=None,
    )
    # 0.4 * 1/3 + 0.3 * log2/log6
    assert value.score == pytest.approx(0.4 / 3 + 0.3 * 0.38685, abs=1e-3)
    assert value.kind == Kind.UNCERTAIN and value.detail == ["Migraine", "Tension headache"]
    assert reason_text(value.as_reason()) == "Uncertain between Migraine and Tension headache"


def test_model_and_rules_disagreeing_outranks_mild_doubt_and_says_so():
    calm = learning_value(
        conditions=[("Common cold", 0.9), ("Flu", 0.1)],
        prediction_set=["Common cold"],
        model_level="self_care",
        rules_level="self_care",
    )
    clash = learning_value(
        conditions=[("Common cold", 0.9), ("Flu", 0.1)],
        prediction_set=["Common cold"],
        model_level="self_care",
        rules_level="urgent",
    )
    assert clash.score == pytest.approx(calm.score + 0.3 * 0.75, abs=1e-4)
    assert clash.kind == Kind.DISAGREE and clash.detail == ["self_care", "urgent"]
    assert reason_text(clash.as_reason()).startswith("Model and rules disagree")


def test_no_calibration_uses_entropy_for_the_set_and_nothing_ranked_is_high_value():
    value = learning_value(
        conditions=[("A", 0.5), ("B", 0.5)], prediction_set=None, model_level="gp", rules_level=None
    )
    assert value.score == pytest.approx(0.7 * 0.38685, abs=1e-3)
    unranked = learning_value(conditions=[], prediction_set=[], model_level=None, rules_level="gp")
    assert unranked.score == 0.7 and unranked.kind == Kind.UNRANKED


def test_rules_level_is_the_most_urgent_rule_or_complaint():
    assert rules_level([], []) is None
    assert rules_level([{"level": "urgent"}], [{"level": "gp"}, {"level": "nonsense"}]) == "urgent"


# --- at flag time and in the queue ----------------------------------------------------------------


def _session(user, triage="gp", conditions=None, prediction_set=None, complaints=()) -> SymptomSession:
    return SymptomSession.objects.create(
        user=user,
        triage=triage,
        model_label="test",
        symptoms=["cough"],
        conditions=conditions
        or [{"slug": "common_cold", "name": "Common cold", "probability": 1.0, "default_triage": triage}],
        conformal={"prediction_set": prediction_set or ["Common cold"], "coverage": 0.9},
        complaints=list(complaints),
    )


def _unsure(user, triage="gp") -> SymptomSession:
    conditions = [
        {"slug": "migraine", "name": "Migraine", "probability": 0.45, "default_triage": "gp"},
        {"slug": "tension_headache", "name": "Tension headache", "probability": 0.4, "default_triage": "gp"},
    ]
    return _session(user, triage, conditions, ["Migraine", "Tension headache", "Sinusitis"])


def _age(review, hours: float) -> None:
    ClinicianReview.objects.filter(pk=review.pk).update(created_at=timezone.now() - timedelta(hours=hours))


@pytest.mark.django_db
def test_flagging_stores_the_score_in_clear_and_the_reason_encrypted(alice):
    review = review_flag(session=_unsure(alice), reasons=["patient_request"])
    review.refresh_from_db()
    assert review.learning_value > 0.3
    assert review.learning_text == "Uncertain between Migraine and Tension headache"
    with connection.cursor() as cursor:
        cursor.execute("SELECT learning_reason FROM feedback_clinicianreview WHERE id = %s", [review.pk])
        raw = cursor.fetchone()[0]
    assert "Migraine" not in raw


@pytest.mark.django_db
def test_a_later_answer_updates_the_score_of_an_open_review(alice):
    session = _unsure(alice)
    review = review_flag(session=session, reasons=["patient_request"])
    session.conditions = [
        {"slug": "migraine", "name": "Migraine", "probability": 1.0, "default_triage": "gp"}
    ]
    session.conformal = {"prediction_set": ["Migraine"], "coverage": 0.9}
    session.save()
    review_flag(session=session)
    review.refresh_from_db()
    assert review.learning_value == 0.0 and review.learning_text == ""


@pytest.mark.django_db
def test_within_an_urgency_the_most_teaching_check_comes_first_but_never_above_more_urgent(
    alice, charlie, bob
):
    third = UserFactory()
    plain_gp = review_flag(session=_session(alice, "gp"), reasons=["patient_request"])
    _age(plain_gp, 3)  # older, but the model was sure
    unsure_gp = review_flag(session=_unsure(charlie, "gp"), reasons=["patient_request"])
    sure_urgent = review_flag(session=_session(third, "urgent"), reasons=["patient_request"])
    assert [r.pk for r in review_queue(clinician=bob)] == [sure_urgent.pk, unsure_gp.pk, plain_gp.pk]
    rows = review_queue_page(clinician=bob).object_list
    assert [r.patient_id for r in rows] == [third.pk, charlie.pk, alice.pk]


@pytest.mark.django_db
def test_a_check_waiting_past_the_threshold_rises_above_learning_value(settings, alice, charlie, bob):
    settings.REVIEW_STARVATION_HOURS = 24
    plain = review_flag(session=_session(alice, "gp"), reasons=["patient_request"])
    unsure = review_flag(session=_unsure(charlie, "gp"), reasons=["patient_request"])
    _age(plain, 23)
    assert [r.patient_id for r in review_queue_page(clinician=bob).object_list] == [charlie.pk, alice.pk]
    _age(plain, 25)
    assert [r.patient_id for r in review_queue_page(clinician=bob).object_list] == [alice.pk, charlie.pk]
    assert [r.pk for r in review_queue(clinician=bob)] == [plain.pk, unsure.pk]
    settings.REVIEW_STARVATION_HOURS = 48
    assert [r.patient_id for r in review_queue_page(clinician=bob).object_list] == [charlie.pk, alice.pk]


@pytest.mark.django_db
def test_the_reason_is_shown_on_the_queue_and_the_case_page_without_reading_the_session(alice, client, bob):
    review = review_flag(
        session=_session(
            alice,
            "urgent",
            [
                {
                    "slug": "common_cold",
                    "name": "Common cold",
                    "probability": 0.95,
                    "default_triage": "self_care",
                }
            ],
            complaints=[{"slug": "x", "name": "x", "level": "urgent", "instruction": "", "safety_net": []}],
        ),
        reasons=["patient_request"],
    )
    client.force_login(bob)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("feedback:review_queue")).content.decode()
    assert "Model and rules disagree" in html
    assert not [q for q in queries.captured_queries if SymptomSession._meta.db_table in q["sql"]]
    assert "Model and rules disagree" in client.get(review.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_starving_never_lifts_a_check_above_a_more_urgent_one(settings, alice, charlie, bob):
    settings.REVIEW_STARVATION_HOURS = 24
    old_gp = review_flag(session=_unsure(alice, "gp"), reasons=["patient_request"])
    _age(old_gp, 72)
    fresh_urgent = review_flag(session=_session(charlie, "urgent"), reasons=["patient_request"])
    assert [r.pk for r in review_queue(clinician=bob)] == [fresh_urgent.pk, old_gp.pk]
    assert [r.patient_id for r in review_queue_page(clinician=bob).object_list] == [charlie.pk, alice.pk]
