"""Feedback → retrain → promotion end to end, with a real Redis broker and a real Celery worker."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def kb(transactional_db, kb_load):
    kb_load()


@pytest.fixture
def worker(postgres_required, redis_required, settings, kb):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "medportal.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MODEL_STORE_DIR": str(settings.MODEL_STORE_DIR),
        "MODEL_CACHE_DIR": str(Path(settings.MODEL_STORE_DIR).parent / "worker-model-cache"),
        "RETRAIN_NEW_LABELS_TRIGGER": "1",
        "RETRAIN_SYNTHETIC_PER_DISEASE": "60",
        # The loop, not conformal calibration (tests/diagnosis/test_conformal*.py), is under test
        # here: the version registers without a calibration draw, a large share of its retrain.
        "CONFORMAL_CALIBRATION_PER_CELL": "0",
    }
    log = open(Path(settings.MODEL_STORE_DIR).parent / "worker.log", "w+")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "medportal",
            "worker",
            "-P",
            "solo",
            "-c",
            "1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.seek(0)
    print(log.read()[-4000:])


def _wait_for(predicate, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


@override_settings(
    CELERY_TASK_ALWAYS_EAGER=False, RETRAIN_NEW_LABELS_TRIGGER=1, RETRAIN_SYNTHETIC_PER_DISEASE=120
)
def test_confirmed_outcome_is_retrained_on_by_the_worker_and_served_without_restart(worker, alice, settings):
    from accounts.services import consent_set
    from diagnosis.engine.predictor import current_model
    from diagnosis.models import Disease
    from diagnosis.selectors import current_snapshot
    from diagnosis.services import symptom_check_start
    from mlops.models import ModelVersion, OutboxMessage, TrainingRun
    from mlops.services import confirmed_case_record

    assert current_model(current_snapshot()).version_id is None  # knowledge-base fallback before
    consent_set(user=alice, granted=True)
    session = symptom_check_start(user=alice, text="runny nose, sneezing and a sore throat")
    confirmed_case_record(session=session, disease=Disease.objects.get(slug="common_cold"))
    # The label check was published to Redis after commit; the worker counts one new label and
    # queues a retrain through the outbox, which the worker then runs.
    assert _wait_for(
        lambda: (
            OutboxMessage.objects.filter(task_name="mlops.retrain_if_enough_labels")
            .exclude(sent_at=None)
            .exists()
        ),
        30,
    ), "label check never published"
    from mlops.outbox import outbox_sweep

    def promoted():
        outbox_sweep()  # stands in for beat, which publishes what the worker queued
        return TrainingRun.objects.filter(status="promoted").exists()

    assert _wait_for(promoted, 240), list(TrainingRun.objects.values("status", "result"))
    champion = ModelVersion.objects.get(alias="champion")
    assert champion.data_sources.get("confirmed") == 1  # the confirmed outcome was trained on
    assert worker.poll() is None, "worker died"
    # The web process switches to the promoted model on its next check, without a restart.
    assert current_model(current_snapshot()).version_id == champion.pk
