"""Every path that makes a version the champion goes through model_version_promote and its gates:
the retrain loop, `train_models --promote`, `ensure_model`, the admin action and the ranker. An
override needs a reason, is audited and is shown on the version."""

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from medportal.exceptions import ApplicationError
from mlops import gates
from mlops.models import ModelVersion, TrainingRun
from mlops.services import PromotionRefused, model_version_promote, model_version_rollback
from mlops.training import TrainedCandidate
from tests.mlops.conftest import CHALLENGER_SEED, CHAMPION_SEED, constant_estimator

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/mlops/modelversion/"


@pytest.fixture
def gate_calls(monkeypatch):
    """The registry names of the versions the gates ran for, in order (the real gates still run)."""
    calls = []
    real = gates.gates_run

    def spy(*, model_version):
        calls.append(model_version.name)
        return real(model_version=model_version)

    monkeypatch.setattr(gates, "gates_run", spy)
    return calls


@pytest.fixture
def always_acne(snapshot):
    estimator = constant_estimator(snapshot.disease_slugs, "acne")(len(snapshot.symptoms))
    shown = ("top1", "top3", "precision", "recall", "f1", "brier", "ece", "train_seconds", "predict_ms")
    return TrainedCandidate("naive_bayes", estimator, {}, dict.fromkeys(shown, 0.0))


def _trains(monkeypatch, module, candidate):
    monkeypatch.setattr(module, "train_candidate", lambda algorithm, dataset, snapshot, seed=0: candidate)
    monkeypatch.setattr(module, "refit_candidate", lambda candidate, dataset, snapshot, seed=0: candidate)


# --- the paths -------------------------------------------------------------------------------------


def test_the_retrain_loop_promotes_through_the_gates(monkeypatch, gate_calls, normal_training):
    from mlops import loop

    _trains(monkeypatch, loop, normal_training[CHAMPION_SEED][0])
    run = loop.retrain(trigger="labels", per_disease=20)
    assert run.status == TrainingRun.Status.PROMOTED and gate_calls == ["diagnosis"]


def test_train_models_promote_is_refused_by_the_gates(monkeypatch, gate_calls, always_acne):
    from mlops.management.commands import train_models

    _trains(monkeypatch, train_models, always_acne)
    with pytest.raises(CommandError, match="not promoted: safety gate:"):
        call_command("train_models", "--algorithms", "naive_bayes", "--per-disease", "20", "--promote")
    assert gate_calls == ["diagnosis"]
    assert not ModelVersion.objects.filter(alias="champion").exists()


def test_ensure_model_keeps_the_fallback_when_the_gates_refuse(monkeypatch, gate_calls, always_acne):
    from io import StringIO

    from mlops.management.commands import train_models

    _trains(monkeypatch, train_models, always_acne)
    err = StringIO()
    call_command("ensure_model", stdout=StringIO(), stderr=err)
    assert "not promoted" in err.getvalue() and "safety gate" in err.getvalue()
    assert gate_calls == ["diagnosis"]
    assert not ModelVersion.objects.filter(alias="champion").exists()


def test_ensure_model_promotes_the_normal_training_through_the_gates(
    monkeypatch, gate_calls, normal_training
):
    from io import StringIO

    from mlops.management.commands import train_models

    _trains(monkeypatch, train_models, normal_training[CHAMPION_SEED][0])
    out = StringIO()
    call_command("ensure_model", stdout=out)
    assert "every gate passed" in out.getvalue()
    champion = ModelVersion.objects.get(alias="champion")
    assert gate_calls == ["diagnosis"] and champion.metrics["frozen_top1"] > 0.6


