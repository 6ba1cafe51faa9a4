"""The latency gate: a version is promoted only if one whole check keeps its p99 under
DIAGNOSIS_LATENCY_P99_MS and `predict --batch` answers DIAGNOSIS_BATCH_MIN_PER_SECOND cases a second."""

from __future__ import annotations

import time

import pytest

from mlops import gates
from mlops.services import PromotionRefused, model_version_promote

pytestmark = pytest.mark.django_db

# Unambiguously slow: every prediction sleeps at least this long (sleep never returns early), so
# each one takes >= 30 ms whatever the machine's load, and a batch runs at < 34 cases/s.
SLEEP_SECONDS = 0.030


class SlowEstimator:
    """The normal model's answers, each after a sleep."""

    def __init__(self, inner):
        self.inner = inner
        self.classes_ = inner.classes_

    def predict_proba(self, X):
        time.sleep(SLEEP_SECONDS)
        return self.inner.predict_proba(X)


@pytest.fixture
def slow_version(normal_version, monkeypatch):
    """The normal version, served through SlowEstimator whenever the gates load it."""
    real_load = gates.load_version

    def load(mv):
        model = real_load(mv)
        if mv.pk == normal_version.pk:
            model.estimator = SlowEstimator(model.estimator)
        return model

    monkeypatch.setattr(gates, "load_version", load)
    # Every frozen safety presentation is one slow prediction: a handful keeps the test short (the
    # safety gate still runs on them and on every red-flag case).
    few = gates.frozen_safety_cases()[:5]
    monkeypatch.setattr(gates, "frozen_safety_cases", lambda: few)
    return normal_version


def _refusals(exc: PromotionRefused) -> dict[str, str]:
    return {g["gate"]: g["detail"] for g in exc.extra["gates"] if not g["passed"]}


def test_a_slow_challenger_is_refused_by_the_latency_gate_alone(slow_version):
    with pytest.raises(PromotionRefused) as excinfo:
        model_version_promote(model_version=slow_version, reason="test")
    refused = _refusals(excinfo.value)
    assert set(refused) == {"latency"}, refused
    detail = refused["latency"]
    assert detail.startswith("too slow:")
    assert "single predictions took 10 ms or more" in detail and "not under 10 ms" in detail
    assert "cases/s < 500" in detail
    slow_version.refresh_from_db()
    assert slow_version.alias == "archived" and "latency gate: too slow" in slow_version.decision


def test_the_normal_model_passes_and_its_timings_are_recorded(normal_version):
    mv = model_version_promote(model_version=normal_version, reason="test")
    latency = next(g for g in mv.metrics["gates"] if g["gate"] == "latency")
    assert latency["passed"], latency
    assert "single-prediction p99" in latency["detail"] and "cases/s >= 500" in latency["detail"]


def test_the_thresholds_are_settings(normal_version, settings):
    settings.DIAGNOSIS_BATCH_MIN_PER_SECOND = 1e9  # no model answers a billion cases a second
    with pytest.raises(PromotionRefused) as excinfo:
        model_version_promote(model_version=normal_version, reason="test")
    refused = _refusals(excinfo.value)
    assert set(refused) == {"latency"}, refused
    assert refused["latency"].startswith("too slow: predict --batch ") and "< 1e+09" in refused["latency"]


def test_measuring_stops_once_the_p99_is_certainly_over(snapshot, normal_training):
    from diagnosis.engine.predictor import LoadedModel

    candidate, dataset = normal_training[7]
    model = LoadedModel(
        None,
        "slow",
        SlowEstimator(candidate.estimator),
        snapshot.symptoms,
        tuple(candidate.estimator.classes_),
    )
    cases = [c for rows in dataset.evaluation.values() for c in rows][:200]
    started = time.perf_counter()
    measured = gates.latency_measure(model, snapshot, cases, p99_limit_ms=20, min_per_second=500)
    seconds = time.perf_counter() - started
    # Three cases of 200 at >= 20 ms already put the p99 there: nothing more is timed.
    assert measured["timed"] == 3 and measured["over"] == 3 and measured["p99_over"]
    assert measured["p99_ms"] >= 30 and measured["cases_per_second"] < 34
    assert seconds < 3
