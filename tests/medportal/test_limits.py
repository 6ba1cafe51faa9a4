"""Abuse controls for symptom checks: the API's per-user rate on the website's check form, and a
per-user cap over 24 hours on both the form and the API (medportal.limits)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from diagnosis.models import SymptomSession
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

TEXT = "headache and a high temperature since yesterday"


@pytest.fixture
def user_rate(settings):
    def set_rate(rate: str) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": rate},
        }

    return set_rate


def _start(client):
    return client.post("/check/", {"text": TEXT})


def test_checks_on_the_website_get_the_apis_per_user_rate(alice_client, charlie, client, user_rate):
    user_rate("3/min")
    statuses = [_start(alice_client).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    refused = _start(alice_client)
    page = refused.content.decode()
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many checks at once" in page and "wait" in page
    assert "If you feel very unwell" in page  # a refused patient is still told what to do
    assert SymptomSession.objects.filter(user__email="alice@example.test").count() == 3
    # The empty form is never limited, and other patients have their own count.
    assert alice_client.get("/check/").status_code == 200
    client.force_login(charlie)
    assert _start(client).status_code == 302


def test_the_website_allows_a_daily_number_of_checks_and_says_so_after(alice_client, alice, settings):
    settings.CHECKS_PER_DAY = 3
    assert [_start(alice_client).status_code for _ in range(3)] == [302, 302, 302]
    refused = _start(alice_client)
    page = refused.content.decode()
    assert refused.status_code == 429
    assert "Daily limit reached" in page
    assert "You have started 3 checks in the last 24 hours" in page and "about 24 hours" in page
    assert int(refused["Retry-After"]) > 23 * 3600
    assert SymptomSession.objects.filter(user=alice).count() == 3
    # A day later the oldest checks no longer count.
    SymptomSession.objects.filter(user=alice).update(created_at=timezone.now() - timedelta(hours=25))
    assert _start(alice_client).status_code == 302


def test_the_daily_cap_can_be_turned_off(alice_client, settings):
    settings.CHECKS_PER_DAY = 0
    assert [_start(alice_client).status_code for _ in range(3)] == [302, 302, 302]


def test_the_api_applies_the_same_daily_cap(alice, charlie, settings):
    alice_api, charlie_api = token_client(alice), token_client(charlie)
    settings.CHECKS_PER_DAY = 2
    statuses = [alice_api.post("/api/v1/checks/", {"text": TEXT}).status_code for _ in range(2)]
    assert statuses == [201, 201]
    refused = alice_api.post("/api/v1/checks/", {"text": TEXT})
    assert refused.status_code == 429
    assert refused.json()["error"] == "daily_limit"
    assert "2 checks in the last 24 hours" in refused.json()["detail"]
    assert int(refused["Retry-After"]) > 23 * 3600
    # Reading checks, and other patients, are not affected.
    assert alice_api.get("/api/v1/checks/").status_code == 200
    assert charlie_api.post("/api/v1/checks/", {"text": TEXT}).status_code == 201


def test_checks_made_on_the_website_count_against_the_api_cap_too(alice_client, alice, settings):
    settings.CHECKS_PER_DAY = 1
    assert _start(alice_client).status_code == 302
    assert token_client(alice).post("/api/v1/checks/", {"text": TEXT}).status_code == 429
