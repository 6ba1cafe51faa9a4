"""Training data is private by construction: no link to the person or the check in clear, an age
band instead of an age, health values encrypted at rest; admin cannot pick out a person's health
records, and every list of them it shows is audited."""

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection

from accounts.services import consent_set
from audit.models import AuditEvent
from diagnosis.models import Disease, SymptomSession
from mlops.models import TrainingCase
from mlops.selectors import training_cases_for_user
from mlops.services import (
    confirmed_case_record,
    training_cases_detach,
    training_check_key,
    training_consent_withdrawn,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
HEALTH_VALUES = ("heart_attack", "chest_pain", "arm_or_jaw_pain", "40-64")


def _check(user, **extra) -> SymptomSession:
    return SymptomSession.objects.create(
        user=user,
        symptoms=["chest_pain", "arm_or_jaw_pain"],
        triage="emergency",
        model_label="test",
        age_band="40-64",
        sex="f",
        **extra,
    )


@pytest.fixture
def confirmed(alice):
    consent_set(user=alice, granted=True)
    session = _check(alice)
    case = confirmed_case_record(session=session, disease=Disease.objects.get(slug="heart_attack"))
    return session, case


def _raw_rows() -> tuple[list[str], list[tuple]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM mlops_trainingcase ORDER BY id")
        return [c[0] for c in cursor.description], cursor.fetchall()


def test_raw_sql_of_the_training_table_holds_no_plaintext_health_value(confirmed):
    session, case = confirmed
    TrainingCase.objects.create(
        source="kaggle.csv", condition="heart_attack", symptoms=["chest_pain"], fingerprint="x" * 64
    )
    columns, rows = _raw_rows()
    assert not {"session_id", "disease_id", "age", "user_id"} & set(columns)
    dump = " ".join(str(v) for row in rows for v in row).lower()
    for value in HEALTH_VALUES:
        assert value not in dump, value
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        for column in ("condition", "symptoms", "age_band", "sex"):
            assert str(values[column]).startswith("gAAAAA"), column
    # Decrypted through the ORM, the case is what the model trains on.
    case = TrainingCase.objects.get(pk=case.pk)
    assert (case.condition, case.symptoms, case.age_band, case.sex) == (
        "heart_attack",
        ["arm_or_jaw_pain", "chest_pain"],
        "40-64",
        "f",
    )


def test_a_case_keeps_a_keyed_hash_of_its_check_not_a_link(confirmed, settings):
    session, case = confirmed
    assert not any(f.is_relation for f in TrainingCase._meta.concrete_fields)
    assert case.check_key == training_check_key(session.pk) and len(case.check_key) == 64
    # Not the plain hash of the id anyone could compute, and useless without the server's key.
    assert case.check_key != hashlib.sha256(str(session.pk).encode()).hexdigest()
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdef"
    assert training_check_key(session.pk) != case.check_key
    # The fingerprint used for deduplication is keyed too.
    plain = hashlib.sha256(json.dumps(["heart_attack", case.symptoms, "40-64", "f"]).encode()).hexdigest()
    assert case.fingerprint != plain


def test_the_age_band_of_the_person_the_check_was_about_is_stored_not_an_age(alice):
    from datetime import date

    from accounts.services import health_profile_update

    health_profile_update(user=alice, date_of_birth=date(1990, 5, 17))
    consent_set(user=alice, granted=True)
    session = _check(alice, subject={"age_months": 30})
    SymptomSession.objects.filter(pk=session.pk).update(age_band="0-11")  # a check about a toddler
    session.refresh_from_db()
    case = confirmed_case_record(session=session, disease=Disease.objects.get(slug="common_cold"))
    assert case.age_band == "0-11"
    assert "age" not in {f.name for f in TrainingCase._meta.fields}
    from mlops.training import stored_cases

    assert stored_cases("all")[0].age == 0  # the band's youngest age: the same features as any age in it


def test_withdrawing_consent_deletes_the_cases_even_after_a_secret_key_rotation(
    confirmed, alice, charlie, settings
):
    consent_set(user=charlie, granted=True)
    other = confirmed_case_record(session=_check(charlie), disease=Disease.objects.get(slug="heart_attack"))
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "rotated-secret-key-for-this-test-only-0123456789abcdef"
    assert training_consent_withdrawn(user=alice) == 1
    assert list(TrainingCase.objects.all()) == [other]


def test_consent_withdrawal_through_the_account_deletes_the_cases(confirmed, alice):
    consent_set(user=alice, granted=False)
    assert not TrainingCase.objects.exists()


def test_no_consent_stores_nothing(alice):
    session = _check(alice)
    assert confirmed_case_record(session=session, disease=Disease.objects.get(slug="heart_attack")) is None
    assert not TrainingCase.objects.exists()


def test_detaching_cuts_the_last_tie_and_keeps_the_case_for_training(confirmed, alice):
    session, case = confirmed
    assert training_cases_detach(user=alice) == 1
    case.refresh_from_db()
    assert case.check_key == "" and case.condition == "heart_attack"
    assert training_consent_withdrawn(user=alice) == 0  # nothing leads back to alice any more


def test_a_patients_export_can_find_their_cases_and_no_one_elses(confirmed, alice, charlie):
    session, case = confirmed
    (row,) = training_cases_for_user(user=alice)
    assert row["id"] == case.pk and row["condition"] == "heart_attack" and row["age_band"] == "40-64"
    assert training_cases_for_user(user=charlie) == []


@pytest.mark.slow
def test_the_migration_converts_existing_rows(tmp_path):
    """Old-shaped rows (condition link, plain symptoms, exact age, link to the check) are rewritten
    encrypted with an age band and a keyed hash; going back restores what can be restored."""
    script = tmp_path / "convert.py"
    script.write_text(
        textwrap.dedent(
            """
            import json
            import django

            django.setup()
            from django.core.management import call_command
            from django.db import connection

            from accounts.models import User
            from diagnosis.models import Disease, SymptomSession

            call_command("migrate", verbosity=0)
            call_command("migrate", "mlops", "0005", verbosity=0)
            disease = Disease.objects.create(
                slug="heart_attack", name="Heart attack", icd10="I21", default_triage="emergency",
                age_min=20, age_max=90, age_mode=60, female_share=0.4,
            )
            session = SymptomSession.objects.create(
                user=User.objects.create(email="p@example.test"), triage="emergency", model_label="x"
            )
            insert = (
                "INSERT INTO mlops_trainingcase (disease_id, source, symptoms, age, sex, fingerprint, created_at, "
                "session_id) VALUES (%s, %s, %s, %s, %s, 'x', '2026-01-01', %s)"
            )
            with connection.cursor() as cursor:
                cursor.execute(insert, [disease.pk, "confirmed", json.dumps(["sweating", "chest_pain"]), 47, "f", session.pk])
                cursor.execute(insert, [disease.pk, "kaggle.csv", json.dumps(["chest_pain"]), None, "", None])
            call_command("migrate", "mlops", verbosity=0)
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM mlops_trainingcase ORDER BY id")
                columns = [c[0] for c in cursor.description]
                raw = [dict(zip(columns, row)) for row in cursor.fetchall()]
            from mlops.models import TrainingCase
            from mlops.services import training_check_key

            cases = [
                [c.source, c.condition, c.symptoms, c.age_band, c.sex, c.check_key == training_check_key(session.pk)]
                for c in TrainingCase.objects.order_by("id")
            ]
            call_command("migrate", "mlops", "0005", verbosity=0)
            with connection.cursor() as cursor:
                cursor.execute("SELECT source, disease_id, symptoms, age, sex, session_id FROM mlops_trainingcase ORDER BY id")
                back = [list(row) for row in cursor.fetchall()]
            print(json.dumps({"raw": raw, "cases": cases, "back": back, "session": session.pk}, default=str))
            """
        )
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "medportal.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    dump = json.dumps(out["raw"])
    for value in ("heart_attack", "chest_pain", "sweating", "40-64", '"47"'):
        assert value not in dump
    assert all(row["condition"].startswith("gAAAAA") for row in out["raw"])
    assert "session_id" not in out["raw"][0] and "age" not in out["raw"][0]
    assert out["cases"] == [
        ["confirmed", "heart_attack", ["chest_pain", "sweating"], "40-64", "f", True],
        ["kaggle.csv", "heart_attack", ["chest_pain"], "", "", False],
    ]
    # Back: the age is the band's youngest, the link to the check is gone for good.
    assert out["back"][0][2:] == ['["chest_pain", "sweating"]', 40, "f", None]


# --- admin -------------------------------------------------------------------------------------------

PERSON_LOOKUPS = [
    ("diagnosis/symptomsession", "user"),
    ("diagnosis/symptomsession", "user_id"),
    ("diagnosis/symptomsession", "user__email"),
    ("feedback/itemrating", "user"),
    ("feedback/itemrating", "session"),
    ("feedback/itemrating", "session__user"),
    ("feedback/checkfeedback", "session"),
    ("feedback/clinicianreview", "session"),
    ("feedback/clinicianreview", "session__id__exact"),
    ("mlops/trainingcase", "check_key"),
]


@pytest.mark.parametrize(("changelist", "lookup"), PERSON_LOOKUPS)
def test_admin_refuses_to_filter_health_records_by_person(client, dana, alice, changelist, lookup):
    client.force_login(dana)
    value = alice.email if lookup.endswith("email") else alice.pk
    response = client.get(f"/admin/{changelist}/", {lookup: value})
    assert response.status_code == 400
    event = AuditEvent.objects.get(action="authz_denied")
    assert event.actor == dana and event.object_type == changelist.replace("/", ".")
    assert lookup in event.detail


@pytest.mark.parametrize(
    ("changelist", "query"),
    [
        ("diagnosis/symptomsession", "triage=emergency"),
        ("feedback/itemrating", "rating=5"),
        ("feedback/checkfeedback", ""),
        ("feedback/clinicianreview", "status=open"),
        ("mlops/trainingcase", "source=confirmed"),
    ],
)
def test_admin_lists_of_health_records_are_audited_with_their_query(client, dana, changelist, query):
    client.force_login(dana)
    response = client.get(f"/admin/{changelist}/?{query}")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="staff_read", object_type=changelist.replace("/", "."))
    assert event.actor == dana and event.detail == f"changelist?{query}"


def test_the_training_case_admin_shows_no_key_back_to_the_check(client, dana, confirmed):
    session, case = confirmed
    client.force_login(dana)
    page = client.get(f"/admin/mlops/trainingcase/{case.pk}/change/").content.decode()
    assert "heart_attack" in page and case.check_key not in page
