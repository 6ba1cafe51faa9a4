"""Where people land after logging in: clinicians on their review queue, patients at home."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.totp import current_totp_code

pytestmark = pytest.mark.django_db


def _log_in(client, user, next_url: str = ""):
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": user.email, "password": PASSWORD})


def _second_factor(client, user):
    secret = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).wrap().instance.data["secret"]
    code = current_totp_code(secret)
    return client.post(reverse("mfa_authenticate"), {"code": code})


def test_patient_lands_on_the_home_page(client, alice):
    response = _log_in(client, alice)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("home")


def test_clinician_lands_on_the_review_queue_after_the_second_factor(client, bob):
    response = _log_in(client, bob)
    assert response.headers["Location"] == reverse("mfa_authenticate")
    response = _second_factor(client, bob)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("feedback:review_queue")
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_next_link_still_wins_for_a_clinician(client, bob):
    """A link into one case (from an e-mail or a bookmark) opens that case, not the queue."""
    _log_in(client, bob, next_url=reverse("diagnosis:history"))
    response = _second_factor(client, bob)
    assert response.headers["Location"] == reverse("diagnosis:history")


def test_an_admin_is_not_sent_to_the_clinician_queue(client, dana):
    _log_in(client, dana)
    response = _second_factor(client, dana)
    assert response.headers["Location"] == reverse("home")


def test_a_signed_in_clinician_opening_the_login_page_goes_to_the_queue(client, bob):
    client.force_login(bob)
    response = client.get(reverse("account_login"))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("feedback:review_queue")
