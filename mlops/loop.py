"""The continuous-improvement loop: retrain, then promote through the gates.

Retraining holds a lock (never two at once), is idempotent per data fingerprint, stores each
artefact together with its registry row (``mlops.artefacts``) and records every run in TrainingRun. Evaluation on the
frozen set and the gates themselves live in ``mlops.gates``, behind ``model_version_promote``,
the same function every other promotion path goes through.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import redis
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from diagnosis.engine.algorithms import BASELINE_ALGORITHM, DEFAULT_ALGORITHM
from diagnosis.selectors import current_snapshot

from .gates import confirmed_split, frozen_cases, frozen_set_ensure
from .models import ModelVersion, OutboxMessage, TrainingCase, TrainingRun
from .outbox import outbox_enqueue
from .services import PromotionRefused, model_version_promote
from .training import (
    TooFewCases,
    build_dataset,
    case_key,
    refit_candidate,
    register_candidate,
    select_candidate,
    train_candidate,
)

logger = logging.getLogger(__name__)

LOCK_KEY = "medportal:retrain-lock"


class RetrainInProgress(Exception):
    pass


class RetrainLockLost(Exception):
    """The lock lapsed while this run held it (heartbeat starved, Redis gone): another retrain may
    have started, so this one must not promote."""


_local_lock = threading.Lock()


class _Heartbeat:
    """Renews a Redis lock every third of its TTL from a daemon thread.

    A short TTL that the holder keeps alive means a killed worker (OOM, lost machine) blocks the
    next retrain for at most one TTL instead of the hours a retrain may take."""

    def __init__(self, lock, ttl: int):
        self.lock, self.ttl = lock, ttl
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="retrain-lock-heartbeat", daemon=True)

    def _beat(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            try:
                self.lock.reacquire()
            except redis.exceptions.LockNotOwnedError:
                logger.error("retrain lock lapsed while held; this run will not promote")
                self.lost = True
                return
            except redis.exceptions.RedisError as exc:  # transient: try again on the next beat
                logger.warning("could not renew the retrain lock: %s", exc)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class HeldLock:
    """What `retrain_lock` yields: whether the lock is still ours (a process lock always is)."""

    def __init__(self, heartbeat: _Heartbeat | None = None):
        self._heartbeat = heartbeat

    def ensure_held(self) -> None:
        if self._heartbeat is None:
            return
        if self._heartbeat.lost or not self._heartbeat.lock.owned():
            raise RetrainLockLost("the retrain lock lapsed during the run")


@contextlib.contextmanager
def retrain_lock():
    """A Redis lock shared by all workers, kept alive by a heartbeat; without a reachable Redis
    (dev, eager), a process lock."""
    ttl = settings.RETRAIN_LOCK_TTL
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        # thread_local=False: the heartbeat thread must see the token this thread acquired with.
        lock = client.lock(LOCK_KEY, timeout=ttl, blocking=False, thread_local=False)
        acquired = lock.acquire()
    except redis.exceptions.ConnectionError:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            if not _local_lock.acquire(blocking=False):
                raise RetrainInProgress("another retrain is running in this process") from None
            try:
                yield HeldLock()
            finally:
                _local_lock.release()
            return
        raise
    if not acquired:
        raise RetrainInProgress("another retrain holds the lock")
    heartbeat = _Heartbeat(lock, ttl)
    heartbeat.start()
    try:
        yield HeldLock(heartbeat)
    finally:
        heartbeat.stop()
        with contextlib.suppress(redis.exceptions.RedisError):
            lock.release()


def retrain(
    *,
    trigger: str,
    algorithm: str | None = None,
    per_disease: int | None = None,
    raise_if_locked: bool = False,
) -> TrainingRun:
    """Train a challenger on all consented data and promote it only if it passes the gate.

    With `raise_if_locked`, a held lock raises RetrainInProgress without recording a run, so the
    caller (the Celery task) can try again once a dead holder's lock has lapsed."""
    run = None
    try:
        with retrain_lock() as held:
            run = TrainingRun.objects.create(trigger=trigger)
            return _retrain_locked(run, held, algorithm=algorithm, per_disease=per_disease)
    except RetrainInProgress as exc:
        if raise_if_locked:
            raise
        return _finish(TrainingRun.objects.create(trigger=trigger), TrainingRun.Status.SKIPPED, str(exc))
    except Exception as exc:
        logger.exception("retrain failed")
        run = run or TrainingRun.objects.create(trigger=trigger)
        _finish(run, TrainingRun.Status.FAILED, f"{exc.__class__.__name__}: {exc}")
        raise


def _finish(run: TrainingRun, status: str, result: str, **extra) -> TrainingRun:
    run.status, run.result, run.finished_at = status, result[:2000], timezone.now()
    for key, value in extra.items():
        setattr(run, key, value)
    run.save()
    return run