def test_the_admin_action_promotes_through_the_gates_and_records_frozen_scores(
    client, dana, gate_calls, normal_training, register
):
    version = register(*normal_training[CHAMPION_SEED])
    assert "frozen_top1" not in version.metrics
    client.force_login(dana)
    client.post(CHANGELIST, {"action": "promote", "_selected_action": [version.pk], "confirm": "yes"})
    version.refresh_from_db()
    assert version.alias == "champion" and gate_calls == ["diagnosis"]
    # Scored on the frozen set, so the "best ever promoted" floor sees it.
    assert gates.best_promoted() == {
        "top-1": version.metrics["frozen_top1"],
        "top-3": version.metrics["frozen_top3"],
    }


def _ratings(user, n=60):
    from diagnosis.models import Disease
    from feedback.models import ItemRating
    from recommendations.models import ConditionMedicine

    link = ConditionMedicine.objects.select_related("disease", "medicine").first()
    for i in range(n):
        ItemRating.objects.create(
            user=user,
            disease=Disease.objects.get(pk=link.disease_id),
            item_type="medicine",
            item_key=link.medicine.slug,
            rating=1 + i % 5,
            age_band="18-39",
        )


def test_the_ranker_is_promoted_through_the_gates(gate_calls):
    from mlops.services import ranker_train
    from tests.recommendations.rating_population import rated_population

    rated_population(signal=True)
    mv = ranker_train(promote=True)
    mv.refresh_from_db()
    assert gate_calls == ["ranker"] and mv.alias == "champion"
    assert {g["gate"]: g["passed"] for g in mv.metrics["gates"]} == {
        "artefact": True,
        "held-out ratings": True,
    }


def test_a_ranker_whose_artefact_does_not_load_is_refused(alice):
    from accounts.services import consent_set
    from mlops.services import ranker_train

    consent_set(user=alice, granted=True)
    _ratings(alice)
    mv = ranker_train(promote=False)
    ModelVersion.objects.filter(pk=mv.pk).update(checksum="0" * 64)
    with pytest.raises(PromotionRefused, match="artefact gate: the model file cannot be loaded"):
        model_version_promote(model_version=mv, reason="test")


def test_a_ranker_that_loses_to_a_baseline_on_held_out_ratings_is_refused(alice):
    from accounts.services import consent_set
    from mlops.services import ranker_train

    consent_set(user=alice, granted=True)
    _ratings(alice)
    mv = ranker_train(promote=False)
    mv.metrics = {
        **mv.metrics,
        "heldout": {"ranker": 0.91, "baselines": {"kb_order": 0.93, "condition_mean": 0.9}},
    }
    mv.save(update_fields=["metrics"])
    with pytest.raises(PromotionRefused, match="held-out ratings gate: ranker 0.9100 does not beat kb_order"):
        model_version_promote(model_version=mv, reason="test")


def test_a_rollback_returns_to_an_earlier_champion_without_running_the_gates_again(
    gate_calls, normal_training, register
):
    first = model_version_promote(model_version=register(*normal_training[CHAMPION_SEED]), reason="first")
    model_version_promote(model_version=register(*normal_training[CHALLENGER_SEED]), reason="second")
    assert model_version_rollback().pk == first.pk
    assert gate_calls == ["diagnosis", "diagnosis"]


# --- refusals and overrides -------------------------------------------------------------------------


def test_a_refusal_names_each_gate_and_why(trained_champion, always_acne, register, normal_training):
    version = register(always_acne, normal_training[CHAMPION_SEED][1])
    with pytest.raises(PromotionRefused) as refused:
        model_version_promote(model_version=version, reason="test")
    message = refused.value.message
    assert message.startswith(f"{version.label} not promoted: safety gate: ")
    assert (
        "heart_attack presentation" in message and "calibration gate: expected calibration error" in message
    )


def test_an_override_needs_a_reason(trained_champion, always_acne, register, normal_training):
    version = register(always_acne, normal_training[CHAMPION_SEED][1])
    with pytest.raises(PromotionRefused):
        model_version_promote(model_version=version, reason="test", override_reason="   ")
    assert ModelVersion.objects.get(alias="champion") == trained_champion


