"""Loading the champion model for serving, with fallbacks that never leave a check unanswered.

Web processes check the registry's champion id on every check (one indexed query), so a newly
promoted model is served on the next request without a restart, on every host: the artefact comes
from the storage all hosts share, through this host's cache (``mlops.artefacts``).

The engine does not import the registry: the app that owns it registers a ``ModelSource`` at
start-up (``mlops.serving``, from ``MlopsConfig.ready``). With none registered, the knowledge-base
model is served, as when no model has been trained yet.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from sklearn.linear_model import LogisticRegression

from .algorithms import kb_bayes_from_snapshot
from .artefacts import ArtefactError
from .calibration import temperature_apply
from .conformal import ConformalCalibration, from_artefact
from .features import featurise
from .knowledge import KnowledgeSnapshot

logger = logging.getLogger(__name__)


@dataclass
class LoadedModel:
    version_id: int | None
    label: str
    estimator: object
    symptoms: tuple[str, ...]
    classes: tuple[str, ...]
    fallback_reason: str = ""
    errors: list[str] = field(default_factory=list)
    # Fitted at training time on held-out partial presentations (diagnosis.engine.calibration).
    temperature: float = 1.0
    # Conformal calibration stored with the version (None: no prediction sets for this model).
    conformal: ConformalCalibration | None = None

    def predict_proba(self, symptom_sets, ages, sexes) -> np.ndarray:
        X = featurise(symptom_sets, ages, sexes, self.symptoms)
        return temperature_apply(estimator_proba(self.estimator, X), self.temperature)


def estimator_proba(estimator, X: np.ndarray) -> np.ndarray:
    """``estimator.predict_proba(X)``; for a fitted multinomial LogisticRegression (the served
    champion) the same arithmetic without sklearn's per-call validation (input checks, array-API
    namespace look-ups), which cost more than the product itself for one row: X @ coef.T +
    intercept, then sklearn's softmax step by step. Bit-identical to sklearn
    (tests/diagnosis/test_predictor_proba.py); anything unusual goes through sklearn, which also
    raises its own errors."""
    if (
        type(estimator) is LogisticRegression
        and type(X) is np.ndarray
        and X.ndim == 2
        and X.dtype in (np.float32, np.float64)
        and getattr(estimator, "coef_", None) is not None
        and estimator.coef_.ndim == 2
        and len(estimator.classes_) > 2
        and X.shape[1] == estimator.n_features_in_ == estimator.coef_.shape[1]
        and not hasattr(estimator, "feature_names_in_")
    ):
        scores = X @ estimator.coef_.T + estimator.intercept_
        scores -= np.reshape(np.max(scores, axis=1), (-1, 1))
        np.exp(scores, out=scores)
        scores /= np.reshape(np.sum(scores, axis=1), (-1, 1))
        return scores
    return estimator.predict_proba(X)


class ModelSource(Protocol):
    """Where served models come from. A version is any object with ``pk`` and ``label``."""

    def champion_id(self) -> int | None:
        """The version to serve now (None: nothing trained yet); called on every check."""

    def candidates(self, champion_id: int) -> list:
        """The champion's version, then the last good ones to fall back to, in order."""

    def payload(self, version) -> dict:
        """The version's artefact payload (raises ArtefactError when it cannot be loaded)."""


_source: ModelSource | None = None


def register_model_source(source: ModelSource | None) -> None:
    """Called once at start-up by the app that owns the model registry (None unregisters)."""
    global _source
    _source = source
    clear_model_cache()


def load_payload(mv) -> dict:
    """A registered version's artefact payload (raises ArtefactError if it cannot be loaded)."""
    if _source is None:
        raise ArtefactError("no model source is registered")
    return _source.payload(mv)


def load_version(mv) -> LoadedModel:
    payload = load_payload(mv)
    return LoadedModel(
        version_id=mv.pk,
        label=mv.label,
        estimator=payload["estimator"],
        symptoms=tuple(payload["symptoms"]),
        classes=tuple(payload["classes"]),
        temperature=float(payload.get("temperature", 1.0)),
        conformal=from_artefact(payload),
    )


def kb_model(snapshot: KnowledgeSnapshot, reason: str = "", errors=None) -> LoadedModel:
    return LoadedModel(
        version_id=None,
        label=f"kb-bayes-kb{snapshot.version}",
        estimator=kb_bayes_from_snapshot(snapshot),
        symptoms=snapshot.symptoms,
        classes=snapshot.disease_slugs,
        fallback_reason=reason,
        errors=list(errors or []),
    )


_lock = threading.Lock()
_cache: dict[tuple, LoadedModel] = {}
_status: dict[str, object] = {"serving": None, "fallback_reason": "", "errors": []}


def serving_status() -> dict:
    """What is served and why (for the health endpoint and the admin)."""
    return dict(_status)


_ASK = object()


def model_source() -> ModelSource | None:
    return _source


def current_model(snapshot: KnowledgeSnapshot, champion_id=_ASK) -> LoadedModel:
    """The served model for ``snapshot``: the source's champion (``champion_id`` if the caller has
    just read it, else asked now), loaded once per champion and knowledge-base version."""
    if champion_id is _ASK:
        champion_id = _source.champion_id() if _source is not None else None
    cid = champion_id
    key = (cid, snapshot.version)
    model = _cache.get(key)
    if model is not None:
        return model
    with _lock:
        model = _cache.get(key)
        if model is not None:
            return model
        errors: list[str] = []
        if cid is None:
            model = kb_model(snapshot, reason="no trained model is registered yet")
        else:
            for mv in _source.candidates(cid):
                try:
                    model = load_version(mv)
                    if mv.pk != cid:
                        model.fallback_reason = f"champion could not be loaded; serving last good {mv.label}"
                    break
                except ArtefactError as exc:
                    logger.error("model %s not loaded: %s", mv.label, exc)
                    errors.append(f"{mv.label}: {exc}")
            else:
                model = kb_model(snapshot, reason="no registered model could be loaded", errors=errors)
            model.errors = errors
        _cache.clear()
        _cache[key] = model
        _status.update(serving=model.label, fallback_reason=model.fallback_reason, errors=errors)
        return model


def clear_model_cache() -> None:
    with _lock:
        _cache.clear()