def _retrain_locked(
    run: TrainingRun, held: HeldLock, *, algorithm: str | None, per_disease: int | None
) -> TrainingRun:
    """The retrain flow, one named step each: settle dead runs, build the data set, skip data
    already decided on, train and register a challenger, offer it to the promotion gates."""
    _fail_orphaned_runs(run)
    snapshot = current_snapshot()
    frozen_set_ensure(snapshot)
    try:
        dataset = _training_dataset(snapshot, per_disease)
    except TooFewCases as exc:
        return _finish(run, TrainingRun.Status.SKIPPED, str(exc))
    run.data_fingerprint = dataset.fingerprint
    done = _run_decided_on(dataset.fingerprint, exclude=run)
    if done:
        return _finish(
            run,
            TrainingRun.Status.SKIPPED,
            f"data unchanged since run #{done.pk}",
            model_version=done.model_version,
        )
    challenger_mv = _register_challenger(dataset, snapshot, algorithm)
    held.ensure_held()  # a lapsed lock means another retrain may be promoting: leave it to that one
    return _offer_for_promotion(run, challenger_mv)


def _fail_orphaned_runs(run: TrainingRun) -> None:
    """Holding the lock proves no other retrain is alive: runs still "running" died with their worker."""
    TrainingRun.objects.filter(status=TrainingRun.Status.RUNNING).exclude(pk=run.pk).update(
        status=TrainingRun.Status.FAILED,
        result="worker lost before the run finished",
        finished_at=timezone.now(),
    )


def _run_decided_on(fingerprint: str, *, exclude: TrainingRun) -> TrainingRun | None:
    """An earlier run that trained on exactly this data and was promoted or rejected."""
    decided = [TrainingRun.Status.PROMOTED, TrainingRun.Status.REJECTED]
    runs = TrainingRun.objects.filter(data_fingerprint=fingerprint, status__in=decided)
    return runs.exclude(pk=exclude.pk).first()


def _register_challenger(dataset, snapshot, algorithm: str | None) -> ModelVersion:
    """Train with the given algorithm (else the champion's, else the default) and register the
    result as the challenger."""
    champion_mv = ModelVersion.objects.filter(name="diagnosis", alias=ModelVersion.Alias.CHAMPION).first()
    algorithm = algorithm or (champion_mv.algorithm if champion_mv else DEFAULT_ALGORITHM)
    candidate = _selected_candidate(algorithm, dataset, snapshot)
    challenger_mv = register_candidate(candidate, dataset, snapshot)
    challenger_mv.alias = ModelVersion.Alias.CHALLENGER
    challenger_mv.save(update_fields=["alias"])
    return challenger_mv


def _offer_for_promotion(run: TrainingRun, challenger_mv: ModelVersion) -> TrainingRun:
    """Promote through the gates (``mlops.gates.diagnosis_gates`` decides); the run records the
    decision and the gate results either way."""
    try:
        promoted = model_version_promote(
            model_version=challenger_mv, reason=f"promoted ({trigger_text(run.trigger)})"
        )
    except PromotionRefused as exc:
        challenger_mv.refresh_from_db()
        return _finish(
            run, TrainingRun.Status.REJECTED, exc.message, model_version=challenger_mv, metrics=exc.extra
        )
    metrics = {"gates": promoted.metrics.get("gates"), "challenger": promoted.metrics.get("frozen")}
    return _finish(
        run, TrainingRun.Status.PROMOTED, promoted.decision, model_version=promoted, metrics=metrics
    )


def _selected_candidate(algorithm: str, dataset, snapshot):
    """The champion's algorithm, unless the data holds an import and the baseline does better on
    its held-out rows (``select_candidate``); then refit on training and selection patients."""
    candidates = [train_candidate(algorithm, dataset, snapshot)]
    if dataset.imported_evaluation and algorithm != BASELINE_ALGORITHM:
        candidates.append(train_candidate(BASELINE_ALGORITHM, dataset, snapshot))
    chosen, why = select_candidate(candidates, dataset)
    logger.info("retrain selected %s", why)
    return refit_candidate(chosen, dataset, snapshot)


def _training_dataset(snapshot, per_disease: int | None):
    """The data a retrain trains on (its fingerprint decides whether a retrain has anything new)."""
    frozen, _ = frozen_cases()
    # The newest fifth of confirmed cases is held out: the quality gate checks challengers on it.
    train_confirmed, _ = confirmed_split()
    return build_dataset(
        snapshot,
        source="kb+imported",
        confirmed_cases=train_confirmed,
        exclude_keys={case_key(c) for c in frozen},
        per_disease=per_disease or settings.RETRAIN_SYNTHETIC_PER_DISEASE,
    )


