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
