"""Failed sign-ins slow an attacker down without locking the real owner out.

ACCOUNT_RATE_LIMITS["login_failed"] is per client IP and per (account, IP) pair, never per account
alone (accounts.adapters.AccountAdapter builds the pair key); see the README's Security section.
"""

import time
from unittest import mock

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed login attempts"
ATTACKER_IP = "203.0.113.66"
CLINIC_IP = "198.51.100.10"


def _login(client, email, password, ip):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip)


def _at(seconds_from_now: float):
    return mock.patch(
        "allauth.core.internal.ratelimit.time.time", return_value=time.time() + seconds_from_now
    )


def test_a_clinician_locked_out_from_one_address_can_still_sign_in_from_another(client, bob):
    pages = [_login(client, bob.email, f"wrong-{i}-guess", ATTACKER_IP).content.decode() for i in range(6)]
    assert [LOCKED in page for page in pages] == [False] * 5 + [True]
    # The locked pair refuses even the right password...
    locked = _login(client, bob.email, PASSWORD, ATTACKER_IP)
    assert LOCKED in locked.content.decode() and "_auth_user_id" not in client.session
    # ...while the clinician, at the clinic, gets on to the second factor at once.
    clinic = _login(client, bob.email, PASSWORD, CLINIC_IP)
    assert clinic.status_code == 302 and clinic["Location"] == reverse("mfa_authenticate")


def test_the_locked_pair_is_released_after_five_minutes(client, alice):
    for i in range(5):
        _login(client, alice.email, f"wrong-{i}-guess", ATTACKER_IP)
    assert LOCKED in _login(client, alice.email, PASSWORD, ATTACKER_IP).content.decode()
    with _at(5 * 60 + 1):
        assert _login(client, alice.email, PASSWORD, ATTACKER_IP).status_code == 302


def test_a_pair_that_keeps_failing_waits_up_to_an_hour(client, alice):
    """Progressive: five failures pause the pair for 5 minutes; twenty in an hour, for the hour."""
    for round_ in range(4):
        with _at(round_ * 6 * 60):
            for i in range(5):
                _login(client, alice.email, f"wrong-{round_}-{i}", ATTACKER_IP)
    with _at(30 * 60):  # past the 5-minute pause, but 20 failures within the hour
        assert LOCKED in _login(client, alice.email, PASSWORD, ATTACKER_IP).content.decode()
        assert _login(client, alice.email, PASSWORD, CLINIC_IP).status_code == 302
    client.logout()
    with _at(61 * 60):
        assert _login(client, alice.email, PASSWORD, ATTACKER_IP).status_code == 302


def test_one_address_guessing_across_many_accounts_is_stopped(client, alice):
    """Password spraying: 30 failures from one address in 5 minutes, whatever the accounts (spread
    out, so that allauth's separate 30-a-minute limit on sign-in requests does not answer first)."""
    for i in range(30):
        with _at(i * 5):
            page = _login(client, f"person{i}@example.test", "Spring2026!", ATTACKER_IP).content.decode()
        assert LOCKED not in page
    with _at(30 * 5):
        assert LOCKED in _login(client, alice.email, PASSWORD, ATTACKER_IP).content.decode()
        assert _login(client, alice.email, PASSWORD, CLINIC_IP).status_code == 302


def test_a_successful_sign_in_does_not_reset_the_attackers_count(client, alice):
    """allauth rolls back only the successful attempt's own use, so an attacker cannot interleave
    a known password to keep guessing another account from the same address."""
    for i in range(4):
        _login(client, alice.email, f"wrong-{i}-guess", ATTACKER_IP)
    assert _login(client, alice.email, PASSWORD, ATTACKER_IP).status_code == 302
    client.logout()
    _login(client, alice.email, "wrong-again-guess", ATTACKER_IP)
    assert LOCKED in _login(client, alice.email, PASSWORD, ATTACKER_IP).content.decode()
