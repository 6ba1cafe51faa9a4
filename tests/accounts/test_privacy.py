"""Privacy rights: a complete export of a patient's data, and account deletion."""

import json
from datetime import date

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.urls import reverse

from accounts.models import ConsentEvent, HealthProfile, User
from accounts.selectors import personal_data_models
from accounts.services import account_delete, consent_set, health_profile_update
from audit.models import AuditEvent
from diagnosis.models import Disease, SymptomSession
from feedback.models import CheckFeedback, ClinicianReview, ItemRating
from mlops.models import TrainingCase
from mlops.services import confirmed_case_record, training_check_key
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ENTERED = "crushing chest pain since this morning"


def _session(user, **extra) -> SymptomSession:
    return SymptomSession.objects.create(
        user=user,
        entered_text=ENTERED,
        symptoms=["chest_pain"],
        conditions=[{"slug": "heart_attack", "name": "Heart attack", "icd10": "I21", "probability": 0.7}],
        triage="emergency",
        model_label="test",
        **extra,
    )


@pytest.fixture
def alice_data(alice):
    """Alice with something in every table that can hold her data."""
    health_profile_update(
        user=alice,
        date_of_birth=date(1990, 5, 17),
        sex="f",
        pregnancy="yes",
        allergies=["penicillin"],
        conditions=["asthma"],
        medications=["warfarin"],
        height_cm=170,
        weight_kg=60,
    )
    consent_set(user=alice, granted=True)
    disease = Disease.objects.get(slug="heart_attack")
    session = _session(alice)
    ItemRating.objects.create(
        user=alice, session=session, disease=disease, item_type="medicine", item_key="aspirin", rating=4
    )
    CheckFeedback.objects.create(session=session, helpful=True, top_correct="yes")
    ClinicianReview.objects.create(session=session, reasons=["red_flag"], urgency=0, note_to_patient="Go now")
    SymptomSession.objects.filter(pk=session.pk).update(symptoms=["chest_pain"])
    session.refresh_from_db()
    confirmed_case_record(session=session, disease=disease)
    return session


