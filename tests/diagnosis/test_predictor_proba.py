"""The served model's probabilities without sklearn's per-call validation: bit-identical to
``predict_proba`` for a multinomial logistic regression, sklearn itself for anything else."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import BernoulliNB

from diagnosis.engine.features import featurise
from diagnosis.engine.predictor import estimator_proba


def _fitted(n_classes: int, n_features: int, seed: int) -> tuple[LogisticRegression, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = (rng.random((40 * n_classes, n_features)) < 0.3).astype(np.float32)
    y = rng.integers(0, n_classes, size=len(X))
    y[:n_classes] = np.arange(n_classes)
    return LogisticRegression(C=2.0, max_iter=500).fit(X, y), X


@pytest.mark.parametrize("seed", range(6))
def test_multinomial_probabilities_are_bit_identical_to_sklearn(seed, monkeypatch):
    estimator, X = _fitted(n_classes=3 + seed * 4, n_features=25, seed=seed)
    rng = np.random.default_rng(100 + seed)
    rows = [X[:1], X[:7], (rng.random((50, 25)) < 0.5).astype(np.float32), X.astype(np.float64)[:9]]
    for batch in rows:
        expected = estimator.predict_proba(batch)
        got = estimator_proba(estimator, batch)
        assert got.dtype == expected.dtype and got.shape == expected.shape
        assert np.array_equal(got, expected)
    # The fast path really is taken (sklearn is not called) for the served kind of model.
    monkeypatch.setattr(LogisticRegression, "predict_proba", lambda *a: pytest.fail("sklearn path"))
    estimator_proba(estimator, X[:1])


def test_the_feature_rows_the_engine_builds_match_too():
    symptoms = tuple(f"s{i}" for i in range(20))
    estimator, _ = _fitted(n_classes=6, n_features=len(symptoms) + 9, seed=3)
    X = featurise([["s1", "s4", "s19"], [], ["s0"]], [30, None, 4], ["f", "", "m"], symptoms)
    assert np.array_equal(estimator_proba(estimator, X), estimator.predict_proba(X))


def test_other_estimators_and_inputs_go_through_sklearn():
    rng = np.random.default_rng(0)
    X = (rng.random((60, 8)) < 0.4).astype(np.float32)
    binary = LogisticRegression().fit(X, np.arange(60) % 2)
    assert np.array_equal(estimator_proba(binary, X[:5]), binary.predict_proba(X[:5]))
    nb = BernoulliNB().fit(X, np.arange(60) % 4)
    assert np.array_equal(estimator_proba(nb, X[:5]), nb.predict_proba(X[:5]))
    multi, _ = _fitted(n_classes=4, n_features=8, seed=1)
    with pytest.raises(ValueError):  # sklearn's own error for the wrong number of features
        estimator_proba(multi, X[:, :5])
    assert np.array_equal(estimator_proba(multi, X[:3].tolist()), multi.predict_proba(X[:3].tolist()))
