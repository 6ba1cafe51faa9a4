"""A check's response is built by ``diagnosis.api.present_check``, not by the serializer the schema
describes: the two must give the same output for every kind of check, including the edge cases
DRF handles field by field (None values, optional keys absent, undeclared keys dropped)."""

import copy
import json

import pytest
from rest_framework.renderers import JSONRenderer

from diagnosis.api import check_payload, present_check
from diagnosis.models import SymptomSession
from diagnosis.serializers import CheckOutputSerializer

pytestmark = pytest.mark.django_db

CHECKS = "/api/v1/checks/"

KINDS = {
    "emergency": {"text": "crushing chest pain and sweating"},
    "self_care": {"symptoms": ["runny nose", "sneezing"], "text": "sore throat but no fever"},
    "out_of_scope": {"text": "my elbowz feel purplish"},
    "with_questions": {"text": "headache"},
    "baby": {"text": "temperature of 38.4", "subject": {"for": "child", "age_months": 2, "sex": "f"}},
}


def _serialized(payload: dict) -> dict:
    return CheckOutputSerializer(payload).data


def _rendered(data: dict) -> bytes:
    return JSONRenderer().render(data)


@pytest.fixture
def checks(alice_api, trained_champion) -> dict[str, SymptomSession]:
    out = {}
    for kind, body in KINDS.items():
        response = alice_api.post(CHECKS, body, format="json")
        assert response.status_code == 201, response.json()
        out[kind] = SymptomSession.objects.get(pk=response.json()["id"])
    return out


def test_the_kinds_are_what_they_say(checks):
    # Guards the comparisons below: each kind must really come out as named.
    payloads = {kind: check_payload(s) for kind, s in checks.items()}
    assert payloads["emergency"]["emergency"] is not None and payloads["emergency"]["red_flags"]
    assert payloads["self_care"]["triage"] == "self_care"
    assert payloads["out_of_scope"]["in_scope"] is False and payloads["out_of_scope"]["suggestions"]
    assert payloads["with_questions"]["next_question"] is not None
    assert any(p["conditions"] for p in payloads.values())
    assert any(p["complaints"] for p in payloads.values())
    assert any("prediction_set" in p for p in payloads.values())


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_presenter_equals_the_serializer(checks, kind):
    payload = check_payload(checks[kind])
    presented = present_check(payload)
    assert presented == _serialized(payload)
    assert list(presented) == list(_serialized(payload))  # same key order, so the same bytes
    assert _rendered(presented) == _rendered(_serialized(payload))


def test_presenter_equals_the_serializer_after_an_answer(alice_api, checks):
    session = checks["with_questions"]
    question = check_payload(session)["next_question"].symptom
    response = alice_api.post(
        f"{CHECKS}{session.pk}/answer/", {"symptom": question, "answer": "yes"}, format="json"
    )
    assert response.status_code == 200
    payload = check_payload(SymptomSession.objects.get(pk=session.pk))
    assert payload["answers"]
    assert present_check(payload) == _serialized(payload)
    assert response.content == _rendered(_serialized(payload))


def test_presenter_handles_what_drf_handles_field_by_field(checks):
    payload = copy.deepcopy(check_payload(checks["emergency"]))
    payload["not_a_field"] = "dropped"
    payload.pop("prediction_set", None)
    payload.pop("coverage", None)
    payload["low_confidence"] = None
    payload["notice"] = None
    payload["symptoms"] = ["a", None, 3]
    payload["suggestions"] = {"x": ["y"], 2: None}
    payload["red_flags"] = [
        {**payload["red_flags"][0], "internal": 1},
        {k: v for k, v in payload["red_flags"][0].items() if k != "complaint"},
        {**payload["red_flags"][0], "complaint": "chest-pain"},
    ]
    payload["conditions"] = [
        {
            "slug": "x",
            "name": "X",
            "icd10": None,
            "probability": 1,
            "supporting": [],
            "typical_not_reported": ["a"],
            "against": [],
            "default_triage": "gp",
        }
    ]
    payload["next_question"] = {
        "symptom": "cough",
        "text": "Do you cough?",
        "number": "2",
    }  # a dict works too
    presented = present_check(payload)
    assert presented == _serialized(payload)
    assert _rendered(presented) == _rendered(_serialized(payload))
    assert "not_a_field" not in presented and "prediction_set" not in presented
    assert (
        "complaint" not in presented["red_flags"][1]
        and presented["red_flags"][2]["complaint"] == "chest-pain"
    )
    assert "default_triage" not in presented["conditions"][0]


def test_the_api_response_is_the_presenter_output(alice_api, checks):
    for session in checks.values():
        response = alice_api.get(f"{CHECKS}{session.pk}/")
        assert json.loads(response.content) == json.loads(_rendered(present_check(check_payload(session))))


# --- input: the cheap path agrees with the serializer, or leaves the request to it ---------------

INPUTS = [
    {"text": "headache"},
    {"text": "  sore throat \n"},
    {"text": ""},
    {"text": "   "},
    {"text": "x" * 2000},
    {"text": " " + "x" * 2000 + " "},
    {"text": "x" * 2001},
    {"text": "café ünïcode ok"},
    {"text": "nul\x00char"},
    {"text": "lone \ud800 surrogate"},
    {"text": None},
    {"text": 12},
    {"text": ["a"]},
    {"symptoms": ["runny nose", " sneezing "]},
    {"symptoms": []},
    {"symptoms": ["x" * 100]},
    {"symptoms": ["x" * 101]},
    {"symptoms": ["ok"] * 30},
    {"symptoms": ["ok"] * 31},
    {"symptoms": ["ok", ""]},
    {"symptoms": ["ok", "  "]},
    {"symptoms": ["ok", None]},
    {"symptoms": ["ok", 3]},
    {"symptoms": "headache"},
    {"symptoms": {"a": 1}},
    {"symptoms": None},
    {"text": "headache", "symptoms": ["nausea"], "ignored": True},
    {"text": "headache", "subject": {"for": "child", "age_months": 5}},
    {},
    [],
    "text",
]


@pytest.mark.parametrize("data", INPUTS, ids=range(len(INPUTS)))
def test_the_cheap_input_path_agrees_with_the_serializer(data):
    from diagnosis.api import plain_check_input
    from diagnosis.serializers import CheckStartInputSerializer

    serializer = CheckStartInputSerializer(data=data)
    valid = serializer.is_valid()
    plain = plain_check_input(data)
    if plain is not None:
        assert valid, serializer.errors
        assert plain == serializer.validated_data
    elif (
        isinstance(data, dict) and "subject" not in data and not (set(data) - {"text", "symptoms", "ignored"})
    ):
        # Outside the cheap path only what the serializer refuses, or a number it turns into text.
        chips = data.get("symptoms")
        assert not valid or data.get("text") == 12 or (isinstance(chips, list) and 3 in chips)


def test_the_cheap_input_path_takes_the_common_requests():
    from diagnosis.api import plain_check_input

    for data in INPUTS[:6] + INPUTS[13:16]:
        assert plain_check_input(data) is not None, data


def test_bad_input_still_gets_the_serializers_message(alice_api, trained_champion):
    response = alice_api.post(CHECKS, {"symptoms": ["ok", ""]}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"symptoms.1": ["This field may not be blank."]}
    response = alice_api.post(CHECKS, {"text": "x" * 2001}, format="json")
    assert response.status_code == 400 and response.json()["error"] == "invalid"
