"""The served conformal sets come from calibration scores sorted once (a binary search per class);
they must be exactly crepes' unsmoothed p-values and sets, ties included."""

import numpy as np
import pytest
from crepes import ConformalClassifier

from diagnosis.engine.conformal import SCORE_DECIMALS, ConformalCalibration, unsmoothed_p_values


def _crepes_p_values(scores: np.ndarray, alphas: np.ndarray) -> np.ndarray:
    # Through predict_p, the same p_values_batch that predict_set thresholds.
    return ConformalClassifier().fit(scores).predict_p(alphas, smoothing=False)


@pytest.mark.parametrize("seed", range(40))
def test_p_values_and_sets_equal_crepes_on_random_scores_with_ties(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    # Coarse rounding makes many calibration scores equal to each other and to the test scores;
    # the extremes 0 and 1 occur (a certain and an impossible class).
    decimals = int(rng.choice([1, 2, 3, SCORE_DECIMALS]))
    scores = np.round(rng.random(n), decimals)
    scores[: max(1, n // 10)] = rng.choice([0.0, 1.0, scores[-1]])
    alphas = np.round(rng.random((int(rng.integers(1, 6)), int(rng.integers(1, 40)))), decimals)
    alphas[0, 0] = scores[-1]  # a test score equal to a calibration score
    expected = _crepes_p_values(scores, alphas)
    got = unsmoothed_p_values(np.sort(scores), alphas)
    assert got.dtype == expected.dtype
    assert np.array_equal(got, expected)
    for coverage in (0.5, 0.8, 0.9, 0.95, 0.99):
        crepes_sets = (
            ConformalClassifier().fit(scores).predict_set(alphas, confidence=coverage, smoothing=False)
        )
        assert np.array_equal(got >= 1 - coverage, crepes_sets == 1)


def test_calibration_sets_equal_crepes_for_every_cell_and_fallback():
    rng = np.random.default_rng(7)
    n_classes = 15
    proba = rng.dirichlet(np.full(n_classes, 0.3), size=3000)
    labels = np.array([rng.choice(n_classes, p=p) for p in proba])  # a calibrated model
    ages = list(rng.choice([None, 5, 30, 70], size=3000))
    sexes = list(rng.choice(["f", "m", ""], size=3000))
    findings = list(rng.integers(1, 7, size=3000))
    cal = ConformalCalibration.fit(
        np.round(proba, 2), list(range(n_classes)), labels, ages, sexes, findings=findings
    )
    test = np.round(rng.dirichlet(np.full(n_classes, 0.3), size=200), 2)
    t_ages = list(rng.choice([None, 1, 5, 30, 70, 95], size=200))
    t_sexes = list(rng.choice(["f", "m", "", "x"], size=200))
    t_findings = list(rng.integers(0, 9, size=200))
    alphas = np.round(1.0 - test, SCORE_DECIMALS)
    sizes = set()
    for coverage in (0.8, 0.9, 0.95):
        got = cal.prediction_sets(test, t_ages, t_sexes, coverage, t_findings)
        for i in range(len(test)):
            cell = cal.cell_used(t_ages[i], t_sexes[i], t_findings[i])
            crepes_set = cal._classifiers[cell].predict_set(
                alphas[i : i + 1], confidence=coverage, smoothing=False
            )
            assert np.array_equal(got[i], crepes_set[0] == 1)
        sizes |= set(got.sum(axis=1).tolist())
    assert len(sizes) > 3  # sets of many sizes, not all or nothing


def test_a_calibration_with_nan_scores_keeps_crepes():
    cal = ConformalCalibration(cells={"pooled-like": np.array([0.1, np.nan, 0.5] * 50)}, min_cell=1)
    assert "pooled-like" not in cal._sorted
    sets = cal.prediction_sets(np.array([[0.2, 0.5, 0.3]]), [None], [""], 0.9)
    expected = cal._classifiers[cal.cell_used(None, "")].predict_set(
        np.round(1.0 - np.array([[0.2, 0.5, 0.3]]), SCORE_DECIMALS), confidence=0.9, smoothing=False
    )
    assert np.array_equal(sets[0], expected[0] == 1)
