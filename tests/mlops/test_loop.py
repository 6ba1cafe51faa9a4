import pytest
from django.test import override_settings

from diagnosis.models import Disease, RedFlagRule
from diagnosis.services import symptom_check_start
from mlops import gates, loop
from mlops.models import EvaluationCase, ModelVersion, OutboxMessage, TrainingCase, TrainingRun
from mlops.outbox import outbox_enqueue, outbox_sweep
from mlops.services import training_check_key
from tests.mlops.conftest import CHALLENGER_SEED, CHAMPION_SEED, constant_estimator

pytestmark = pytest.mark.django_db

SMALL = {"per_disease": 40, "algorithm": "naive_bayes"}


@pytest.fixture
def trains(monkeypatch):
    """trains(candidate): the loop's next training returns this already trained model (the loop's
    own steps, registration and gates all run; only the fit is skipped)."""

    def _use(candidate):
        monkeypatch.setattr(loop, "train_candidate", lambda algorithm, dataset, snapshot, seed=0: candidate)
        monkeypatch.setattr(loop, "refit_candidate", lambda candidate, dataset, snapshot, seed=0: candidate)

    return _use


def test_first_retrain_promotes_and_records_the_run(snapshot, trains, normal_training):
    trains(normal_training[CHAMPION_SEED][0])
    run = loop.retrain(trigger="manual", **SMALL)
    assert run.status == TrainingRun.Status.PROMOTED, run.result
    assert run.finished_at and run.data_fingerprint
    champion = ModelVersion.objects.get(alias="champion")
    assert champion == run.model_version
    assert run.result == champion.decision and champion.decision.startswith(
        "promoted (manual retrain): safety:"
    )
    assert {g["gate"] for g in run.metrics["gates"]} == {
        "safety",
        "sensitivity",
        "quality",
        "subgroups",
        "calibration",
        "coverage",
        "latency",
    }
    assert champion.metrics["frozen_top1"] > 0.6


def test_retrain_is_idempotent_on_unchanged_data(snapshot):
    loop.retrain(trigger="manual", **SMALL)
    again = loop.retrain(trigger="nightly", **SMALL)
    assert again.status == TrainingRun.Status.SKIPPED
    assert "unchanged" in again.result
    assert ModelVersion.objects.count() == 1


def test_frozen_set_is_created_once_and_never_trained_on(snapshot):
    n = loop.frozen_set_ensure(snapshot)
    assert loop.frozen_set_ensure(snapshot) == n
    frozen, red_flags = loop.frozen_cases()
    assert len(red_flags) == RedFlagRule.objects.filter(is_active=True).count()
    assert EvaluationCase.objects.filter(kind=EvaluationCase.Kind.SAFETY).exists()
    from mlops.training import build_dataset, case_key

    keys = {case_key(c) for c in frozen}
    dataset = build_dataset(snapshot, per_disease=40, exclude_keys=keys)
    assert not keys & {case_key(c) for c in dataset.train}


def test_a_worse_challenger_is_not_promoted(trained_champion):
    # A challenger trained on far less data is clearly worse on the frozen set.
    run = loop.retrain(trigger="manual", per_disease=3, algorithm="naive_bayes")
    assert run.status == TrainingRun.Status.REJECTED, run.result
    assert "not promoted" in run.result and "quality gate: frozen-set top" in run.result
    assert ModelVersion.objects.get(alias="champion") == trained_champion
    assert run.model_version.alias == "archived"
    assert any(not g["passed"] for g in run.metrics["gates"])


def test_the_loop_refuses_a_challenger_that_no_longer_makes_emergencies_emergencies(snapshot, trains):
    """No rule is disabled: the frozen emergency presentations no rule or complaint catches are
    triaged by the model, and a model that answers "acne" to everything fails them."""
    from mlops.training import TrainedCandidate

    always_acne = constant_estimator(snapshot.disease_slugs, "acne")(len(snapshot.symptoms))
    trains(TrainedCandidate("naive_bayes", always_acne, {}, {}))
    run = loop.retrain(trigger="manual", **SMALL)
    assert run.status == TrainingRun.Status.REJECTED
    assert "safety gate:" in run.result and "heart_attack presentation" in run.result
    assert not ModelVersion.objects.filter(alias="champion").exists()


def test_small_losses_cannot_add_up_below_the_best_model_ever_promoted(
    trained_champion, trains, normal_training
):
    """Each challenger may be a point worse than the champion, but not two below the best ever."""
    best = trained_champion
    # Pretend an earlier champion did much better on the frozen set than anything since.
    best.metrics = {**best.metrics, "frozen_top1": best.metrics["frozen_top1"] + 0.2}
    best.save(update_fields=["metrics"])
    trains(normal_training[CHALLENGER_SEED][0])
    run = loop.retrain(trigger="manual", **SMALL)
    assert run.status == TrainingRun.Status.REJECTED, run.result
    assert "best promoted" in run.result
    assert ModelVersion.objects.get(alias="champion") == best