def current_training_fingerprint() -> str | None:
    """The fingerprint the next retrain would record; None when there is too little data to train."""
    try:
        return _training_dataset(current_snapshot(), None).fingerprint
    except TooFewCases:
        return None


def trigger_text(trigger: str) -> str:
    return {
        "nightly": "nightly retrain",
        NIGHTLY_CATCH_UP: "nightly retrain, caught up after an outage",
        "labels": "new confirmed labels",
        "manual": "manual retrain",
    }.get(trigger, trigger)


# --- catching up a nightly retrain that beat could not publish ------------------------------

NIGHTLY_CATCH_UP = "nightly_catch_up"
NIGHTLY_TRIGGERS = ("nightly", NIGHTLY_CATCH_UP)
CATCH_UP_DEDUPE_PREFIX = "retrain:nightly-catch-up:"


def nightly_slot_before(now: datetime) -> datetime | None:
    """The latest time at or before `now` when the (enabled) nightly retrain schedule fired, read
    from the beat schedule admins edit; None without one. Walks back minute by minute over at most
    eight days, which covers daily and weekly crontabs at the cost of a few thousand set lookups."""
    for task in PeriodicTask.objects.filter(task="mlops.retrain", enabled=True, crontab__isnull=False):
        try:
            kwargs = json.loads(task.kwargs or "{}")
        except ValueError:
            continue
        if kwargs.get("trigger") != "nightly":
            continue
        cron = task.crontab.schedule
        local = now.astimezone(ZoneInfo(str(task.crontab.timezone))).replace(second=0, microsecond=0)
        for _ in range(8 * 24 * 60):
            if (
                local.minute in cron.minute
                and local.hour in cron.hour
                and local.isoweekday() % 7 in cron.day_of_week
                and local.day in cron.day_of_month
                and local.month in cron.month_of_year
            ):
                return local.astimezone(ZoneInfo("UTC"))
            local -= timedelta(minutes=1)
    return None


def nightly_retrain_catch_up(*, now: datetime | None = None) -> dict:
    """Queue the nightly retrain once if its last slot passed without one.

    Beat marks a schedule as run before it publishes, so a slot that falls inside a broker outage
    is silently lost; this runs when a worker starts and every hour. Nothing is queued when: the
    slot is younger than the grace period (beat's own run may still be on its way), a nightly run
    started since the slot, a catch-up for this slot was already queued (sent or not), the model
    the portal served at the slot did not exist yet (a fresh install), or a run since the slot
    trained on exactly today's data. The queued retrain still takes the retrain lock and skips
    itself on an unchanged fingerprint, so a duplicate costs one cheap skipped run at most."""
    now = now or timezone.now()
    slot = nightly_slot_before(now)
    if slot is None:
        return {"queued": False, "reason": "no enabled nightly retrain schedule"}
    out = {"queued": False, "slot": slot.isoformat()}
    grace = timedelta(minutes=settings.RETRAIN_CATCH_UP_GRACE_MINUTES)
    if now < slot + grace:
        return {**out, "reason": "the last slot is within the grace period"}
    if TrainingRun.objects.filter(trigger__in=NIGHTLY_TRIGGERS, started_at__gte=slot).exists():
        return {**out, "reason": "a nightly retrain ran since the slot"}
    dedupe_key = f"{CATCH_UP_DEDUPE_PREFIX}{slot:%Y-%m-%dT%H:%M}"
    if OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
        return {**out, "reason": "already queued for this slot"}
    if not ModelVersion.objects.filter(created_at__lt=slot).exists():
        return {**out, "reason": "no model existed at the slot (fresh install)"}
    since = TrainingRun.objects.filter(started_at__gte=slot).exclude(data_fingerprint="")
    if since.exists():
        fingerprint = current_training_fingerprint()
        same = since.filter(data_fingerprint=fingerprint).first()
        if same is not None:
            return {**out, "reason": f"run #{same.pk} since the slot trained on the same data"}
    outbox_enqueue(task_name="mlops.retrain", kwargs={"trigger": NIGHTLY_CATCH_UP}, dedupe_key=dedupe_key)
    logger.warning("nightly retrain of %s was missed; queued a catch-up", slot.isoformat())
    return {**out, "queued": True, "reason": "missed; queued"}


def new_labels_since_last_run() -> int:
    last = TrainingRun.objects.filter(
        status__in=[TrainingRun.Status.PROMOTED, TrainingRun.Status.REJECTED]
    ).first()
    qs = TrainingCase.objects.filter(source="confirmed")
    if last:
        qs = qs.filter(created_at__gt=last.started_at)
    return qs.count()
