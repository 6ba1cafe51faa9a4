"""The error body is the same everywhere, and no malformed request becomes a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("payload", [b'{"text": "headache"', b"not json", b"\xff\xfe", b'{"text": NaN}', b""])
def test_malformed_json_is_a_400_json_body(alice_api, payload):
    response = alice_api.generic("POST", "/api/v1/checks/", payload, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] in ("parse_error", "invalid")
    assert body["detail"]


def test_json_that_is_not_an_object_is_a_400(alice_api):
    response = alice_api.post("/api/v1/checks/", ["headache"])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert "non_field_errors" in response.json()["fields"]


def test_malformed_json_on_the_token_endpoint(api):
    response = api.generic("POST", "/api/v1/auth/token/", b"{", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"error": "parse_error", "detail": "The request body is not valid JSON."}


def test_form_bodies_are_refused_with_415(alice_api):
    response = alice_api.post("/api/v1/checks/", {"text": "headache"}, format="multipart")
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"


def test_wrong_method_is_a_json_405(alice_api):
    response = alice_api.delete("/api/v1/checks/")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_null_characters_are_a_400_not_a_500(alice_api, api):
    assert alice_api.post("/api/v1/checks/", {"text": "head\x00ache"}).status_code == 400
    assert api.get("/api/v1/symptoms/autocomplete/", {"q": "a\x00b"}).status_code == 400