def test_a_second_retrain_while_one_holds_the_lock_is_skipped(snapshot):
    with loop.retrain_lock():
        run = loop.retrain(trigger="manual", **SMALL)
    assert run.status == TrainingRun.Status.SKIPPED and "another retrain" in run.result


def test_the_retrain_task_tries_again_after_one_lock_ttl_when_the_lock_is_held(settings, monkeypatch):
    """A redelivered retrain (its worker was killed) finds the dead holder's lock until the TTL
    lapses: it must come back after that instead of being dropped."""
    from unittest import mock

    from mlops.tasks import retrain_task

    settings.RETRAIN_LOCK_TTL = 7
    calls = []

    def locked(**kwargs):
        calls.append(kwargs)
        raise loop.RetrainInProgress("another retrain holds the lock")

    monkeypatch.setattr(loop, "retrain", locked)
    retry_signal = RuntimeError("retry scheduled")
    with mock.patch.object(retrain_task, "retry", return_value=retry_signal) as retry:
        retrain_task.push_request(is_eager=False, retries=0)
        try:
            with pytest.raises(RuntimeError, match="retry scheduled"):
                retrain_task.run(trigger="labels")
        finally:
            retrain_task.pop_request()
    assert calls[0]["raise_if_locked"] is True
    assert retry.call_args.kwargs["countdown"] == 7
    assert TrainingRun.objects.count() == 0  # nothing recorded for an attempt that will run again


def test_the_last_attempt_of_a_locked_retrain_is_recorded_as_skipped(snapshot):
    from mlops.tasks import retrain_task

    retrain_task.push_request(is_eager=False, retries=retrain_task.max_retries)
    try:
        with loop.retrain_lock():
            result = retrain_task.run(trigger="labels", **SMALL)
    finally:
        retrain_task.pop_request()
    assert result["status"] == TrainingRun.Status.SKIPPED
    assert "another retrain" in result["result"]


def test_a_run_whose_lock_lapsed_fails_instead_of_promoting(snapshot, monkeypatch):
    """If the heartbeat could not keep the lock (Redis gone, process starved), another retrain may
    be running: this one records a failure and leaves the registry alone."""
    import contextlib
    from types import SimpleNamespace

    lapsed = SimpleNamespace(lost=True, lock=SimpleNamespace(owned=lambda: False))

    @contextlib.contextmanager
    def lapsed_lock():
        yield loop.HeldLock(lapsed)

    monkeypatch.setattr(loop, "retrain_lock", lapsed_lock)
    with pytest.raises(loop.RetrainLockLost):
        loop.retrain(trigger="manual", **SMALL)
    run = TrainingRun.objects.get()
    assert run.status == TrainingRun.Status.FAILED and "RetrainLockLost" in run.result
    assert not ModelVersion.objects.filter(alias="champion").exists()


def test_confirmed_outcomes_with_consent_join_training_and_trigger_a_label_check(alice, trained_champion):
    from accounts.services import consent_set
    from mlops.services import confirmed_case_record

    session = symptom_check_start(user=alice, text="runny nose and sneezing")
    cold = Disease.objects.get(slug="common_cold")
    assert confirmed_case_record(session=session, disease=cold) is None  # no consent yet
    consent_set(user=alice, granted=True)
    case = confirmed_case_record(session=session, disease=cold)
    assert case and case.source == "confirmed" and set(case.symptoms) == set(session.symptoms)
    assert gates.confirmed_cases()[0].disease == "common_cold"
    consent_set(user=alice, granted=False)
    assert not TrainingCase.objects.filter(check_key=training_check_key(session.pk)).exists()


@override_settings(
    CELERY_TASK_ALWAYS_EAGER=False,
    REDIS_URL="redis://127.0.0.1:1/0",
    CELERY_BROKER_URL="redis://127.0.0.1:1/0",
)
def test_broker_down_keeps_work_in_the_outbox_and_never_hangs(django_capture_on_commit_callbacks):
    import time

    from medportal.celery import app

    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        started = time.perf_counter()
        with django_capture_on_commit_callbacks(execute=True):
            message = outbox_enqueue(task_name="mlops.outbox_sweep")
        assert time.perf_counter() - started < 5
        message.refresh_from_db()
        assert message.sent_at is None and message.attempts == 1 and message.last_error
        assert outbox_sweep()["pending"] == 1
    finally:
        app.conf.broker_url = "redis://127.0.0.1:6379/0"


