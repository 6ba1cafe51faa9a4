"""Celery tasks: thin wrappers that call one service each and declare their own policy."""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from . import loop
from .outbox import outbox_enqueue, outbox_sweep
from .services import PromotionRefused, ranker_train

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="mlops.retrain",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=3 * 3600,
    time_limit=3 * 3600 + 300,
    max_retries=3,
)
def retrain_task(
    self, trigger: str = "manual", algorithm: str | None = None, per_disease: int | None = None
) -> dict:
    """A retrain that finds the lock held tries again after one lock TTL (a killed worker's lock
    has lapsed by then; a live retrain has usually finished), and is recorded as skipped only on
    its last attempt."""
    may_retry = not self.request.is_eager and self.request.retries < self.max_retries
    try:
        run = loop.retrain(
            trigger=trigger, algorithm=algorithm, per_disease=per_disease, raise_if_locked=may_retry
        )
    except loop.RetrainInProgress as exc:
        raise self.retry(exc=exc, countdown=settings.RETRAIN_LOCK_TTL) from exc
    return {"run": run.pk, "status": run.status, "result": run.result}


@shared_task(name="mlops.retrain_if_enough_labels", ignore_result=True)
def retrain_if_enough_labels_task() -> int:
    new = loop.new_labels_since_last_run()
    if new >= settings.RETRAIN_NEW_LABELS_TRIGGER:
        outbox_enqueue(task_name="mlops.retrain", kwargs={"trigger": "labels"}, dedupe_key="retrain:labels")
    return new


@shared_task(name="mlops.outbox_sweep", ignore_result=True)
def outbox_sweep_task() -> dict:
    return outbox_sweep()


@shared_task(name="mlops.nightly_retrain_catch_up", ignore_result=True)
def nightly_retrain_catch_up_task() -> dict:
    return loop.nightly_retrain_catch_up()


@worker_ready.connect
def _catch_up_on_worker_start(**_) -> None:
    """A worker coming back after an outage checks at once instead of waiting for the hourly entry."""
    try:
        nightly_retrain_catch_up_task.delay()
    except Exception as exc:  # the hourly beat entry tries again
        logger.warning("could not queue the nightly retrain catch-up check: %s", exc)


@shared_task(name="mlops.ranker_retrain", acks_late=True, reject_on_worker_lost=True, soft_time_limit=1800)
def ranker_retrain_task() -> dict:
    """Nightly: train the medicine ranker on consented ratings; the ranker gate decides (a refusal is
    an expected outcome, recorded on the archived version, not a task failure)."""
    try:
        mv = ranker_train(promote=True)
    except PromotionRefused as exc:
        return {"status": "refused", "result": exc.message}
    if mv is None:
        return {"status": "skipped", "result": "too few consented medicine ratings"}
    return {"status": "promoted", "result": mv.decision, "version": mv.label}
