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


# --- bounded parsing (medportal.api.JSONParser) ----------------------------------------------------


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize("body", [b"[" * 1000, _nested(1000), b"[" * 100_000, b'{"a":' * 5000])
def test_deeply_nested_json_is_a_json_400_even_anonymously(api, body):
    response = api.generic("POST", "/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "parse_error"


def test_nesting_is_refused_past_the_configured_depth_and_parsed_up_to_it(alice_api, settings):
    settings.API_MAX_JSON_DEPTH = 50
    deep = alice_api.generic("POST", "/api/v1/checks/", _nested(51), content_type="application/json")
    assert deep.status_code == 400
    assert deep.json() == {
        "error": "parse_error",
        "detail": "The JSON body is nested too deeply (at most 50 levels).",
    }
    # 50 levels parse; the list is then refused for not being an object, as any list is.
    fine = alice_api.generic("POST", "/api/v1/checks/", _nested(50), content_type="application/json")
    assert fine.status_code == 400 and fine.json()["error"] == "invalid"


def test_a_body_over_the_api_limit_is_a_json_413(api, settings):
    settings.API_MAX_BODY_BYTES = 1000
    body = b'{"email": "a@example.test", "password": "' + b"x" * 1000 + b'"}'
    response = api.generic("POST", "/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {
        "error": "payload_too_large",
        "detail": "The request body is too large (at most 1000 bytes).",
    }


def test_a_10_mb_body_is_a_json_413_not_djangos_html_400(api):
    # Over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): Django refuses to read it at all.
    body = b'{"text": "' + b"a" * (10 * 1024 * 1024) + b'"}'
    response = api.generic("POST", "/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "payload_too_large"


def test_the_bounded_parser_is_the_apis_default():
    from rest_framework.settings import api_settings

    from medportal.api import JSONParser

    assert api_settings.DEFAULT_PARSER_CLASSES == [JSONParser]


# --- errors outside DRF's own handling ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/", "/api/v2/checks/", "/api/nothing-here"])
def test_unknown_api_urls_outside_v1_are_a_json_404(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "Not found."}


def test_an_exception_in_an_api_view_is_a_json_500_without_a_traceback(alice_api, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("internal detail: /srv/medportal/secret-path.py")

    monkeypatch.setattr("diagnosis.selectors.get_session_for_user", broken)
    alice_api.raise_request_exception = False
    response = alice_api.get("/api/v1/checks/1/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": "server_error",
        "detail": "Something went wrong on our side. Please try again later.",
    }
    body = response.content.decode()
    assert "Traceback" not in body and "RuntimeError" not in body and "secret-path" not in body


@pytest.mark.parametrize("error", ["OperationalError", "InterfaceError"])
def test_a_database_outage_is_a_json_503_with_retry_after(alice_api, monkeypatch, error):
    import django.db

    def unreachable(**kwargs):
        raise getattr(django.db, error)("connection to server at 10.0.0.5 failed: password=hunter2")

    monkeypatch.setattr("diagnosis.selectors.get_session_for_user", unreachable)
    response = alice_api.get("/api/v1/checks/1/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "error": "service_unavailable",
        "detail": "The service is temporarily unavailable. Please try again shortly.",
    }
    assert "10.0.0.5" not in response.content.decode()
