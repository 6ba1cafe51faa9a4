import datetime

import pytest
from django.utils import timezone

from accounts.models import ConsentEvent, HealthProfile

pytestmark = pytest.mark.django_db

URL = "/api/v1/profile/"


def test_read_the_empty_profile(alice_api):
    response = alice_api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["allergies"] == [] and body["date_of_birth"] is None
    assert body["training_consent"] is False


def test_replace_the_profile(alice_api, alice):
    body = {
        "date_of_birth": "1990-05-01",
        "sex": "f",
        "pregnancy": "yes",
        "allergies": ["Penicillin", " peanuts "],
        "conditions": ["asthma"],
        "medications": [],
        "height_cm": 170,
        "weight_kg": 60,
    }
    response = alice_api.put(URL, body)
    assert response.status_code == 200, response.json()
    out = response.json()
    assert out["allergies"] == ["penicillin", "peanuts"]
    assert out["pregnancy"] == "yes" and out["age_band"] in ("18-39", "40-64")
    profile = HealthProfile.objects.get(user=alice)
    assert profile.date_of_birth == datetime.date(1990, 5, 1) and profile.height_cm == 170
    # Fields left out are cleared, as on the profile page.
    cleared = alice_api.put(URL, {"sex": "m"}).json()
    assert cleared["allergies"] == [] and cleared["pregnancy"] == "na" and cleared["date_of_birth"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sex": "m", "pregnancy": "yes"}, "pregnancy"),
        ({"date_of_birth": str(timezone.localdate() + datetime.timedelta(days=2))}, "date_of_birth"),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth"),
        ({"height_cm": 500}, "height_cm"),
        ({"weight_kg": "heavy"}, "weight_kg"),
        ({"allergies": ["x" * 300, "y" * 300]}, "allergies"),
        ({"sex": "x"}, "sex"),
    ],
)
def test_the_profile_pages_rules_apply(alice_api, alice, body, field):
    response = alice_api.put(URL, body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert field in response.json()["fields"]
    assert HealthProfile.objects.get(user=alice).sex == ""


def test_consent_can_be_given_and_withdrawn(alice_api, alice):
    given = alice_api.post(f"{URL}consent/", {"granted": True})
    assert given.status_code == 200 and given.json()["training_consent"] is True
    assert given.json()["training_consent_at"]
    withdrawn = alice_api.post(f"{URL}consent/", {"granted": False}).json()
    assert withdrawn == {"training_consent": False, "training_consent_at": None}
    assert list(ConsentEvent.objects.filter(user=alice).values_list("granted", flat=True)) == [False, True]


def test_consent_needs_a_boolean(alice_api):
    response = alice_api.post(f"{URL}consent/", {})
    assert response.status_code == 400
    assert "granted" in response.json()["fields"]
