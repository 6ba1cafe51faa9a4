"""The continuous-improvement loop: retrain, evaluate on the frozen set, gate, promote.

Retraining holds a lock (never two at once), is idempotent per data fingerprint, writes
artefacts atomically (temp file + rename) and records every run in TrainingRun.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.utils import timezone

from diagnosis.engine.algorithms import DEFAULT_ALGORITHM
from diagnosis.engine.check import run_check
from diagnosis.engine.knowledge import KnowledgeSnapshot, current_snapshot
from diagnosis.engine.predictor import LoadedModel, load_version
from diagnosis.engine.synthetic import Case, generate_cases, partial_presentation

from .models import EvaluationCase, ModelVersion, TrainingCase, TrainingRun
from .services import model_version_promote
from .training import TooFewCases, build_dataset, case_key, register_candidate, train_candidate

logger = logging.getLogger(__name__)

FROZEN_SET = "frozen-v1"
FROZEN_SEED = 424242
FROZEN_PER_DISEASE = 40
# A challenger may be this much worse than the champion on the frozen set and still be promoted
# (noise between two fits on the same data is about half a point on this set).
PROMOTION_TOLERANCE = 0.01
# ...but never more than this below the best model ever promoted, so small losses within the
# tolerance cannot add up over many rounds.
MAX_BELOW_BEST_PROMOTED = 2 * PROMOTION_TOLERANCE
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
        import redis

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
    import redis

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


def frozen_set_ensure(snapshot: KnowledgeSnapshot) -> int:
    """Create the frozen evaluation set once (synthetic partial presentations + red-flag cases)."""
    existing = EvaluationCase.objects.filter(set_name=FROZEN_SET).count()
    if existing:
        return existing
    rng = np.random.default_rng(FROZEN_SEED + 1)
    rows = []
    for case in generate_cases(snapshot, FROZEN_PER_DISEASE, FROZEN_SEED):
        k = int(rng.integers(1, 6))
        p = partial_presentation(case, k, rng, snapshot)
        rows.append(
            EvaluationCase(
                set_name=FROZEN_SET,
                kind="synthetic",
                disease_slug=p.disease,
                symptoms=list(p.symptoms),
                age=p.age,
                sex=p.sex,
            )
        )
    for rule in snapshot.rules:
        symptoms = sorted(rule.all_of | (set(sorted(rule.any_of)[:1]) if rule.any_of else set()))
        age = rule.max_age if rule.max_age is not None else (rule.min_age or 40)
        rows.append(
            EvaluationCase(
                set_name=FROZEN_SET,
                kind="red_flag",
                symptoms=symptoms,
                age=age,
                sex=rule.sex or ("f" if rule.pregnant else ""),
                expected_triage=rule.level,
            )
        )
    EvaluationCase.objects.bulk_create(rows)
    return len(rows)


def frozen_cases() -> tuple[list[Case], list[EvaluationCase]]:
    qs = EvaluationCase.objects.filter(set_name=FROZEN_SET)
    synthetic = [Case(e.disease_slug, tuple(e.symptoms), e.age, e.sex) for e in qs.filter(kind="synthetic")]
    return synthetic, list(qs.filter(kind="red_flag"))


@dataclass
class Evaluation:
    top1: float
    top3: float
    n: int
    safety_failures: list[str]
    recent_top1: float | None = None
    recent_n: int = 0

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def evaluate_model(
    model: LoadedModel,
    snapshot: KnowledgeSnapshot,
    cases: list[Case],
    red_flag_cases: list[EvaluationCase],
    recent: list[Case],
) -> Evaluation:
    def accuracy(rows):
        if not rows:
            return None, None
        proba = model.predict_proba([c.symptoms for c in rows], [c.age for c in rows], [c.sex for c in rows])
        classes = np.asarray(model.classes)
        order = np.argsort(-proba, axis=1)
        truth = np.array([c.disease for c in rows])
        top1 = float((classes[order[:, 0]] == truth).mean())
        top3 = float(np.mean([t in classes[o[:3]] for t, o in zip(truth, order, strict=True)]))
        return top1, top3

    top1, top3 = accuracy(cases)
    failures = []
    for case in red_flag_cases:
        result = run_check(
            snapshot,
            model,
            chips=[snapshot.symptom_names.get(s, s) for s in case.symptoms],
            age=case.age,
            sex=case.sex,
            pregnant=case.sex == "f",
            ask_questions=False,
        )
        if case.expected_triage == "emergency" and result.triage != "emergency":
            failures.append(f"{case.symptoms} triaged {result.triage}")
    recent_top1, _ = accuracy(recent)
    return Evaluation(
        top1=top1 or 0.0,
        top3=top3 or 0.0,
        n=len(cases),
        safety_failures=failures,
        recent_top1=recent_top1,
        recent_n=len(recent),
    )


def confirmed_cases() -> list[Case]:
    """Confirmed outcomes of consenting patients (consent is checked when they are stored and
    withdrawing it deletes them), oldest first."""
    qs = (
        TrainingCase.objects.filter(source="confirmed").select_related("disease").order_by("created_at", "id")
    )
    return [Case(tc.disease.slug, tuple(tc.symptoms), tc.age, tc.sex) for tc in qs]


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
    # Holding the lock proves no other retrain is alive: runs still "running" died with their worker.
    TrainingRun.objects.filter(status=TrainingRun.Status.RUNNING).exclude(pk=run.pk).update(
        status=TrainingRun.Status.FAILED,
        result="worker lost before the run finished",
        finished_at=timezone.now(),
    )
    snapshot = current_snapshot()
    frozen_set_ensure(snapshot)
    frozen, red_flag_cases = frozen_cases()
    frozen_keys = {case_key(c) for c in frozen}
    confirmed = confirmed_cases()
    # The most recent fifth of confirmed cases is held out to check the challenger on today's patients.
    cut = len(confirmed) - len(confirmed) // 5
    train_confirmed, recent = confirmed[:cut], confirmed[cut:]
    try:
        dataset = build_dataset(
            snapshot,
            source="kb+imported",
            extra_cases=train_confirmed,
            exclude_keys=frozen_keys,
            per_disease=per_disease or settings.RETRAIN_SYNTHETIC_PER_DISEASE,
        )
    except TooFewCases as exc:
        return _finish(run, TrainingRun.Status.SKIPPED, str(exc))
    run.data_fingerprint = dataset.fingerprint
    done = (
        TrainingRun.objects.filter(
            data_fingerprint=dataset.fingerprint,
            status__in=[TrainingRun.Status.PROMOTED, TrainingRun.Status.REJECTED],
        )
        .exclude(pk=run.pk)
        .first()
    )
    if done:
        return _finish(
            run,
            TrainingRun.Status.SKIPPED,
            f"data unchanged since run #{done.pk}",
            model_version=done.model_version,
        )
    champion_mv = ModelVersion.objects.filter(name="diagnosis", alias=ModelVersion.Alias.CHAMPION).first()
    algorithm = algorithm or (champion_mv.algorithm if champion_mv else DEFAULT_ALGORITHM)
    candidate = train_candidate(algorithm, dataset, snapshot)
    challenger_mv = register_candidate(candidate, dataset, snapshot, settings.MODEL_STORE_DIR)
    challenger_mv.alias = ModelVersion.Alias.CHALLENGER
    challenger_mv.save(update_fields=["alias"])
    challenger = evaluate_model(load_version(challenger_mv), snapshot, frozen, red_flag_cases, recent)
    champion = None
    if champion_mv is not None:
        try:
            champion = evaluate_model(load_version(champion_mv), snapshot, frozen, red_flag_cases, recent)
        except Exception as exc:  # an unreadable champion must not block a good challenger
            logger.error("champion %s could not be evaluated: %s", champion_mv.label, exc)
    metrics = {
        "challenger": challenger.as_dict(),
        "champion": champion.as_dict() if champion else None,
        "tolerance": PROMOTION_TOLERANCE,
    }
    challenger_mv.metrics = {
        **challenger_mv.metrics,
        "frozen_top1": challenger.top1,
        "frozen_top3": challenger.top3,
        "recent_top1": challenger.recent_top1,
    }
    challenger_mv.save(update_fields=["metrics"])
    reasons = []
    if challenger.safety_failures:
        reasons.append(f"safety gate failed on {len(challenger.safety_failures)} red-flag case(s)")
    if champion is not None:
        if challenger.top1 < champion.top1 - PROMOTION_TOLERANCE:
            reasons.append(
                f"frozen-set top-1 {challenger.top1:.3f} < champion {champion.top1:.3f} - {PROMOTION_TOLERANCE}"
            )
        if challenger.top3 < champion.top3 - PROMOTION_TOLERANCE:
            reasons.append(
                f"frozen-set top-3 {challenger.top3:.3f} < champion {champion.top3:.3f} - {PROMOTION_TOLERANCE}"
            )
    best = best_promoted_frozen_top1(exclude_pk=challenger_mv.pk)
    if best is not None and challenger.top1 < best - MAX_BELOW_BEST_PROMOTED:
        reasons.append(
            f"frozen-set top-1 {challenger.top1:.3f} < best promoted {best:.3f} - {MAX_BELOW_BEST_PROMOTED}"
        )
    if reasons:
        decision = "not promoted: " + "; ".join(reasons)
        challenger_mv.alias = ModelVersion.Alias.ARCHIVED
        challenger_mv.decision = decision
        challenger_mv.save(update_fields=["alias", "decision"])
        return _finish(
            run, TrainingRun.Status.REJECTED, decision, model_version=challenger_mv, metrics=metrics
        )
    decision = (
        f"promoted ({trigger_text(run.trigger)}): frozen-set top-1 {challenger.top1:.3f}, top-3 {challenger.top3:.3f}"
        + (f" vs champion {champion.top1:.3f}/{champion.top3:.3f}" if champion else " (no champion before)")
        + f"; safety gate passed on {len(red_flag_cases)} red-flag cases"
    )
    held.ensure_held()  # a lapsed lock means another retrain may be promoting: leave it to that one
    model_version_promote(model_version=challenger_mv, reason=decision)
    return _finish(run, TrainingRun.Status.PROMOTED, decision, model_version=challenger_mv, metrics=metrics)


def best_promoted_frozen_top1(*, exclude_pk: int | None = None) -> float | None:
    """The highest frozen-set top-1 of any diagnosis model that was ever champion."""
    values = [
        mv.metrics.get("frozen_top1")
        for mv in ModelVersion.objects.filter(name="diagnosis", promoted_at__isnull=False).exclude(
            pk=exclude_pk
        )
    ]
    values = [float(v) for v in values if isinstance(v, (int, float))]
    return max(values) if values else None


def trigger_text(trigger: str) -> str:
    return {"nightly": "nightly retrain", "labels": "new confirmed labels", "manual": "manual retrain"}.get(
        trigger, trigger
    )


def new_labels_since_last_run() -> int:
    last = TrainingRun.objects.filter(
        status__in=[TrainingRun.Status.PROMOTED, TrainingRun.Status.REJECTED]
    ).first()
    qs = TrainingCase.objects.filter(source="confirmed")
    if last:
        qs = qs.filter(created_at__gt=last.started_at)
    return qs.count()
