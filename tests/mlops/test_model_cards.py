"""Model cards: built from what the registry recorded, stored with the version when it is registered,
gated and promoted, and shown (escaped) in admin, to clinicians and through the API."""

import pytest

from mlops.cards import model_card_build, model_card_render
from mlops.models import ModelVersion
from mlops.services import PromotionRefused, model_version_promote
from tests.mlops.conftest import CHAMPION_SEED
from tests.mlops.test_gates import degenerate

pytestmark = pytest.mark.django_db

SECTIONS = {
    "model_details",
    "intended_use",
    "training_data",
    "evaluation_data",
    "metrics",
    "gates",
    "limitations",
}


def test_a_registered_version_carries_a_card_before_any_gate_ran(normal_version, snapshot):
    card = model_card_build(normal_version)
    assert set(card) == SECTIONS
    assert card["intended_use"]["conditions"] == len(snapshot.disease_slugs)
    assert card["training_data"]["synthetic"] is True
    assert card["training_data"]["sources"]["synthetic_kb"] > 0
    assert card["model_details"]["temperature"] == pytest.approx(
        normal_version.metrics["temperature"], abs=1e-4
    )
    # Top-1/top-3 by number of findings come from the trainer's held-out presentations.
    assert set(card["metrics"]["heldout_by_findings"]) == {"1", "2", "3", "4", "5"}
    assert card["metrics"]["conformal"]["calibrated"] is True
    assert card["metrics"]["conformal"]["coverage_target"] == pytest.approx(0.9)
    assert card["gates"]["run"] is False
    text = normal_version.card
    assert text.startswith(f"# Model card: {normal_version.label}")
    assert "not a diagnosis" in text.lower()
    assert "synthetic patients generated from the knowledge base's symptom frequencies" in text
    assert "The promotion gates have not run on this version yet." in text
    # Parameters as set (a tolerance of 1e-4 is not rounded to 0.000), held-out n as measured.
    assert f"tol={normal_version.params['tol']:g}" in text and "tol=0.000," not in text
    assert f"| {normal_version.metrics['n']} |" in text


def test_promotion_writes_gate_results_subgroups_and_frozen_metrics_into_the_card(trained_champion):
    mv = ModelVersion.objects.get(pk=trained_champion.pk)
    card = model_card_build(mv)
    gates = {g["gate"]: g["passed"] for g in card["gates"]["results"]}
    assert gates == {
        "safety": True,
        "sensitivity": True,
        "quality": True,
        "subgroups": True,
        "calibration": True,
        "coverage": True,
        "latency": True,
    }
    assert card["metrics"]["frozen"]["ece"] is not None and card["metrics"]["frozen"]["ece"] <= 0.05
    groups = card["metrics"]["subgroups"]
    assert groups and all(" / " in g for g in groups)
    assert sum(row["n"] for row in groups.values()) == card["metrics"]["frozen"]["n"]
    assert card["evaluation_data"]["counts"]["synthetic"] == card["metrics"]["frozen"]["n"]
    assert "- safety: passed" in mv.card and "- calibration: passed" in mv.card
    first_group = sorted(groups)[0]
    assert f"| {first_group} | {groups[first_group]['n']} |" in mv.card
    assert mv.card == model_card_render(card)


def test_a_refused_version_card_says_which_gate_refused_and_an_override_is_shown(
    normal_training, register, snapshot
):
    version = register(
        degenerate("always_one_condition", normal_training, snapshot), normal_training[CHAMPION_SEED][1]
    )
    with pytest.raises(PromotionRefused):
        model_version_promote(model_version=version, reason="first")
    version.refresh_from_db()
    assert "- safety: REFUSED" in version.card and "- calibration: REFUSED" in version.card
    assert "Decision: " in version.card and "not promoted" in version.card
    mv = model_version_promote(model_version=version, reason="test", override_reason="demo only")
    mv.refresh_from_db()
    assert "Override: an operator overrode the" in mv.card and "demo only" in mv.card


def test_admin_change_page_shows_the_card_escaped(client, dana, normal_version):
    normal_version.card = "# Card\n<script>alert(1)</script>"
    normal_version.save(update_fields=["card"])
    client.force_login(dana)
    body = client.get(f"/admin/mlops/modelversion/{normal_version.pk}/change/").content.decode()
    assert '<pre class="model-card"># Card\n&lt;script&gt;alert(1)&lt;/script&gt;</pre>' in body
    assert "<script>alert(1)" not in body


def test_clinicians_see_the_champions_card_linked_from_the_queue(client, bob, alice, trained_champion):
    client.force_login(bob)
    assert 'href="/feedback/review/model/"' in client.get("/feedback/review/").content.decode()
    body = client.get("/feedback/review/model/").content.decode()
    assert f"Model card: {trained_champion.label}" in body and "## Gate results" in body
    client.force_login(alice)
    assert client.get("/feedback/review/model/").status_code == 404


def test_the_card_page_without_a_champion_says_so(client, bob):
    client.force_login(bob)
    response = client.get("/feedback/review/model/")
    assert response.status_code == 200 and "No trained model is serving" in response.content.decode()


def test_api_serves_the_card_to_clinicians_and_staff_only(client, alice, bob, dana, normal_version):
    url = f"/api/v1/models/{normal_version.version}/card/"
    for user in (bob, dana):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        data = response.json()
        assert data["version"] == normal_version.version and data["label"] == normal_version.label
        assert set(data["sections"]) == SECTIONS
        assert data["markdown"] == normal_version.card
    assert client.get(f"/api/v1/models/{normal_version.version + 1}/card/").status_code == 404
    client.force_login(alice)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 401


def test_the_card_endpoint_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/models/{version}/card/" in schema and "models_card_retrieve" in schema


def test_a_version_registered_before_cards_gets_one_rendered_on_request(client, bob, normal_version):
    ModelVersion.objects.filter(pk=normal_version.pk).update(card="")
    client.force_login(bob)
    data = client.get(f"/api/v1/models/{normal_version.version}/card/").json()
    assert data["markdown"].startswith(f"# Model card: {normal_version.label}")