def test_admin_refuses_a_version_the_gates_refuse_and_promotes_it_only_with_an_audited_reason(
    client, dana, trained_champion, always_acne, register, normal_training
):
    version = register(always_acne, normal_training[CHAMPION_SEED][1])
    client.force_login(dana)
    response = client.post(
        CHANGELIST, {"action": "promote", "_selected_action": [version.pk], "confirm": "yes"}, follow=True
    )
    assert "not promoted: safety gate" in response.content.decode()
    assert ModelVersion.objects.get(alias="champion") == trained_champion

    # The override action first asks for a reason...
    form = client.post(CHANGELIST, {"action": "promote_despite_gates", "_selected_action": [version.pk]})
    assert form.status_code == 200 and 'name="override_reason"' in form.content.decode()
    empty = client.post(
        CHANGELIST,
        {"action": "promote_despite_gates", "_selected_action": [version.pk], "override_reason": " "},
    )
    assert "A reason is required" in empty.content.decode()
    assert ModelVersion.objects.get(alias="champion") == trained_champion

    # ...and promotes with one: kept on the version, shown in admin, written to the audit trail.
    reason = "clinical safety officer approved a temporary rollback of the knowledge base, ticket 42"
    client.post(
        CHANGELIST,
        {"action": "promote_despite_gates", "_selected_action": [version.pk], "override_reason": reason},
    )
    version.refresh_from_db()
    assert version.alias == "champion"
    # Refused once already (archived), so the registry gate refuses it too now.
    assert version.override_reason.startswith("dana@example.test overrode the registry, safety, sensitivity")
    assert reason in version.override_reason and "promoted by override" in version.decision
    event = AuditEvent.objects.filter(action="model_promotion", detail__contains="; override of").get()
    assert event.actor == dana and event.object_id == str(version.pk) and "safety" in event.detail
    page = client.get(f"{CHANGELIST}{version.pk}/change/").content.decode()
    assert reason in page


def test_admin_refuses_a_version_archived_as_refused_even_when_the_gates_now_pass(
    client, dana, trained_champion, normal_training, register
):
    version = register(*normal_training[CHALLENGER_SEED])
    ModelVersion.objects.filter(pk=version.pk).update(
        alias=ModelVersion.Alias.ARCHIVED, decision="not promoted: quality gate: (earlier run)"
    )
    client.force_login(dana)
    response = client.post(
        CHANGELIST, {"action": "promote", "_selected_action": [version.pk], "confirm": "yes"}, follow=True
    )
    assert "registry gate" in response.content.decode() and "was refused before" in response.content.decode()
    assert ModelVersion.objects.get(alias="champion") == trained_champion
    client.post(
        CHANGELIST,
        {
            "action": "promote_despite_gates",
            "_selected_action": [version.pk],
            "override_reason": "re-run after fix",
        },
    )
    version.refresh_from_db()
    assert version.alias == "champion" and "registry" in version.override_reason


def test_an_override_of_gates_that_pass_records_no_override(trained_champion, normal_training, register):
    version = register(*normal_training[CHALLENGER_SEED])
    mv = model_version_promote(model_version=version, reason="test", override_reason="just in case")
    assert mv.alias == "champion" and mv.override_reason == ""
    assert not AuditEvent.objects.filter(detail__contains="; override of").exists()


def test_promotion_stops_if_the_champion_changed_while_the_gates_ran(
    monkeypatch, trained_champion, normal_training, register
):
    other = register(*normal_training[CHALLENGER_SEED])
    real = gates.gates_run

    def meanwhile(*, model_version):
        report = real(model_version=model_version)
        ModelVersion.objects.filter(pk=trained_champion.pk).update(alias="archived")
        ModelVersion.objects.filter(pk=other.pk).update(alias="champion")
        return report

    monkeypatch.setattr(gates, "gates_run", meanwhile)
    version = register(*normal_training[CHAMPION_SEED])
    with pytest.raises(ApplicationError, match="champion changed"):
        model_version_promote(model_version=version, reason="test")
