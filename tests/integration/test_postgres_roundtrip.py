from datetime import date

import pytest
from django.db import connection

from accounts.models import HealthProfile
from accounts.services import health_profile_update, user_create

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_encrypted_profile_round_trips_on_postgresql(postgres_required):
    assert connection.vendor == "postgresql"
    user = user_create(email="pg@example.test", password="a-Long-enough-pass-42")
    profile = health_profile_update(
        user=user,
        date_of_birth=date(1970, 1, 2),
        sex="m",
        allergies=["sulfa"],
        medications=["warfarin"],
        weight_kg=80,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT allergies, medications, date_of_birth FROM accounts_healthprofile WHERE id = %s",
            [profile.pk],
        )
        raw = " ".join(cursor.fetchone())
    assert "sulfa" not in raw and "warfarin" not in raw and "1970" not in raw
    loaded = HealthProfile.objects.get(pk=profile.pk)
    assert loaded.allergies == ["sulfa"]
    assert loaded.medications == ["warfarin"]
    assert loaded.date_of_birth == date(1970, 1, 2)
    assert loaded.weight_kg == 80


def test_the_review_cap_counts_automatic_reasons_on_postgresql(postgres_required, settings):
    """The cap reads the JSON reasons as text; PostgreSQL renders jsonb text its own way."""
    from diagnosis.models import SymptomSession
    from feedback.models import ClinicianReview
    from feedback.services import review_flag
    from tests.factories import SymptomSessionFactory

    settings.REVIEW_AUTO_FLAGS_PER_PATIENT_PER_DAY = 2
    user = user_create(email="cap@example.test", password="a-Long-enough-pass-42")
    review_flag(session=SymptomSessionFactory(user=user, triage="gp"), reasons=["patient_request"])

    def unclear():
        session = SymptomSessionFactory(user=user, triage="gp", low_confidence=True)
        assert session.status == SymptomSession.Status.COMPLETE
        return review_flag(session=session)

    assert unclear() is not None and unclear() is not None
    assert unclear() is None  # folded: two automatic flags today, the patient request not counted
    assert ClinicianReview.objects.filter(patient_id=user.pk).count() == 3
