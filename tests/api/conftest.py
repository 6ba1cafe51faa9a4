"""API clients for the cast. Patients authenticate with a real token, as an app would."""

import pytest
from rest_framework.test import APIClient


def token_client(user, key: str | None = None) -> APIClient:
    """A client sending `key`, or a new token of the user's (made directly, as the admin could)."""
    from knox.models import AuthToken

    client = APIClient()
    if key is None:
        key = AuthToken.objects.create(user=user)[1]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def alice_api(alice):
    return token_client(alice)


@pytest.fixture
def charlie_api(charlie):
    return token_client(charlie)


@pytest.fixture
def start_check(alice_api, trained_champion):
    """POST /checks/ as alice; returns the response body."""

    def start(**body):
        response = alice_api.post("/api/v1/checks/", body, format="json")
        assert response.status_code == 201, response.json()
        return response.json()

    return start
