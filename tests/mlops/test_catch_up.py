"""The nightly retrain catch-up: a slot beat lost in a broker outage is queued once, and only then."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from mlops import loop
from mlops.models import ModelVersion, OutboxMessage, TrainingRun

pytestmark = pytest.mark.django_db

SLOT = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)  # the migration's nightly schedule: 02:30 UTC
AFTER_GRACE = SLOT + timedelta(hours=2)


def _at(moment, model, **fields):
    """Create `model` row, then move its auto_now_add timestamp to `moment`."""
    obj = model.objects.create(**fields)
    stamp = "started_at" if model is TrainingRun else "created_at"
    model.objects.filter(pk=obj.pk).update(**{stamp: moment})
    return obj


@pytest.fixture
def deployed():
    """A portal that had a model (and last night's run) before the slot."""
    _at(SLOT - timedelta(days=3), ModelVersion, version=99, algorithm="naive_bayes", data_fingerprint="old")
    _at(SLOT - timedelta(days=1), TrainingRun, trigger="nightly", status="rejected", data_fingerprint="old")


def _catch_ups():
    return OutboxMessage.objects.filter(task_name="mlops.retrain", dedupe_key__startswith="retrain:nightly")


def test_the_last_slot_is_read_from_the_beat_schedule():
    assert loop.nightly_slot_before(AFTER_GRACE) == SLOT
    assert loop.nightly_slot_before(SLOT - timedelta(minutes=1)) == SLOT - timedelta(days=1)


def test_a_missed_slot_is_queued_once(deployed):
    result = loop.nightly_retrain_catch_up(now=AFTER_GRACE)
    assert result["queued"] is True, result
    message = _catch_ups().get()
    assert message.kwargs == {"trigger": loop.NIGHTLY_CATCH_UP}
    assert message.dedupe_key.endswith("2026-03-10T02:30")


def test_called_twice_queues_once_even_after_the_first_was_published(deployed):
    loop.nightly_retrain_catch_up(now=AFTER_GRACE)
    _catch_ups().update(sent_at=timezone.now())  # published, not yet run by a worker
    again = loop.nightly_retrain_catch_up(now=AFTER_GRACE + timedelta(minutes=30))
    assert again["queued"] is False and "already queued" in again["reason"]
    assert _catch_ups().count() == 1


def test_nothing_is_queued_when_the_nightly_run_happened(deployed):
    _at(SLOT + timedelta(minutes=1), TrainingRun, trigger="nightly", status="skipped")
    result = loop.nightly_retrain_catch_up(now=AFTER_GRACE)
    assert result["queued"] is False and "ran since the slot" in result["reason"]
    assert not _catch_ups().exists()


def test_nothing_is_queued_within_the_grace_period(deployed, settings):
    settings.RETRAIN_CATCH_UP_GRACE_MINUTES = 60
    result = loop.nightly_retrain_catch_up(now=SLOT + timedelta(minutes=20))
    assert result["queued"] is False and "grace" in result["reason"]
    assert not _catch_ups().exists()


def test_nothing_is_queued_when_a_run_since_the_slot_trained_on_the_same_data(deployed, monkeypatch):
    run = _at(
        SLOT + timedelta(minutes=40), TrainingRun, trigger="labels", status="promoted", data_fingerprint="new"
    )
    monkeypatch.setattr(loop, "current_training_fingerprint", lambda: "new")
    result = loop.nightly_retrain_catch_up(now=AFTER_GRACE)
    assert result["queued"] is False and f"run #{run.pk}" in result["reason"]
    assert not _catch_ups().exists()


def test_a_run_since_the_slot_on_older_data_does_not_stop_the_catch_up(deployed, monkeypatch):
    _at(
        SLOT + timedelta(minutes=40), TrainingRun, trigger="labels", status="promoted", data_fingerprint="new"
    )
    monkeypatch.setattr(loop, "current_training_fingerprint", lambda: "newer")
    assert loop.nightly_retrain_catch_up(now=AFTER_GRACE)["queued"] is True
    assert _catch_ups().count() == 1


def test_a_fresh_install_has_nothing_to_catch_up():
    _at(SLOT + timedelta(hours=1), ModelVersion, version=1, algorithm="naive_bayes", data_fingerprint="x")
    result = loop.nightly_retrain_catch_up(now=AFTER_GRACE)
    assert result["queued"] is False and "fresh install" in result["reason"]
    assert not _catch_ups().exists()


def test_a_disabled_nightly_schedule_is_respected(deployed):
    from django_celery_beat.models import PeriodicTask

    PeriodicTask.objects.filter(task="mlops.retrain").update(enabled=False)
    assert loop.nightly_retrain_catch_up(now=AFTER_GRACE) == {
        "queued": False,
        "reason": "no enabled nightly retrain schedule",
    }


def test_the_task_runs_the_catch_up_eagerly_and_the_queued_retrain_is_recorded_as_caught_up(
    deployed, monkeypatch, django_capture_on_commit_callbacks
):
    from mlops import tasks

    calls = []
    monkeypatch.setattr(
        loop, "retrain", lambda **kw: calls.append(kw) or TrainingRun.objects.create(trigger=kw["trigger"])
    )
    monkeypatch.setattr(timezone, "now", lambda: AFTER_GRACE)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.nightly_retrain_catch_up_task.delay()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.nightly_retrain_catch_up_task.delay()
    assert [c["trigger"] for c in calls] == [loop.NIGHTLY_CATCH_UP]
    assert _catch_ups().get().sent_at is not None


def test_the_hourly_check_is_scheduled():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="mlops.nightly_retrain_catch_up")
    assert task.enabled and task.crontab.hour == "*"


def test_a_starting_worker_queues_the_check(monkeypatch):
    from celery.signals import worker_ready

    from mlops import tasks

    queued = []
    monkeypatch.setattr(tasks.nightly_retrain_catch_up_task, "delay", lambda: queued.append(1))
    worker_ready.send(sender=None)
    assert queued == [1]


def test_a_starting_worker_that_cannot_queue_the_check_still_starts(monkeypatch, caplog):
    from celery.signals import worker_ready

    from mlops import tasks

    def broken():
        raise ConnectionError("broker gone")

    monkeypatch.setattr(tasks.nightly_retrain_catch_up_task, "delay", broken)
    worker_ready.send(sender=None)  # no exception reaches the worker
    assert "could not queue the nightly retrain catch-up check" in caplog.text


def test_the_fingerprint_the_check_compares_is_the_one_a_retrain_records(snapshot, settings):
    settings.RETRAIN_SYNTHETIC_PER_DISEASE = 40
    run = loop.retrain(trigger="labels", algorithm="naive_bayes")
    assert run.data_fingerprint
    assert loop.current_training_fingerprint() == run.data_fingerprint
