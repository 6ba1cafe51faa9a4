"""Django admin for accounts: the role decides groups and staff status; an admin always remains."""

import pytest
from django.urls import reverse

from accounts.models import Role, User

pytestmark = pytest.mark.django_db


def _change(client, user, **changes):
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {
        k: v for k, v in form.initial.items() if v is not None and k not in ("groups", "is_staff", "password")
    }
    data.update({"date_joined_0": "2026-01-01", "date_joined_1": "00:00:00", **changes})
    for key in ("is_active", "is_superuser"):
        if not data.get(key):
            data.pop(key, None)
    return client.post(url, data)


def test_a_role_change_in_admin_moves_the_group_and_staff_status(client, dana, alice):
    client.force_login(dana)
    response = _change(client, alice, role=Role.CLINICIAN)
    assert response.status_code == 302, response.context["adminform"].form.errors
    alice.refresh_from_db()
    assert alice.role == Role.CLINICIAN
    assert list(alice.groups.values_list("name", flat=True)) == ["clinician"]
    _change(client, alice, role=Role.ADMIN)
    alice.refresh_from_db()
    assert alice.is_staff and list(alice.groups.values_list("name", flat=True)) == ["admin"]


def test_the_last_admin_can_be_neither_demoted_nor_deleted(client, dana):
    client.force_login(dana)
    response = _change(client, dana, role=Role.PATIENT, is_superuser="")
    assert response.status_code == 200
    assert "at least one active admin" in response.content.decode()
    dana.refresh_from_db()
    assert dana.role == Role.ADMIN and dana.is_superuser
    delete = client.get(reverse("admin:accounts_user_delete", args=[dana.pk]))
    assert "at least one active admin" in delete.content.decode()
    client.post(reverse("admin:accounts_user_delete", args=[dana.pk]), {"post": "yes"})
    assert User.objects.filter(pk=dana.pk).exists()


def test_an_admin_can_be_demoted_when_another_remains(client, dana):
    from accounts.services import user_create

    other = user_create(email="second-admin@example.test", password=None, role=Role.ADMIN)
    client.force_login(dana)
    response = _change(client, other, role=Role.PATIENT)
    assert response.status_code == 302, response.context["adminform"].form.errors
    other.refresh_from_db()
    assert other.role == Role.PATIENT and not other.is_staff


def test_admin_never_shows_a_staff_members_totp_secret(client, dana, bob):
    from allauth.mfa.models import Authenticator

    from audit.models import AuditEvent

    client.force_login(dana)
    authenticator = Authenticator.objects.filter(user=bob).first()
    secret = str(authenticator.data)
    page = client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert secret not in html and "secret" not in html.lower()
    assert 'name="data"' not in html
    assert AuditEvent.objects.filter(
        object_type="mfa.authenticator", object_id=str(authenticator.pk)
    ).exists()
    # Removing it is allowed: the clinician then sets up two-factor authentication again.
    response = client.post(
        reverse("admin:mfa_authenticator_delete", args=[authenticator.pk]), {"post": "yes"}
    )
    assert response.status_code == 302  # the single-object delete page used to fail in the audit hook
    assert not Authenticator.objects.filter(pk=authenticator.pk).exists()
    assert AuditEvent.objects.filter(object_id=str(authenticator.pk), detail="deleted").exists()
