import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import HealthProfile, Role, User

pytestmark = pytest.mark.django_db


def test_signup_creates_a_patient_with_a_profile_and_sends_verification(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new.person@example.test",
            "password1": "a-Long-enough-pass-42",
            "password2": "a-Long-enough-pass-42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.test")
    assert user.role == Role.PATIENT
    assert user.groups.filter(name="patient").exists()
    assert HealthProfile.objects.filter(user=user).exists()
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mail.outbox) == 1
    assert "confirm" in mail.outbox[0].body.lower()


def test_unverified_user_cannot_log_in_until_verified(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "late@example.test",
            "password1": "a-Long-enough-pass-42",
            "password2": "a-Long-enough-pass-42",
        },
    )
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "late@example.test", "password": "a-Long-enough-pass-42"}
    )
    assert response.headers["Location"] == reverse("account_email_verification_sent")


def test_weak_password_is_refused_with_a_message(client):
    response = client.post(
        reverse("account_signup"), {"email": "weak@example.test", "password1": "12345", "password2": "12345"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="weak@example.test").exists()
    assert "too short" in response.content.decode()


def test_password_reset_message_is_the_same_for_known_and_unknown_emails(client, alice):
    known = client.post(reverse("account_reset_password"), {"email": alice.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]


def test_login_with_email_works(client, alice):
    response = client.post(
        reverse("account_login"), {"login": alice.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_repeated_failed_logins_are_rate_limited(client, alice):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": alice.email, "password": "wrong-password-here"})
    response = client.post(
        reverse("account_login"), {"login": alice.email, "password": "correct-horse-battery"}
    )
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_clinician_without_mfa_is_sent_to_mfa_setup(client):
    from accounts.services import user_create

    clinician = user_create(email="nomfa@example.test", password="a-Long-enough-pass-42", role=Role.CLINICIAN)
    client.force_login(clinician)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("mfa_activate_totp")


def test_clinician_with_mfa_reaches_pages(client, bob):
    client.force_login(bob)
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_patient_does_not_need_mfa(alice_client):
    assert alice_client.get(reverse("accounts:profile")).status_code == 200


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("account_login"))


def test_admin_without_mfa_cannot_open_admin(client):
    from accounts.services import user_create

    admin_user = user_create(email="root@example.test", password="a-Long-enough-pass-42", role=Role.ADMIN)
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("mfa_activate_totp")


def test_admin_with_mfa_opens_admin(client, dana):
    client.force_login(dana)
    assert client.get("/admin/").status_code == 200
