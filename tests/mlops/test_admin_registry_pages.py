"""The model-version admin: a changelist that fits the screen, a chart with labelled axes, metrics as
tables on the change page, and promote/rollback that ask for confirmation before changing anything."""

import pytest

from mlops.admin import metrics_summary
from mlops.models import ModelVersion
from mlops.services import model_version_promote
from tests.mlops.conftest import CHALLENGER_SEED, CHAMPION_SEED

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/mlops/modelversion/"


def _post(client, action, pk, **extra):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [pk], **extra})


def test_promote_asks_for_confirmation_and_only_the_confirmed_form_promotes(
    client, dana, normal_training, register
):
    version = register(*normal_training[CHAMPION_SEED])
    client.force_login(dana)
    # A GET with the action's parameters never runs an action.
    client.get(CHANGELIST, {"action": "promote", "_selected_action": version.pk, "confirm": "yes"})
    version.refresh_from_db()
    assert version.alias != "champion"
    page = _post(client, "promote", version.pk)
    html = page.content.decode()
    assert page.status_code == 200 and "Promote " in html
    assert "Champion now: <strong>none" in html and f"Champion after: <strong>{version.label}" in html
    assert 'class="metrics-table gate-results"' in html and ">safety<" in html and ">passed<" in html
    assert 'name="confirm" value="yes"' in html
    version.refresh_from_db()
    assert version.alias != "champion" and version.promoted_at is None

    _post(client, "promote", version.pk, confirm="yes")
    version.refresh_from_db()
    assert version.alias == "champion"


def test_the_promote_confirmation_names_the_champion_it_replaces(client, dana, normal_training, register):
    first = model_version_promote(model_version=register(*normal_training[CHAMPION_SEED]), reason="first")
    second = register(*normal_training[CHALLENGER_SEED])
    client.force_login(dana)
    html = _post(client, "promote", second.pk).content.decode()
    assert (
        f"Champion now: <strong>{first.label}" in html and f"Champion after: <strong>{second.label}" in html
    )
    assert ModelVersion.objects.get(alias="champion") == first


def test_rollback_asks_for_confirmation_and_only_the_confirmed_form_rolls_back(
    client, dana, normal_training, register
):
    first = model_version_promote(model_version=register(*normal_training[CHAMPION_SEED]), reason="first")
    second = model_version_promote(model_version=register(*normal_training[CHALLENGER_SEED]), reason="second")
    client.force_login(dana)
    page = _post(client, "rollback", second.pk)
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Champion now (diagnosis): <strong>{second.label}" in html
    assert f"Champion after: <strong>{first.label}" in html and "does not run the gates again" in html
    assert ModelVersion.objects.get(alias="champion") == second

    _post(client, "rollback", second.pk, confirm="yes")
    assert ModelVersion.objects.get(alias="champion") == first


def test_change_page_shows_metrics_as_tables_with_the_raw_json_folded(
    client, dana, normal_training, register
):
    version = model_version_promote(model_version=register(*normal_training[CHAMPION_SEED]), reason="t")
    client.force_login(dana)
    html = client.get(f"{CHANGELIST}{version.pk}/change/").content.decode()
    assert 'class="metrics-table"' in html
    for label in (
        "top-1 (held-out",
        "top-3 (frozen evaluation set)",
        "ECE",
        "temperature",
        "By number of findings",
    ):
        assert label in html, label
    assert "Gate results" in html and ">calibration<" in html and ">passed<" in html
    assert '<details class="metrics-raw"><summary>Raw metrics (JSON)</summary><pre>{' in html
    assert "css/admin-mlops.css" in html


def test_changelist_has_few_columns_and_a_chart_with_labelled_axes(client, dana, normal_training, register):
    register(*normal_training[CHAMPION_SEED])
    client.force_login(dana)
    html = client.get(CHANGELIST).content.decode()
    header = html.split('id="result_list"')[1].split("</thead>")[0]
    assert header.count('<th scope="col"') == 7  # the checkbox and six columns
    assert "Accuracy (share of cases)" in html and "Registered versions, oldest to newest" in html
    assert "Each dot is one registered diagnosis version (1 in all)" in html and ">v1<" in html
    assert "style=" not in html.split('<figure class="module metrics-chart"')[1].split("</figure>")[0]


def test_metrics_summary_rounds_scores_orders_findings_and_keeps_refusal_reasons():
    summary = metrics_summary(
        {
            "top1": 0.71234,
            "temperature": 1.5,
            "by_k": {"10": {"top1": 0.9, "top3": 1.0, "n": 50}, "2": {"top1": 0.4, "top3": 0.7, "n": 60}},
            "gates": [
                {"gate": "safety", "passed": True, "detail": "no red-flag case under-triaged"},
                {"gate": "calibration", "passed": False, "detail": "expected calibration error 0.09 > 0.05"},
            ],
        }
    )
    assert ("top-1 (held-out partial presentations)", "0.712") in summary["scores"]
    assert ("temperature (probability scaling)", "1.500") in summary["scores"]
    assert all(value != "—" for _, value in summary["scores"])  # unmeasured rows are left out
    assert [row["k"] for row in summary["findings"]] == ["2", "10"]
    assert summary["gates"][1] == {
        "gate": "calibration",
        "passed": False,
        "detail": "expected calibration error 0.09 > 0.05",
    }
    assert metrics_summary(None) == {"scores": [], "findings": [], "gates": [], "gated_against": ""}


def test_the_promote_confirmation_of_a_version_that_is_not_ready_says_so_and_runs_no_gates(client, dana):
    pending = ModelVersion.objects.create(
        version=9, algorithm="naive_bayes", data_fingerprint="f", status="pending"
    )
    client.force_login(dana)
    html = _post(client, "promote", pending.pk).content.decode()
    assert "is pending, not ready: it cannot be promoted" in html and "gate-results" not in html
    _post(client, "promote", pending.pk, confirm="yes")
    pending.refresh_from_db()
    assert pending.alias == "" and not ModelVersion.objects.filter(alias="champion").exists()
