"""Only items a check could have shown can be rated: the ratings train the recommendation ranker."""

import pytest
from django.urls import reverse

from diagnosis.services import symptom_check_start
from feedback.models import ItemRating
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


def _complete(session):
    session.status = "complete"
    session.next_question = ""
    session.save()
    return session


@pytest.fixture
def cold_check(alice, trained_champion):
    chips = ["runny nose", "sneezing", "cough", "sore throat", "watery eyes"]
    session = _complete(symptom_check_start(user=alice, chips=chips))
    assert session.conditions[0]["slug"] == "common_cold"
    assert "allergy" in {c["slug"] for c in session.conditions}
    assert session.triage != "emergency"
    return session


@pytest.fixture
def emergency_check(alice, trained_champion):
    session = _complete(symptom_check_start(user=alice, chips=["chest pain", "shortness of breath"]))
    assert session.triage == "emergency"
    # A listed condition whose knowledge-base entry does list medicines (for a non-emergency check).
    assert "pneumonia" in {c["slug"] for c in session.conditions}
    return session


@pytest.fixture
def alice_api(alice):
    return token_client(alice)


def _rate(client, session, **body):
    body = {
        "condition": "common_cold",
        "item_type": "medicine",
        "item_key": "paracetamol",
        "rating": 5,
        **body,
    }
    return client.post(f"/api/v1/checks/{session.pk}/ratings/", body, format="json")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"item_key": "warfarin"}, "item_key"),  # a real medicine, but not advised for a cold
        ({"item_key": "totally-made-up"}, "item_key"),
        ({"item_key": "cetirizine"}, "item_key"),  # listed for allergy (also on the check), not the cold
        ({"item_type": "precaution", "item_key": "99999"}, "item_key"),
        ({"item_type": "precaution", "item_key": "paracetamol"}, "item_key"),
        ({"item_type": "diet", "item_key": "-1"}, "item_key"),
        ({"item_type": "activity", "item_key": "3"}, "item_key"),  # the cold has 3 activity items: 0-2
    ],
)
def test_api_refuses_items_the_check_never_showed(alice_api, cold_check, body, field):
    response = _rate(alice_api, cold_check, **body)
    assert response.status_code == 400, response.json()
    payload = response.json()
    assert payload["error"] == "invalid"
    assert field in payload["fields"]
    assert payload["detail"].startswith(f"{field}: ")
    assert not ItemRating.objects.exists()


def test_api_rates_a_shown_medicine_and_a_re_rating_is_a_200_update(alice_api, cold_check):
    first = _rate(alice_api, cold_check, rating=4)
    assert first.status_code == 201, first.json()
    again = _rate(alice_api, cold_check, rating=2)
    assert again.status_code == 200, again.json()
    assert again.json() == {
        "id": first.json()["id"],
        "condition": "common_cold",
        "item_type": "medicine",
        "item_key": "paracetamol",
        "rating": 2,
    }
    assert ItemRating.objects.get().rating == 2


def test_api_rates_precautions_by_their_position_in_the_advice(alice_api, cold_check):
    advice = alice_api.get(f"/api/v1/checks/{cold_check.pk}/recommendations/").json()["advice"][0]
    last = len(advice["precautions"]) - 1
    assert _rate(alice_api, cold_check, item_type="precaution", item_key=str(last)).status_code == 201
    assert _rate(alice_api, cold_check, item_type="precaution", item_key="0").status_code == 201
    response = _rate(alice_api, cold_check, item_type="precaution", item_key=str(last + 1))
    assert response.status_code == 400
    assert "item_key" in response.json()["fields"]
    assert sorted(ItemRating.objects.values_list("item_key", flat=True)) == sorted(["0", str(last)])


@pytest.mark.parametrize(
    ("condition", "item_key"),
    [("pneumonia", "paracetamol"), ("heart_attack", "aspirin")],
)
def test_api_refuses_ratings_on_an_emergency_check(alice_api, emergency_check, condition, item_key):
    response = _rate(alice_api, emergency_check, condition=condition, item_key=item_key)
    assert response.status_code == 400, response.json()
    assert "item_type" in response.json()["fields"]
    assert not ItemRating.objects.exists()
    # Emergency advice shows no precautions, diet or activity either: nothing can be rated.
    refused = _rate(
        alice_api, emergency_check, condition="heart_attack", item_type="precaution", item_key="0"
    )
    assert refused.status_code == 400 and "item_type" in refused.json()["fields"]
    assert not ItemRating.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"item_key": "warfarin"},
        {"item_key": "totally-made-up"},
        {"item_type": "precaution", "item_key": "99999"},
    ],
)
def test_website_refuses_items_the_check_never_showed_with_a_message(alice_client, cold_check, data):
    url = reverse("feedback:rate_item", args=[cold_check.pk])
    body = {"disease": "common_cold", "item_type": "medicine", "item_key": "paracetamol", "rating": 5, **data}
    response = alice_client.post(url, body, follow=True)
    assert response.status_code == 200
    assert not ItemRating.objects.exists()
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert errors == ["That item is not part of the advice for this condition."]


def test_website_refuses_medicine_ratings_on_an_emergency_check(alice_client, emergency_check):
    url = reverse("feedback:rate_item", args=[emergency_check.pk])
    body = {"disease": "pneumonia", "item_type": "medicine", "item_key": "paracetamol", "rating": 5}
    response = alice_client.post(url, body, follow=True)
    assert response.status_code == 200
    assert not ItemRating.objects.exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_website_still_rates_a_shown_medicine(alice_client, cold_check):
    html = alice_client.get(cold_check.get_absolute_url()).content.decode()
    assert 'name="item_key" value="paracetamol"' in html
    url = reverse("feedback:rate_item", args=[cold_check.pk])
    body = {"disease": "common_cold", "item_type": "medicine", "item_key": "paracetamol", "rating": 4}
    response = alice_client.post(url, body, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    # Nothing else on the page can be rated: a made-up key next to it is refused.
    alice_client.post(url, {**body, "item_key": "paracetamol2"})
    assert list(ItemRating.objects.values_list("item_key", "rating")) == [("paracetamol", 4)]
