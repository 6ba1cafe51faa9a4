"""The portal's error pages: HTML outside /api/, a 503 page (not a 500) while the database is down."""

import pytest
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.test import RequestFactory

from medportal import errors

pytestmark = pytest.mark.django_db


def test_unknown_pages_outside_the_api_stay_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_database_outage_on_a_page_is_a_friendly_503(alice_client, monkeypatch, settings):
    def unreachable(**kwargs):
        raise OperationalError("could not connect to server: password=hunter2")

    monkeypatch.setattr("diagnosis.selectors.get_session_for_user", unreachable)
    response = alice_client.get("/check/1/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "temporarily unavailable" in page
    assert settings.EMERGENCY_NUMBER in page
    assert "hunter2" not in page and "OperationalError" not in page


def test_an_outage_while_loading_the_session_is_a_503_too(alice_client, monkeypatch):
    """Raised inside the session middleware, before any view: handler500 turns it into the 503."""

    def unreachable(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", unreachable)
    alice_client.raise_request_exception = False
    page = alice_client.get("/profile/")
    assert page.status_code == 503 and "temporarily unavailable" in page.content.decode()
    api = alice_client.get("/api/v1/profile/")
    assert api.status_code == 503 and api.json()["error"] == "service_unavailable"
    assert api["Retry-After"] == "30"


def test_other_server_errors_on_pages_keep_the_500_page(alice_client, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("internal detail")

    monkeypatch.setattr("diagnosis.selectors.get_session_for_user", broken)
    alice_client.raise_request_exception = False
    response = alice_client.get("/check/1/")
    assert response.status_code == 500
    assert "internal detail" not in response.content.decode()


def test_a_body_django_refuses_to_read_under_the_api_is_a_json_413():
    request = RequestFactory().post("/api/v1/checks/")
    response = errors.handler400(request, RequestDataTooBig("too big"))
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    page = errors.handler400(RequestFactory().post("/check/"), RequestDataTooBig("too big"))
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
