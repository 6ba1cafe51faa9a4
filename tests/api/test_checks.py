import pytest
from rest_framework.test import APIClient

from diagnosis.models import SymptomSession
from feedback.models import CheckFeedback

pytestmark = pytest.mark.django_db

CHECKS = "/api/v1/checks/"


def check_url(pk, action=""):
    return f"{CHECKS}{pk}/{action + '/' if action else ''}"


def test_autocomplete_is_public(api):
    response = api.get("/api/v1/symptoms/autocomplete/", {"q": "sneez"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert results and {"slug", "name", "matched"} <= results[0].keys()
    assert any("sneez" in r["name"].lower() for r in results)


def test_autocomplete_with_too_little_typed_is_empty(api):
    assert api.get("/api/v1/symptoms/autocomplete/").json() == {"results": []}
    assert api.get("/api/v1/symptoms/autocomplete/", {"q": "a"}).json() == {"results": []}


def test_starting_a_check_returns_the_result_with_the_notice(alice_api, trained_champion):
    response = alice_api.post(
        CHECKS, {"text": "sore throat but no fever", "symptoms": ["runny nose", "sneezing"]}
    )
    assert response.status_code == 201
    body = response.json()
    assert response.headers["Location"].endswith(check_url(body["id"]))
    assert body["notice"].startswith("This is not a diagnosis.")
    assert body["status"] in ("asking", "complete")
    assert body["triage"] in ("emergency", "urgent", "gp", "self_care")
    assert body["conditions"][0]["name"] == "Common cold"
    assert {"name", "icd10", "probability", "supporting", "typical_not_reported", "slug"} <= body[
        "conditions"
    ][0].keys()
    assert "Fever" in body["negated"] or any("fever" in s.lower() for s in body["negated"])
    assert body["model_version"] == trained_champion.label
    assert body["kb_version"] > 0
    assert body["emergency"] is None
    assert body["unrecognised"] == []
    assert isinstance(body["red_flags"], list)
    assert body["next_question"] is None or {"symptom", "text", "number"} <= body["next_question"].keys()
    assert SymptomSession.objects.get(pk=body["id"]).user.email == "alice@example.test"


def test_emergency_check_has_the_banner_and_no_medicines(alice_api, start_check):
    body = start_check(text="crushing chest pain and sweating")
    assert body["triage"] == "emergency" and body["status"] == "complete"
    assert body["emergency"]["heading"] == f"Call {body['emergency']['number']} now"
    assert body["emergency"]["instructions"]
    advice = alice_api.get(check_url(body["id"], "recommendations")).json()
    assert advice["emergency"] is True
    assert advice["advice"], "emergencies still get guidance"
    assert all(a["medicines"] == [] and a["emergency"] for a in advice["advice"])


@pytest.mark.parametrize("body", [{}, {"text": "   "}, {"text": "", "symptoms": []}])
def test_an_empty_check_is_a_400(alice_api, body):
    response = alice_api.post(CHECKS, body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert response.json()["detail"] == "Tell us at least one symptom."
    assert not SymptomSession.objects.exists()


def test_bad_fields_get_a_400_with_fields(alice_api):
    response = alice_api.post(CHECKS, {"text": "x" * 2001, "symptoms": ["ok", ""]})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert set(body["fields"]) == {"text", "symptoms.1"}


def test_nothing_recognised_still_gets_a_result_with_the_words_and_suggestions(alice_api):
    response = alice_api.post(CHECKS, {"text": "my elbowz feel purplish"})
    assert response.status_code == 201
    body = response.json()
    assert body["triage"] == "gp" and body["in_scope"] is False and not body["conditions"]
    assert body["unrecognised"] and set(body["suggestions"]) == set(body["unrecognised"])
    assert body["safety_net"]  # when to get help, even when nothing was understood


def test_a_check_for_a_baby_uses_the_babys_age(alice_api):
    response = alice_api.post(
        CHECKS, {"text": "temperature of 38.4", "subject": {"for": "child", "age_months": 2, "sex": "f"}}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["triage"] == "emergency"


@pytest.mark.parametrize(
    "subject, field",
    [
        ({"for": "alien"}, "for"),
        ({"for": "child", "age_months": -1}, "age_months"),
        ({"for": "other", "sex": "m", "pregnant": "yes"}, "pregnant"),
    ],
)
def test_a_bad_subject_is_a_400(alice_api, subject, field):
    response = alice_api.post(CHECKS, {"text": "headache", "subject": subject})
    assert response.status_code == 400
    assert any(field in key for key in response.json().get("fields", {})), response.json()


def test_list_shows_only_your_own_checks_paginated(alice_api, charlie_api, start_check):
    first = start_check(symptoms=["runny nose", "sneezing"])
    second = start_check(text="headache")
    body = alice_api.get(CHECKS).json()
    assert body["count"] == 2
    assert [c["id"] for c in body["results"]] == [second["id"], first["id"]]
    assert body["results"][1]["top_condition"]["name"]
    assert charlie_api.get(CHECKS).json()["count"] == 0


def test_out_of_range_page_is_a_json_404(alice_api):
    response = alice_api.get(CHECKS, {"page": 9})
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_detail_answer_and_finish(alice_api, start_check):
    check = start_check(text="headache")
    assert check["status"] == "asking" and check["next_question"]
    detail = alice_api.get(check_url(check["id"]))
    assert detail.status_code == 200 and detail.json()["id"] == check["id"]
    question = check["next_question"]["symptom"]
    answered = alice_api.post(check_url(check["id"], "answer"), {"symptom": question, "answer": "no"})
    assert answered.status_code == 200
    assert answered.json()["answers"] == [{"symptom": question, "answer": "no"}]
    assert answered.json()["next_question"] is None or answered.json()["next_question"]["number"] == 2
    # Advice waits until the questions are done, as on the result page.
    if answered.json()["status"] == "asking":
        pending = alice_api.get(check_url(check["id"], "recommendations"))
        assert pending.status_code == 409 and pending.json()["error"] == "check_not_complete"
    finished = alice_api.post(check_url(check["id"], "finish"))
    assert finished.status_code == 200
    assert finished.json()["status"] == "complete" and finished.json()["next_question"] is None


def test_bad_answer_is_a_400_with_fields(alice_api, start_check):
    check = start_check(text="headache")
    response = alice_api.post(check_url(check["id"], "answer"), {"symptom": "x", "answer": "maybe"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["answer"]


def test_recommendations_for_a_finished_check(alice_api, start_check):
    check = start_check(symptoms=["runny nose", "sneezing", "sore throat"])
    alice_api.post(check_url(check["id"], "finish"))
    response = alice_api.get(check_url(check["id"], "recommendations"))
    assert response.status_code == 200
    body = response.json()
    assert body["emergency"] is False and body["notice"].startswith("This is not a diagnosis.")
    advice = body["advice"][0]
    assert advice["condition_slug"] == check["conditions"][0]["slug"]
    assert (
        advice["medicines"]
        and {"slug", "name", "rx", "drug_class", "reason", "label"} <= advice["medicines"][0].keys()
    )
    assert advice["precautions"]


@pytest.mark.parametrize(
    ("method", "action", "body"),
    [
        ("get", "", None),
        ("post", "answer", {"symptom": "fever", "answer": "yes"}),
        ("post", "finish", None),
        ("get", "recommendations", None),
        (
            "post",
            "ratings",
            {"condition": "common_cold", "item_type": "medicine", "item_key": "x", "rating": 5},
        ),
        ("post", "feedback", {"helpful": False, "wants_clinician_review": True}),
    ],
)
def test_charlie_gets_404_on_alices_check(charlie_api, start_check, method, action, body):
    check = start_check(symptoms=["runny nose", "sneezing"])
    before = SymptomSession.objects.get(pk=check["id"])
    response = getattr(charlie_api, method)(check_url(check["id"], action), body)
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "Not found."}
    after = SymptomSession.objects.get(pk=check["id"])
    assert (after.status, after.answers, after.updated_at) == (
        before.status,
        before.answers,
        before.updated_at,
    )
    assert not after.item_ratings.exists()
    assert not CheckFeedback.objects.filter(session=after).exists()


def test_missing_and_absurd_ids_are_json_404s(alice_api):
    for url in (check_url(999999), check_url(10**30), f"{CHECKS}-1/", "/api/v1/nothing-here/"):
        response = alice_api.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"] == "not_found"


def test_a_clinician_session_without_mfa_is_blocked(db):
    from accounts.models import Role
    from accounts.services import user_set_role
    from tests.factories import UserFactory

    nurse = user_set_role(user=UserFactory(email="nurse@example.test"), role=Role.CLINICIAN)
    client = APIClient()
    client.force_login(nurse)
    response = client.get(CHECKS)
    assert response.status_code == 403
    assert response.json()["error"] == "mfa_required"


def test_an_emergency_only_the_wording_net_hears_is_answered_as_one_and_queued_for_review(start_check):
    from feedback.models import ClinicianReview

    body = start_check(text="she's making a funny rattling noise and her eyes are rolling back")
    assert body["triage"] == "emergency" and body["status"] == "complete"
    assert "words_like_an_emergency" in {flag["slug"] for flag in body["red_flags"]}
    assert ClinicianReview.objects.filter(session_id=body["id"]).exists()
