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
    # Clearing is explicit: null or an empty list.
    empty = {"date_of_birth": None, "sex": "m", "pregnancy": "na", "allergies": [], "conditions": [],
             "medications": [], "height_cm": None, "weight_kg": None}  # fmt: skip
    cleared = alice_api.put(URL, empty).json()
    assert cleared["allergies"] == [] and cleared["pregnancy"] == "na" and cleared["date_of_birth"] is None


def test_a_put_that_leaves_fields_out_is_refused_and_wipes_nothing(alice_api, alice):
    from accounts.services import health_profile_update

    health_profile_update(user=alice, sex="f", allergies=["penicillin"], medications=["warfarin"])
    response = alice_api.put(URL, {"sex": "f"})
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert {"allergies", "medications", "date_of_birth"} <= set(fields) and "sex" not in fields
    assert "PATCH" in fields["allergies"][0]
    profile = HealthProfile.objects.get(user=alice)
    assert profile.allergies == ["penicillin"] and profile.medications == ["warfarin"]


def test_patch_changes_only_the_fields_sent(alice_api, alice):
    from accounts.services import health_profile_update

    health_profile_update(
        user=alice,
        date_of_birth=datetime.date(1990, 5, 1),
        sex="f",
        pregnancy="yes",
        allergies=["penicillin"],
    )
    response = alice_api.patch(URL, {"medications": ["warfarin 5mg"]})
    assert response.status_code == 200, response.json()
    out = response.json()
    assert out["medications"] == ["warfarin 5mg"] and out["allergies"] == ["penicillin"]
    assert out["pregnancy"] == "yes" and out["date_of_birth"] == "1990-05-01"
    # The page's rules apply to the result: pregnancy cannot stay "yes" once sex is m.
    refused = alice_api.patch(URL, {"sex": "m"})
    assert refused.status_code == 400 and "pregnancy" in refused.json()["fields"]
    assert alice_api.patch(URL, ["not", "an", "object"]).status_code == 400
    assert HealthProfile.objects.get(user=alice).sex == "f"


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
    response = alice_api.patch(URL, body)
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