def _export(client) -> dict:
    response = client.get(reverse("privacy:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="medportal-my-data-')
    assert "no-store" in response["Cache-Control"]
    return json.loads(response.content)


def test_export_holds_all_of_alices_data_decrypted(alice_client, alice, alice_data):
    data = _export(alice_client)
    assert data["account"]["email"] == alice.email
    assert data["account"]["role"] == "Patient"
    profile = data["health_profile"]
    assert profile["Allergies"] == ["penicillin"]
    assert profile["Current medicines"] == ["warfarin"]
    assert profile["Date of birth"] == "1990-05-17"
    assert profile["Sex"] == "Female"
    assert profile["Pregnancy"] == "Pregnant"
    records = data["records"]
    (session,) = records["diagnosis.SymptomSession"]
    assert session["entered_text"] == ENTERED
    assert session["conditions"][0]["name"] == "Heart attack"
    assert session["triage_display"].startswith("Emergency")
    # Every field of the check is there.
    assert set(f.name for f in SymptomSession._meta.concrete_fields) <= set(session)
    assert [e["granted"] for e in records["accounts.ConsentEvent"]] == [True]
    assert records["feedback.ItemRating"][0]["item_key"] == "aspirin"
    assert records["feedback.CheckFeedback"][0]["top_correct"] == "yes"
    assert records["feedback.ClinicianReview"][0]["note_to_patient"] == "Go now"
    # A training case made from your check is your data: found through the check's keyed hash
    # (the case has no link to you or the check) and exported with its content.
    assert records["mlops.TrainingCase"][0]["symptoms"] == ["chest_pain"]
    assert "_about" not in records["mlops.TrainingCase"][0]
    assert records["account.EmailAddress"][0]["email"] == alice.email


def test_export_lists_mfa_types_but_never_secrets(client, bob):
    client.force_login(bob)
    authenticator = Authenticator.objects.get(user=bob, type="totp")
    secret = authenticator.data["secret"]
    response = client.get(reverse("privacy:export"))
    body = response.content.decode()
    data = json.loads(body)
    assert data["records"]["mfa.Authenticator"] == [
        {
            "id": authenticator.pk,
            "type": "totp",
            "type_display": "TOTP Authenticator",
            "created_at": data["records"]["mfa.Authenticator"][0]["created_at"],
            "last_used_at": None,
        }
    ]
    assert secret not in body
    assert bob.password not in body
    assert '"password"' not in body


def test_export_never_contains_another_patients_data(client, alice, charlie, alice_data):
    client.force_login(charlie)
    body = client.get(reverse("privacy:export")).content.decode()
    assert ENTERED not in body
    assert "penicillin" not in body
    assert json.loads(body)["records"]["diagnosis.SymptomSession"] == []


def test_clinician_export_shows_reviews_they_claimed_without_the_patients_content(client, bob, alice_data):
    review = ClinicianReview.objects.get(session=alice_data)
    ClinicianReview.objects.filter(pk=review.pk).update(claimed_by=bob, status="claimed")
    client.force_login(bob)
    body = client.get(reverse("privacy:export")).content.decode()
    (row,) = json.loads(body)["records"]["feedback.ClinicianReview"]
    assert row["id"] == review.pk and row["claimed_by"] == bob.pk
    assert "note_to_patient" not in row and "reasons" not in row and "session" not in row
    assert "Go now" not in body and ENTERED not in body


def _models_linked_to_people() -> set[str]:
    """Every model with a foreign key, one-to-one or many-to-many to the user or to a check, found
    independently of the exporter so a model added later fails here until it is exported."""
    targets = {User, SymptomSession, HealthProfile}
    found = set()
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.get_fields():
            if field.is_relation and (field.concrete or field.many_to_many) and not field.auto_created:
                if field.related_model in targets and model is not User:
                    found.add(model._meta.label)
    return found


def test_every_model_linked_to_a_user_or_a_check_is_in_the_export(alice_client, alice_data):
    exported = set(_export(alice_client)["records"])
    missing = _models_linked_to_people() - exported
    assert not missing, f"models holding personal data but missing from the export: {sorted(missing)}"
    # The known ones, so a broken discovery cannot pass by finding nothing.
    assert {
        "accounts.HealthProfile",
        "accounts.ConsentEvent",
        "diagnosis.SymptomSession",
        "feedback.ItemRating",
        "feedback.CheckFeedback",
        "mlops.TrainingCase",
        "account.EmailAddress",
        "mfa.Authenticator",
        "audit.AuditEvent",
    } <= exported


def test_discovery_follows_paths_through_checks():
    paths = {m._meta.label: [p.lookup for p in ps] for m, ps in personal_data_models().items()}
    assert "session__user" in paths["feedback.CheckFeedback"]
    assert set(paths["feedback.ItemRating"]) >= {"user", "session__user"}
    # Training cases have no path to a person at all (the export finds them by keyed hash).
    assert "mlops.TrainingCase" not in paths


def test_export_is_recorded_in_the_audit_trail(alice_client, alice):
    _export(alice_client)
    event = AuditEvent.objects.get(action="export")
    assert event.actor == alice and event.object_id == str(alice.pk)


def test_export_and_delete_need_login(client):
    assert client.get(reverse("privacy:export")).status_code == 302
    assert client.post(reverse("privacy:delete"), {"password": PASSWORD}).status_code == 302
    assert client.get(reverse("privacy:index")).status_code == 302


def test_privacy_page_offers_both_actions_and_is_linked_from_the_profile(alice_client):
    page = alice_client.get(reverse("privacy:index")).content.decode()
    assert reverse("privacy:export") in page
    assert f'action="{reverse("privacy:delete")}"' in page
    assert reverse("privacy:index") in alice_client.get(reverse("accounts:profile")).content.decode()


def test_delete_needs_the_right_password(alice_client, alice):
    response = alice_client.post(reverse("privacy:delete"), {"password": "not-my-password"})
    assert response.status_code == 400
    assert "not correct" in response.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()


def test_delete_by_get_is_refused(alice_client, alice):
    assert alice_client.get(reverse("privacy:delete")).status_code == 405
    assert User.objects.filter(pk=alice.pk).exists()


def test_delete_erases_profile_and_checks_and_anonymises_training_cases(alice_client, alice, alice_data):
    case = TrainingCase.objects.get(check_key=training_check_key(alice_data.pk))
    response = alice_client.post(reverse("privacy:delete"), {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert not User.objects.filter(pk=alice.pk).exists()
    for model in (HealthProfile, ConsentEvent, SymptomSession, ItemRating, CheckFeedback, ClinicianReview):
        assert not model.objects.exists(), model
    assert not EmailAddress.objects.filter(email=alice.email).exists()
    case.refresh_from_db()
    # The case stays for training (as consented) with nothing left that finds it for anyone.
    assert case.check_key == "" and case.symptoms == ["chest_pain"]
    event = AuditEvent.objects.get(action="account_delete")
    assert event.actor is None and event.actor_email == alice.email
    # The browser is signed out.
    assert "_auth_user_id" not in alice_client.session
    assert alice_client.get(reverse("accounts:profile")).status_code == 302


def test_delete_after_consent_withdrawal_leaves_no_training_case(alice, alice_data):
    consent_set(user=alice, granted=False)
    assert not TrainingCase.objects.exists()
    account_delete(user=alice)
    assert not TrainingCase.objects.exists()


def test_repeated_wrong_passwords_are_rate_limited(alice_client, alice):
    codes = [
        alice_client.post(reverse("privacy:delete"), {"password": f"guess-{i}"}).status_code
        for i in range(11)
    ]
    assert codes[:10] == [400] * 10
    assert codes[10] == 429
    assert User.objects.filter(pk=alice.pk).exists()


def test_export_never_contains_an_api_token(alice_client, alice):
    from knox.models import AuthToken

    token, key = AuthToken.objects.create(user=alice)
    body = alice_client.get(reverse("privacy:export")).content.decode()
    assert key not in body and token.digest not in body and token.token_key not in body
    (row,) = json.loads(body)["records"]["knox.AuthToken"]
    assert row["user"] == alice.pk and {"created", "expiry"} <= set(row)


# --- sessions -------------------------------------------------------------------------------------


def _alices_sessions(alice) -> list:
    from accounts.selectors import sessions_for_user

    return sessions_for_user(user=alice)


def _stored_session(data: dict, *, expired: bool = False) -> str:
    from datetime import timedelta

    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    store = SessionStore()
    store.update(data)
    store.create()
    if expired:
        Session.objects.filter(session_key=store.session_key).update(
            expire_date=timezone.now() - timedelta(days=2)
        )
    return store.session_key


def test_export_says_when_each_session_expires_but_never_gives_its_key(alice_client, alice):
    from django.test import Client

    phone = Client()
    phone.force_login(alice)
    response = alice_client.get(reverse("privacy:export"))
    body = response.content.decode()
    sessions = json.loads(body)["sessions"]
    assert len(sessions) == 2 and all(set(s) == {"expire_date"} for s in sessions)
    assert alice_client.session.session_key not in body
    assert phone.session.session_key not in body


def test_delete_removes_every_session_holding_the_account_and_no_one_elses(alice_client, alice, charlie):
    from django.contrib.sessions.models import Session
    from django.test import Client

    phone = Client()
    phone.force_login(alice)
    stranger = Client()
    stranger.force_login(charlie)
    # An expired row clearsessions has not reached yet, and a sign-in waiting for its second factor.
    expired = _stored_session({"_auth_user_id": str(alice.pk)}, expired=True)
    pending = _stored_session({"account_login": {"user_pk": str(alice.pk), "email": alice.email}})
    assert len(_alices_sessions(alice)) == 4

    response = alice_client.post(reverse("privacy:delete"), {"password": PASSWORD})
    assert response.status_code == 302

    assert not Session.objects.filter(session_key__in=[expired, pending]).exists()
    assert not [s for s in Session.objects.all() if alice.email in str(s.get_decoded())]
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(alice.pk)]
    assert phone.get(reverse("accounts:profile")).status_code == 302  # the other browser is signed out
    assert stranger.get(reverse("accounts:profile")).status_code == 200


def test_expired_sessions_are_cleared_by_a_daily_beat_task(alice_client, alice):
    from django.contrib.sessions.models import Session
    from django_celery_beat.models import PeriodicTask

    from accounts.tasks import clear_expired_sessions_task

    task = PeriodicTask.objects.get(task="accounts.clear_expired_sessions")
    assert task.enabled and (task.crontab.hour, task.crontab.minute) == ("3", "45")
    expired = _stored_session({"_auth_user_id": str(alice.pk)}, expired=True)
    live = alice_client.session.session_key

    clear_expired_sessions_task.delay()

    assert not Session.objects.filter(session_key=expired).exists()
    assert Session.objects.filter(session_key=live).exists()