def test_sweep_publishes_pending_messages_once_the_broker_is_back(monkeypatch):
    from medportal.celery import app

    sent = []
    OutboxMessage.objects.create(task_name="mlops.retrain", kwargs={"trigger": "labels"})
    monkeypatch.setattr(app, "send_task", lambda name, kwargs=None, retry=False: sent.append((name, kwargs)))
    result = outbox_sweep()
    assert result == {"sent": 1, "pending": 0, "failed": 0}
    assert sent == [("mlops.retrain", {"trigger": "labels"})]


def test_dedupe_key_keeps_one_pending_message(django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr("mlops.outbox._run_eagerly", lambda m: None)
    first = outbox_enqueue(task_name="mlops.retrain", dedupe_key="k")
    second = outbox_enqueue(task_name="mlops.retrain", dedupe_key="k")
    assert first.pk == second.pk


def test_admin_registry_shows_a_metrics_chart_and_promote_and_rollback_work(
    client, dana, normal_training, register
):
    first, second = (register(*normal_training[seed]) for seed in (CHAMPION_SEED, CHALLENGER_SEED))
    client.force_login(dana)
    page = client.get("/admin/mlops/modelversion/")
    html = page.content.decode()
    assert page.status_code == 200 and "<polyline" in html and "top-1" in html
    client.post(
        "/admin/mlops/modelversion/", {"action": "promote", "_selected_action": [first.pk], "confirm": "yes"}
    )
    assert ModelVersion.objects.get(alias="champion") == first
    client.post(
        "/admin/mlops/modelversion/", {"action": "promote", "_selected_action": [second.pk], "confirm": "yes"}
    )
    assert ModelVersion.objects.get(alias="champion") == second
    client.post(
        "/admin/mlops/modelversion/",
        {"action": "rollback", "_selected_action": [second.pk], "confirm": "yes"},
    )
    assert ModelVersion.objects.get(alias="champion") == first
    assert "rolled back" in ModelVersion.objects.get(pk=first.pk).decision


def test_eager_outbox_runs_registered_tasks_in_a_web_process(
    alice, trained_champion, django_capture_on_commit_callbacks
):
    """Regression: tasks must be registered outside Celery workers (dev server, shell)."""
    from accounts.services import consent_set
    from mlops.services import confirmed_case_record

    consent_set(user=alice, granted=True)
    session = symptom_check_start(user=alice, text="runny nose and sneezing")
    with django_capture_on_commit_callbacks(execute=True):
        confirmed_case_record(session=session, disease=Disease.objects.get(slug="common_cold"))
    message = OutboxMessage.objects.get(task_name="mlops.retrain_if_enough_labels")
    assert message.sent_at is not None and message.last_error == ""


def test_rollbacks_walk_back_through_the_promotion_history(normal_training, register):
    from medportal.exceptions import ApplicationError
    from mlops.services import model_version_promote, model_version_rollback

    v1, v2, v3 = (register(*normal_training[CHAMPION_SEED]) for _ in range(3))
    for mv in (v1, v2, v3):
        model_version_promote(model_version=mv, reason="test")
    assert model_version_rollback().pk == v2.pk
    assert model_version_rollback().pk == v1.pk  # was: back to v3, flipping between the newest two
    with pytest.raises(ApplicationError):
        model_version_rollback()
    assert ModelVersion.objects.get(alias="champion").pk == v1.pk


def test_admin_keeps_the_champion_and_shows_training_runs_read_only(client, dana, trained_champion):
    from mlops.models import TrainingCase, TrainingRun

    TrainingRun.objects.create(trigger="manual", status="promoted", result="promoted: frozen-set top-1 0.75")
    client.force_login(dana)
    url = f"/admin/mlops/modelversion/{trained_champion.pk}/delete/"
    assert client.get(url).status_code == 403
    client.post(url, {"post": "yes"})
    bulk = client.post(
        "/admin/mlops/modelversion/",
        {"action": "delete_selected", "_selected_action": [trained_champion.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert ModelVersion.objects.filter(pk=trained_champion.pk, alias="champion").exists()
    runs = client.get("/admin/mlops/trainingrun/")
    assert runs.status_code == 200 and "promoted" in runs.content.decode()
    assert client.get("/admin/mlops/trainingcase/add/").status_code == 403
    assert not TrainingCase.objects.exists()


def test_a_clinicians_other_not_listed_condition_never_becomes_a_training_case(alice, trained_champion):
    """review_close passes no disease for "Other / not listed": no label, and an earlier case of the
    check is removed, so the model is never taught a condition the clinician ruled out."""
    from accounts.services import consent_set
    from mlops.services import confirmed_case_record

    consent_set(user=alice, granted=True)
    session = symptom_check_start(user=alice, text="runny nose and sneezing")
    assert confirmed_case_record(session=session, disease=Disease.objects.get(slug="common_cold"))
    assert confirmed_case_record(session=session, disease=None) is None
    assert not TrainingCase.objects.filter(check_key=training_check_key(session.pk)).exists()
    assert all(case.disease for case in gates.confirmed_cases())
