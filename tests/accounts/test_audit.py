"""The append-only audit trail: what is recorded, and that nobody can rewrite it."""

import io
import logging

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import HealthProfile
from audit.models import AuditEvent
from audit.redaction import RedactingFilter
from audit.services import audit_record
from diagnosis.models import SymptomSession
from diagnosis.services import knowledge_base_bump
from mlops.services import model_version_promote, model_version_register
from tests.conftest import PASSWORD
from tests.totp import current_totp_code

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "Hunter2-very-secret-guess"


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


# --- the trail cannot be rewritten ---------------------------------------------------------------


def test_an_event_cannot_be_changed_or_deleted(alice):
    event = audit_record(action="export", actor=alice)
    event.detail = "tampered"
    with pytest.raises(AuditEvent.Immutable):
        event.save()
    with pytest.raises(AuditEvent.Immutable):
        event.delete()
    with pytest.raises(AuditEvent.Immutable):
        AuditEvent.objects.filter(pk=event.pk).update(detail="tampered")
    with pytest.raises(AuditEvent.Immutable):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


def test_deleting_the_user_keeps_the_event_with_the_email_snapshot(alice):
    event = audit_record(action="export", actor=alice)
    alice.delete()
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor is None and event.actor_email == "alice@example.test"


def test_admin_is_read_only_even_for_superusers(client, dana, alice):
    event = audit_record(action="export", actor=alice)
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = dana
    assert dana.is_superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert {"action", "created_at"} <= {f if isinstance(f, str) else f[0] for f in model_admin.list_filter}
    client.force_login(dana)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    page = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert (
        client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert (
        client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"detail": "x"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk, detail="").exists()


# --- logins -------------------------------------------------------------------------------------


def test_login_success_and_logout_are_recorded_with_the_ip(client, alice):
    _login(client, alice.email, PASSWORD)
    (event,) = _events("login_success")
    assert event.actor == alice and event.actor_email == alice.email and event.ip == "127.0.0.1"
    client.post(reverse("account_logout"))
    (event,) = _events("logout")
    assert event.actor == alice


@pytest.fixture
def console_output():
    """What the configured (filtered) console handler writes, at DEBUG level, during the test."""
    root = logging.getLogger()
    handler = next(h for h in root.handlers if any(isinstance(f, RedactingFilter) for f in h.filters))
    stream = io.StringIO()
    old_stream = handler.setStream(stream)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.setLevel(old_level)
        handler.setStream(old_stream)


def test_login_failure_is_recorded_and_neither_the_row_nor_the_log_holds_the_password(
    client, alice, console_output
):
    _login(client, alice.email, WRONG_PASSWORD)
    logging.getLogger("medportal.test").warning(
        "login failed: %s", {"login": alice.email, "password": WRONG_PASSWORD}
    )
    (event,) = _events("login_failed")
    assert event.actor == alice and event.actor_email == alice.email and event.ip == "127.0.0.1"
    row = " ".join(str(getattr(event, f.attname)) for f in AuditEvent._meta.concrete_fields)
    assert WRONG_PASSWORD not in row
    output = console_output.getvalue()
    assert "login failed" in output
    assert WRONG_PASSWORD not in output


def test_failed_login_for_an_unknown_email_keeps_the_typed_email(client):
    _login(client, "nobody@example.test", WRONG_PASSWORD)
    (event,) = _events("login_failed")
    assert event.actor is None and event.actor_email == "nobody@example.test"


def test_a_password_typed_into_the_email_box_is_not_recorded(client):
    _login(client, WRONG_PASSWORD, WRONG_PASSWORD)
    for event in _events("login_failed"):
        assert WRONG_PASSWORD not in event.actor_email


# --- MFA ----------------------------------------------------------------------------------------


def test_mfa_added_and_removed_are_recorded(client, alice, django_capture_on_commit_callbacks):
    _login(client, alice.email, PASSWORD)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    code = current_totp_code(secret)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302, response.content.decode()[:500]
    assert {e.detail for e in _events("mfa_change")} == {"added:totp", "added:recovery_codes"}
    assert Authenticator.objects.filter(user=alice).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_deactivate_totp"))
    details = [e.detail for e in _events("mfa_change")]
    assert "removed:totp" in details
    for event in _events("mfa_change"):
        assert event.actor == alice
        assert secret not in f"{event.detail} {event.object_id}"


# --- staff access in the admin ------------------------------------------------------------------


def test_staff_opening_a_health_profile_in_admin_is_recorded(client, dana, alice):
    profile = HealthProfile.objects.get(user=alice)
    client.force_login(dana)
    assert client.get(reverse("admin:accounts_healthprofile_change", args=[profile.pk])).status_code == 200
    assert client.get(reverse("admin:accounts_healthprofile_history", args=[profile.pk])).status_code == 200
    events = _events("staff_read")
    assert [(e.actor, e.object_type, e.object_id, e.detail) for e in events] == [
        (dana, "accounts.healthprofile", str(profile.pk), "change_form"),
        (dana, "accounts.healthprofile", str(profile.pk), "history"),
    ]


def test_staff_changing_a_user_in_admin_is_recorded(client, dana, alice):
    client.force_login(dana)
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    response = client.post(
        url,
        {
            "email": alice.email,
            "role": "patient",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    (event,) = _events("staff_change")
    assert (event.actor, event.object_type, event.object_id, event.detail) == (
        dana,
        "accounts.user",
        str(alice.pk),
        "changed",
    )


# --- refusals -----------------------------------------------------------------------------------


def test_opening_someone_elses_check_is_recorded_as_denied(client, alice, charlie):
    session = SymptomSession.objects.create(user=alice, triage="gp", model_label="t", entered_text="private")
    client.force_login(charlie)
    assert client.get(reverse("diagnosis:check_detail", args=[session.pk])).status_code == 404
    (event,) = _events("authz_denied")
    assert (event.actor, event.object_type, event.object_id, event.detail) == (
        charlie,
        "diagnosis:check_detail",
        f"pk={session.pk}",
        "404 GET",
    )


def test_a_403_for_a_signed_in_user_is_recorded(client, alice):
    client.force_login(alice)
    assert client.get("/admin/login/").status_code == 403
    (event,) = _events("authz_denied")
    assert event.actor == alice and event.object_type == "admin:login" and event.detail == "403 GET"


def test_plain_404s_and_anonymous_refusals_are_not_recorded(client, alice):
    client.get("/admin/login/")
    client.force_login(alice)
    client.get("/no-such-page/")
    client.get(reverse("diagnosis:autocomplete") + "?q=chest+pain")
    assert not _events("authz_denied")


# --- model promotions and knowledge-base changes -------------------------------------------------


def _version():
    return model_version_register(
        algorithm="test",
        params={},
        data_fingerprint="f",
        data_sources={},
        metrics={},
        artefact_path="",
        checksum="",
        kb_version=0,
    )


def test_model_promotion_is_recorded_once_per_promotion():
    first, second = _version(), _version()
    # Versions without an artefact fail the gates: an administrator's override promotes them.
    override = "test: versions without an artefact"
    model_version_promote(model_version=first, reason="test", override_reason=override)
    model_version_promote(model_version=first, reason="again", override_reason=override)
    model_version_promote(model_version=second, reason="better", override_reason=override)
    events = _events("model_promotion")
    assert [e.object_id for e in events] == [str(first.pk), str(second.pk)]
    assert events[0].object_type == "mlops.modelversion"


def test_knowledge_base_change_is_recorded_with_who_made_it(dana):
    version = knowledge_base_bump(reason="changed disease Migraine", user=dana)
    event = AuditEvent.objects.filter(action="kb_change").latest("id")
    assert event.actor == dana and event.object_id == str(version.pk)


def test_export_and_deletion_events_hold_no_health_content(alice_client, alice):
    from accounts.services import health_profile_update

    health_profile_update(user=alice, allergies=["penicillin"], medications=["warfarin"])
    alice_client.get(reverse("privacy:export"))
    alice_client.post(reverse("privacy:delete"), {"password": PASSWORD})
    for event in AuditEvent.objects.all():
        row = " ".join(str(getattr(event, f.attname)) for f in AuditEvent._meta.concrete_fields)
        assert "penicillin" not in row and "warfarin" not in row
    assert _events("export") and _events("account_delete")
