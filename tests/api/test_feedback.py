import pytest

from feedback.models import CheckFeedback, ItemRating

pytestmark = pytest.mark.django_db


@pytest.fixture
def cold(alice_api, start_check):
    check = start_check(symptoms=["runny nose", "sneezing", "sore throat"])
    alice_api.post(f"/api/v1/checks/{check['id']}/finish/")
    return check


def test_rating_an_item_is_stored_and_can_be_changed(alice_api, alice, cold):
    url = f"/api/v1/checks/{cold['id']}/ratings/"
    advice = alice_api.get(f"/api/v1/checks/{cold['id']}/recommendations/").json()["advice"][0]
    body = {
        "condition": advice["condition_slug"],
        "item_type": "medicine",
        "item_key": advice["medicines"][0]["slug"],
        "rating": 4,
    }
    response = alice_api.post(url, body)
    assert response.status_code == 201
    assert response.json() == {**body, "id": ItemRating.objects.get().pk}
    alice_api.post(url, {**body, "rating": 2})
    rating = ItemRating.objects.get()
    assert rating.rating == 2 and rating.user == alice


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"rating": 9}, "rating"),
        ({"rating": "x"}, "rating"),
        ({"item_type": "spaceship"}, "item_type"),
        ({"condition": "migraine"}, "non_field_errors"),
    ],
)
def test_bad_ratings_are_400s_with_fields(alice_api, cold, bad, field):
    body = {
        "condition": cold["conditions"][0]["slug"],
        "item_type": "medicine",
        "item_key": "paracetamol",
        "rating": 3,
        **bad,
    }
    response = alice_api.post(f"/api/v1/checks/{cold['id']}/ratings/", body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert field in response.json()["fields"]
    assert not ItemRating.objects.exists()


def test_check_feedback_is_stored(alice_api, cold):
    url = f"/api/v1/checks/{cold['id']}/feedback/"
    response = alice_api.post(url, {"helpful": True, "top_correct": "unsure"})
    assert response.status_code == 200
    assert response.json() == {"helpful": True, "top_correct": "unsure", "wants_clinician_review": False}
    # Fields left out keep their value.
    response = alice_api.post(url, {"wants_clinician_review": True})
    assert response.json() == {"helpful": True, "top_correct": "unsure", "wants_clinician_review": True}
    feedback = CheckFeedback.objects.get(session_id=cold["id"])
    assert feedback.wants_clinician_review and feedback.helpful


def test_bad_feedback_is_a_400(alice_api, cold):
    response = alice_api.post(f"/api/v1/checks/{cold['id']}/feedback/", {"top_correct": "perhaps"})
    assert response.status_code == 400
    assert "top_correct" in response.json()["fields"]
