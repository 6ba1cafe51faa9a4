"""The symptom-check API's per-request savings: the same JSON, fewer serializer copies, few queries.

Output serializers are shared, already-bound instances (medportal.api.represent): the response
bytes must be exactly those a fresh serializer gives, for every kind of check.
"""

import json

import pytest
from rest_framework import fields as drf_fields
from rest_framework.renderers import JSONRenderer

from diagnosis import serializers as diagnosis_serializers
from diagnosis.api import _summary, check_payload
from diagnosis.models import SymptomSession
from diagnosis.selectors import current_snapshot
from diagnosis.serializers import (
    AutocompleteOutputSerializer,
    CheckOutputSerializer,
    CheckSummaryOutputSerializer,
)
from medportal.api import represent

pytestmark = pytest.mark.django_db

CHECKS = "/api/v1/checks/"

REPRESENTATIVE = {
    "emergency": {"text": "crushing chest pain and sweating"},
    "self_care": {"symptoms": ["runny nose", "sneezing"], "text": "sore throat but no fever"},
    "out_of_scope": {"text": "my elbowz feel purplish"},
    "with_questions": {"text": "headache"},
    "baby": {"text": "temperature of 38.4", "subject": {"for": "child", "age_months": 2, "sex": "f"}},
}


def _fresh_bytes(session) -> bytes:
    return JSONRenderer().render(CheckOutputSerializer(check_payload(session)).data)


@pytest.mark.parametrize("kind", sorted(REPRESENTATIVE))
def test_check_response_is_byte_for_byte_what_a_fresh_serializer_gives(alice_api, trained_champion, kind):
    response = alice_api.post(CHECKS, REPRESENTATIVE[kind], format="json")
    assert response.status_code == 201, response.json()
    session = SymptomSession.objects.get(pk=response.json()["id"])
    assert response.content == _fresh_bytes(session)
    detail = alice_api.get(f"{CHECKS}{session.pk}/")
    assert detail.content == _fresh_bytes(session)


def test_emergency_and_questions_are_among_the_representative_checks(start_check):
    # Guards the test above: the kinds it names must really be what the checks come out as.
    assert start_check(**REPRESENTATIVE["emergency"])["emergency"] is not None
    assert start_check(**REPRESENTATIVE["with_questions"])["next_question"] is not None
    out = start_check(**REPRESENTATIVE["out_of_scope"])
    assert out["in_scope"] is False and out["suggestions"]


def test_optional_fields_stay_absent_and_extra_keys_are_dropped(alice_api, trained_champion):
    response = alice_api.post(CHECKS, REPRESENTATIVE["self_care"], format="json")
    session = SymptomSession.objects.get(pk=response.json()["id"])
    payload = check_payload(session)
    payload.pop("prediction_set", None)
    payload.pop("coverage", None)
    payload["not_a_field"] = "dropped"
    payload["conditions"] = [{**c, "internal": 1} for c in payload["conditions"]]
    shared = represent(CheckOutputSerializer, payload)
    assert shared == CheckOutputSerializer(payload).data
    assert "prediction_set" not in shared and "not_a_field" not in shared
    assert all("internal" not in c for c in shared["conditions"])


def test_list_and_autocomplete_match_fresh_serializers(alice_api, start_check):
    start_check(text="headache")
    start_check(symptoms=["runny nose", "sneezing"])
    body = alice_api.get(CHECKS).json()
    sessions = SymptomSession.objects.order_by("-created_at", "-id")
    fresh = CheckSummaryOutputSerializer([_summary(s) for s in sessions], many=True).data
    assert body["results"] == json.loads(JSONRenderer().render(fresh))
    results = current_snapshot().index.autocomplete("sneez")
    response = alice_api.get("/api/v1/symptoms/autocomplete/", {"q": "sneez"})
    assert response.content == JSONRenderer().render(AutocompleteOutputSerializer({"results": results}).data)


def _output_serializer_classes() -> set[type]:
    return {
        cls
        for name, cls in vars(diagnosis_serializers).items()
        if name.endswith("OutputSerializer") and isinstance(cls, type)
    }


def test_a_warm_check_deep_copies_no_output_serializer(alice_api, trained_champion, monkeypatch):
    alice_api.post(CHECKS, REPRESENTATIVE["self_care"], format="json")  # warm: shared instances bound
    copied: list[type] = []
    original = drf_fields.Field.__deepcopy__

    def spy(self, memo):
        copied.append(type(self))
        return original(self, memo)

    monkeypatch.setattr(drf_fields.Field, "__deepcopy__", spy)
    response = alice_api.post(CHECKS, REPRESENTATIVE["emergency"], format="json")
    assert response.status_code == 201
    # The common body is validated without the input serializer, and the output is a plain dict.
    assert copied == []
    response = alice_api.post(CHECKS, REPRESENTATIVE["baby"], format="json")  # a subject: the serializer
    assert response.status_code == 201
    assert copied, "the spy must see the input serializer's copies"
    assert not set(copied) & _output_serializer_classes()


def test_a_warm_check_stays_within_its_queries(alice_api, trained_champion, django_assert_max_num_queries):
    alice_api.post(CHECKS, REPRESENTATIVE["self_care"], format="json")  # warm snapshot and model
    # The token with its user and health profile (one query), today's check count (the daily cap),
    # the service's savepoint pair (the test runs in a transaction), knowledge-base version,
    # champion, insert; the response asks nothing more. (It was 9: the user and the profile were
    # queries of their own.)
    with django_assert_max_num_queries(7):
        response = alice_api.post(CHECKS, REPRESENTATIVE["self_care"], format="json")
    assert response.status_code == 201


def test_a_flagged_check_adds_only_the_review_insert(
    alice_api, trained_champion, django_assert_max_num_queries, django_assert_num_queries
):
    from feedback.models import ClinicianReview

    alice_api.post(CHECKS, REPRESENTATIVE["emergency"], format="json")  # warm
    # The seven above and one INSERT of the review: no get_or_create look-up, no savepoints of its own.
    with django_assert_max_num_queries(8):
        response = alice_api.post(CHECKS, REPRESENTATIVE["emergency"], format="json")
    assert response.status_code == 201
    assert ClinicianReview.objects.filter(session_id=response.json()["id"]).exists()


def test_a_new_check_reads_the_profile_loaded_with_the_token(alice, alice_api, trained_champion):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.services import health_profile_update

    health_profile_update(user=alice, sex="f", pregnancy="yes")
    with CaptureQueriesContext(connection) as queries:
        response = alice_api.post(CHECKS, REPRESENTATIVE["self_care"], format="json")
    assert response.status_code == 201
    session = SymptomSession.objects.get(pk=response.json()["id"])
    assert session.subject["sex"] == "f" and session.subject["pregnant"] == "yes"
    sql = [q["sql"] for q in queries.captured_queries]
    assert not any(q.startswith("SELECT") and 'FROM "accounts_healthprofile"' in q for q in sql)
    assert any('"knox_authtoken"' in q and '"accounts_healthprofile"' in q for q in sql)


def test_a_new_check_without_a_health_profile_still_works(alice, alice_api, trained_champion):
    from accounts.models import HealthProfile

    HealthProfile.objects.filter(user=alice).delete()
    response = alice_api.post(CHECKS, REPRESENTATIVE["self_care"], format="json")
    assert response.status_code == 201
    assert SymptomSession.objects.get(pk=response.json()["id"]).subject["sex"] == ""
