from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import AgeBand, ConsentEvent, HealthProfile, Pregnancy
from accounts.services import consent_set, health_profile_update
from medportal.encryption import all_encrypted_fields

pytestmark = pytest.mark.django_db


def _raw_columns(profile_id: int) -> dict[str, str]:
    """The stored text of each encrypted column. Not the whole row: a timestamp such as
    "07:48:37.017192" holds "171" by chance, which once failed the height check."""
    columns = [field.column for field in all_encrypted_fields(HealthProfile)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM accounts_healthprofile WHERE id = %s",  # noqa: S608
            [profile_id],
        )
        return {column: str(value) for column, value in zip(columns, cursor.fetchone(), strict=True)}


def test_raw_sql_shows_no_plaintext_health_data(alice):
    profile = health_profile_update(
        user=alice,
        date_of_birth=date(1990, 5, 17),
        sex="f",
        pregnancy=Pregnancy.YES,
        allergies=["Penicillin", "peanuts"],
        conditions=["asthma"],
        medications=["warfarin"],
        height_cm=171,
        weight_kg=64,
    )
    raw = _raw_columns(profile.pk)
    for secret in ("penicillin", "peanuts", "asthma", "warfarin", "1990-05-17"):
        assert secret not in " ".join(raw.values()).lower()
    # every health value is stored as a Fernet token, the height included
    for column in ("allergies", "conditions", "medications", "date_of_birth", "height_cm", "weight_kg"):
        assert raw[column].startswith("gAAAAA"), column
    profile = HealthProfile.objects.get(pk=profile.pk)
    assert profile.allergies == ["penicillin", "peanuts"]
    assert profile.date_of_birth == date(1990, 5, 17)
    assert profile.height_cm == 171
    assert profile.is_pregnant
    assert profile.age_band == AgeBand.YOUNG_ADULT or profile.age_band == AgeBand.ADULT


def test_pregnancy_is_dropped_unless_sex_is_female(alice):
    profile = health_profile_update(user=alice, sex="m", pregnancy=Pregnancy.YES)
    assert profile.pregnancy == Pregnancy.NOT_APPLICABLE


def test_profile_page_saves_a_valid_form(alice_client, alice):
    response = alice_client.post(
        reverse("accounts:profile"),
        {
            "date_of_birth": "1985-02-03",
            "sex": "f",
            "pregnancy": "no",
            "allergies": "penicillin,  Ibuprofen ;",
            "conditions": "",
            "medications": "sertraline",
            "height_cm": "160",
            "weight_kg": "",
        },
    )
    assert response.status_code == 302
    profile = HealthProfile.objects.get(user=alice)
    assert profile.allergies == ["penicillin", "ibuprofen"]
    assert profile.medications == ["sertraline"]
    assert response.headers["Location"] == reverse("accounts:profile")


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"date_of_birth": (timezone.localdate() + timedelta(days=2)).isoformat()},
            "date_of_birth",
            "future",
        ),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth", "120 years"),
        ({"sex": "m", "pregnancy": "yes"}, "pregnancy", "only be recorded"),
        ({"sex": "f", "pregnancy": "yes", "date_of_birth": "2020-01-01"}, "pregnancy", "unusual"),
        ({"height_cm": "9000"}, "height_cm", "less than or equal"),
        ({"date_of_birth": "not a date"}, "date_of_birth", "valid date"),
        # The limit counts the text, not the number of entries (600 characters in two entries).
        ({"allergies": "x" * 300 + ", " + "y" * 300}, "allergies", "at most 500 characters (it has 602)"),
        ({"medications": "warfarin, " * 100 + "a" * 600}, "medications", "at most 500 characters"),
        ({"allergies": "pea\x00nuts"}, "allergies", "Null characters"),
    ],
)
def test_profile_form_rejects_bad_input_with_a_message(alice_client, data, field, message):
    response = alice_client.post(reverse("accounts:profile"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])


def test_a_list_of_exactly_the_limit_is_saved(alice_client, alice):
    words = ", ".join([c * 98 for c in "abcd"] + ["e" * 100])  # 4 x 98 + 100 + 4 x 2 = 500
    response = alice_client.post(reverse("accounts:profile"), {"allergies": words})
    assert response.status_code == 302, response.context["form"].errors
    assert len(", ".join(HealthProfile.objects.get(user=alice).allergies)) == 500


def test_the_list_box_tells_the_browser_its_limit(alice_client):
    html = alice_client.get(reverse("accounts:profile")).content.decode()
    assert html.count('maxlength="500"') == 3


def test_profile_page_needs_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.headers["Location"]


def test_profile_page_is_not_cached(alice_client):
    response = alice_client.get(reverse("accounts:profile"))
    assert "no-store" in response.headers["Cache-Control"]


def test_consent_is_off_by_default_and_revocable(alice_client, alice):
    profile = HealthProfile.objects.get(user=alice)
    assert profile.training_consent is False
    alice_client.post(reverse("accounts:consent"), {"granted": "on"})
    profile.refresh_from_db()
    assert profile.training_consent is True
    assert profile.training_consent_at is not None
    alice_client.post(reverse("accounts:consent"), {"granted": ""})
    profile.refresh_from_db()
    assert profile.training_consent is False
    assert list(ConsentEvent.objects.filter(user=alice).values_list("granted", flat=True)) == [False, True]


def test_consent_set_twice_records_one_event(alice):
    consent_set(user=alice, granted=True)
    consent_set(user=alice, granted=True)
    assert ConsentEvent.objects.filter(user=alice).count() == 1


def test_every_help_text_on_the_profile_page_is_linked_to_its_field(alice_client):
    """Screen readers read a field's help through aria-describedby: the ids must match."""
    import re

    html = alice_client.get(reverse("accounts:profile")).content.decode()
    help_ids = re.findall(r'<div class="nhsuk-hint" id="([^"]+)"', html)
    described = set(re.findall(r'aria-describedby="([^"]+)"', html))
    assert help_ids and set(help_ids) <= described
