"""Building datasets, training the candidate algorithms and measuring them on held-out cases.

Honesty rules: rows are deduplicated before the split; evaluation uses partial presentations
(1-5 symptoms) of held-out patients, and any evaluation case identical to a training row
(same symptoms, demographics and label) is dropped and counted.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import train_test_split

from diagnosis.engine.algorithms import ALGORITHMS, make_estimator, params_of
from diagnosis.engine.calibration import expected_calibration_error, temperature_apply, temperature_fit
from diagnosis.engine.conformal import artefact_entry as conformal_artefact_entry
from diagnosis.engine.features import AGE_BANDS, featurise
from diagnosis.engine.knowledge import KnowledgeSnapshot
from diagnosis.engine.synthetic import Case, generate_cases, partial_presentation

SYNTHETIC_PER_DISEASE = 500
EVAL_PARTIAL_SIZES = (1, 2, 3, 4, 5)


def _band(age):
    if age is None:
        return -1
    return next(i for i, (lo, hi) in enumerate(AGE_BANDS) if lo <= age <= hi)


def case_key(case: Case) -> tuple:
    return (case.disease, tuple(sorted(case.symptoms)), _band(case.age), case.sex or "")


def fingerprint(cases: list[Case]) -> str:
    digest = hashlib.sha256()
    for key in sorted(case_key(c) for c in cases):
        digest.update(json.dumps(key).encode())
    return digest.hexdigest()


class TooFewCases(ValueError):
    """The chosen source has too little labelled data to split and train on."""


@dataclass
class Dataset:
    train: list[Case]
    holdout: list[Case]
    evaluation: dict[int, list[Case]]
    sources: dict[str, int]
    fingerprint: str
    dropped_as_seen: int = 0
    duplicates_removed: int = 0
    # Partial presentations of held-out patients kept apart from ``evaluation``: the temperature
    # is fitted on them, so the metrics are measured on rows nothing was fitted on.
    calibration: list[Case] = field(default_factory=list)


def band_age(band: str) -> int | None:
    """The youngest age of an age band ("40-64" -> 40, "65+" -> 65; "" -> None). Training cases
    store only the band, and the features only look at the band, so any age in it is the same to a
    model."""
    if not band:
        return None
    return int(band.rstrip("+").split("-")[0])


def stored_cases(source: str) -> list[Case]:
    from mlops.models import TrainingCase

    qs = TrainingCase.objects.all()
    if source == "imported":
        qs = qs.exclude(source="confirmed")
    return [Case(tc.condition, tuple(tc.symptoms), band_age(tc.age_band), tc.sex) for tc in qs.iterator()]


def build_dataset(
    snapshot: KnowledgeSnapshot,
    *,
    source: str = "kb",
    seed: int = 7,
    per_disease: int = SYNTHETIC_PER_DISEASE,
    extra_cases: list[Case] | None = None,
    exclude_keys: set | None = None,
) -> Dataset:
    """`source`: kb (synthetic), imported (stored imports), kb+imported, or all (also confirmed outcomes).

    Cases whose key is in `exclude_keys` (the frozen evaluation set) never reach training.
    """
    cases, sources = _gathered_cases(snapshot, source, seed, per_disease, extra_cases)
    known = set(snapshot.disease_slugs)
    cases = [c for c in cases if c.disease in known and c.symptoms]
    if exclude_keys:
        cases = [c for c in cases if case_key(c) not in exclude_keys]
    unique: dict[tuple, Case] = {}
    for c in cases:
        unique.setdefault(case_key(c), c)
    deduped = list(unique.values())
    labels = [c.disease for c in deduped]
    if len(deduped) < 10 or len(set(labels)) < 2:
        raise TooFewCases(f"only {len(deduped)} distinct labelled cases across {len(set(labels))} conditions")
    counts = Counter(labels)
    # Stratify only when every label has two cases and the test share can hold one of each.
    stratifiable = min(counts.values()) >= 2 and math.ceil(0.2 * len(deduped)) >= len(counts)
    stratify = labels if stratifiable else None
    train, holdout = train_test_split(deduped, test_size=0.2, random_state=seed, stratify=stratify)
    train_keys = {case_key(c) for c in train}
    rng = np.random.default_rng(seed + 1)
    # A quarter of the held-out patients calibrate the probabilities; the rest measure the model.
    calibrating = holdout[: len(holdout) // 4] if len(holdout) >= 40 else []
    calibration, evaluation, dropped = _partial_presentations(
        calibrating, holdout[len(calibrating) :], train_keys, rng, snapshot
    )
    return Dataset(
        train=train,
        holdout=holdout,
        evaluation=evaluation,
        calibration=calibration,
        sources=sources,
        fingerprint=fingerprint(train),
        dropped_as_seen=dropped,
        duplicates_removed=len(cases) - len(deduped),
    )


def _gathered_cases(
    snapshot, source: str, seed: int, per_disease: int, extra_cases
) -> tuple[list[Case], dict]:
    """The cases of the chosen sources, and how many came from each."""
    cases: list[Case] = []
    sources: dict[str, int] = {}
    if source in ("kb", "all", "kb+imported"):
        synthetic = generate_cases(snapshot, per_disease, seed)
        cases += synthetic
        sources["synthetic_kb"] = len(synthetic)
    if source in ("imported", "all", "kb+imported"):
        stored = stored_cases("all" if source == "all" else "imported")
        cases += stored
        sources["stored"] = len(stored)
    if extra_cases:
        cases += extra_cases
        sources["extra"] = len(extra_cases)
    return cases, sources


def _partial_presentations(calibrating, measuring, train_keys, rng, snapshot):
    """Partial presentations of held-out patients: one per calibrating patient (random size), and
    per size in EVAL_PARTIAL_SIZES one per measuring patient with enough symptoms. A presentation
    equal to a training case is dropped (counted). Returns calibration, evaluation by size, dropped."""
    evaluation: dict[int, list[Case]] = {}
    calibration: list[Case] = []
    dropped = 0
    for c in calibrating:
        k = int(rng.integers(1, min(len(c.symptoms), max(EVAL_PARTIAL_SIZES)) + 1))
        partial = partial_presentation(c, k, rng, snapshot)
        if case_key(partial) not in train_keys:
            calibration.append(partial)
    for k in EVAL_PARTIAL_SIZES:
        rows = []
        for c in measuring:
            if len(c.symptoms) < k:
                continue
            partial = partial_presentation(c, k, rng, snapshot)
            if case_key(partial) in train_keys:
                dropped += 1
                continue
            rows.append(partial)
        evaluation[k] = rows
    # A short presentation of one patient can equal another's: keep the calibration rows apart.
    measured_keys = {case_key(c) for rows in evaluation.values() for c in rows}
    calibration = [c for c in calibration if case_key(c) not in measured_keys]
    return calibration, evaluation, dropped


def _xy(cases: list[Case], symptoms: tuple[str, ...]):
    X = featurise([c.symptoms for c in cases], [c.age for c in cases], [c.sex for c in cases], symptoms)
    return X, np.array([c.disease for c in cases])


def evaluate(model_predict_proba, classes: np.ndarray, cases: list[Case], symptoms) -> dict:
    if not cases:
        return {"n": 0}
    X, y = _xy(cases, symptoms)
    proba = model_predict_proba(X)
    order = np.argsort(-proba, axis=1)
    pred = classes[order[:, 0]]
    top3 = np.array([yt in classes[o[:3]] for yt, o in zip(y, order, strict=True)])
    correct = pred == y
    p, r, f1, _ = precision_recall_fscore_support(y, pred, average="macro", zero_division=0)
    onehot = (classes[None, :] == y[:, None]).astype(float)
    brier = float(((proba - onehot) ** 2).sum(axis=1).mean())
    return {
        "n": int(len(y)),
        "top1": float(correct.mean()),
        "top3": float(top3.mean()),
        "precision": float(p),
        "recall": float(r),
        "f1": float(f1),
        "brier": brier,
        "ece": expected_calibration_error(proba.max(axis=1), correct),
    }


@dataclass
class TrainedCandidate:
    algorithm: str
    estimator: object
    params: dict
    metrics: dict
    by_k: dict[int, dict] = field(default_factory=dict)
    temperature: float = 1.0

    @property
    def score(self) -> float:
        """Selection score: mean of pooled top-1 and top-3 accuracy on held-out partial presentations."""
        return (self.metrics["top1"] + self.metrics["top3"]) / 2


def train_candidate(
    algorithm: str, dataset: Dataset, snapshot: KnowledgeSnapshot, seed: int = 0
) -> TrainedCandidate:
    symptoms = snapshot.symptoms
    X, y = _xy(dataset.train, symptoms)
    estimator = make_estimator(algorithm, seed)
    started = time.perf_counter()
    estimator.fit(X, y)
    train_seconds = time.perf_counter() - started
    classes = np.asarray(estimator.classes_)
    temperature = _temperature_for(estimator, classes, dataset.calibration, symptoms)

    def predict_proba(X):
        return temperature_apply(estimator.predict_proba(X), temperature)

    pooled = [c for k in EVAL_PARTIAL_SIZES for c in dataset.evaluation[k]]
    metrics = evaluate(predict_proba, classes, pooled, symptoms)
    metrics["temperature"] = temperature
    Xp, _ = _xy(pooled[:500] or dataset.train[:500], symptoms)
    started = time.perf_counter()
    for row in Xp[:200]:
        estimator.predict_proba(row[None, :])
    metrics["predict_ms"] = (time.perf_counter() - started) / max(1, min(200, len(Xp))) * 1000
    metrics["train_seconds"] = train_seconds
    metrics["n_train"] = len(dataset.train)
    by_k = {k: evaluate(predict_proba, classes, dataset.evaluation[k], symptoms) for k in EVAL_PARTIAL_SIZES}
    metrics["by_k"] = {
        str(k): {"top1": v.get("top1"), "top3": v.get("top3"), "n": v["n"]} for k, v in by_k.items()
    }
    return TrainedCandidate(algorithm, estimator, params_of(estimator), metrics, by_k, temperature)


def _temperature_for(estimator, classes: np.ndarray, calibration: list[Case], symptoms) -> float:
    """Fit the temperature on the calibration rows (1.0 when there are none)."""
    if not calibration:
        return 1.0
    X, y = _xy(calibration, symptoms)
    index = {str(c): i for i, c in enumerate(classes)}
    true_index = np.array([index.get(str(label), -1) for label in y])
    return temperature_fit(estimator.predict_proba(X), true_index)


def register_candidate(candidate: TrainedCandidate, dataset: Dataset, snapshot: KnowledgeSnapshot, model_dir):
    from mlops.services import model_version_save_and_register

    payload = {
        "estimator": candidate.estimator,
        "symptoms": list(snapshot.symptoms),
        "classes": [str(c) for c in candidate.estimator.classes_],
        "temperature": float(candidate.temperature),
    }
    # Conformal prediction sets: calibrated on this dataset's held-out patients, stored with the version.
    payload.update(
        conformal_artefact_entry(
            candidate.estimator, dataset.holdout, snapshot, temperature=float(candidate.temperature)
        )
    )
    return model_version_save_and_register(
        payload=payload,
        model_dir=model_dir,
        name="diagnosis",
        algorithm=candidate.algorithm,
        params=candidate.params,
        data_fingerprint=dataset.fingerprint,
        data_sources=dataset.sources,
        metrics=candidate.metrics,
        kb_version=snapshot.version,
    )


__all__ = ["ALGORITHMS", "build_dataset", "register_candidate", "train_candidate"]
