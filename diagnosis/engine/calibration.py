"""Temperature scaling (Guo et al. 2017): one number that makes shown probabilities honest.

Models trained on full synthetic rows are over-confident on the 1-5 findings patients give. A
temperature ``T`` fitted on held-out partial presentations (never on training rows or on the
rows metrics are measured on) rescales every probability as ``p ** (1 / T)``, renormalised: the
order of conditions never changes, only how sure the list says it is. Pure numpy/scipy, no Django.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

_FLOOR = 1e-12


def temperature_apply(proba: np.ndarray, temperature: float) -> np.ndarray:
    """Rescale rows of probabilities by a temperature (1.0 leaves them as they are)."""
    if temperature == 1.0:
        return proba
    logits = np.log(np.clip(proba, _FLOOR, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    scaled = np.exp(logits)
    return scaled / scaled.sum(axis=1, keepdims=True)


def temperature_fit(proba: np.ndarray, true_index: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood of the true classes.

    ``true_index`` holds each row's true column, or -1 when the true class is not among the
    columns (those rows are ignored). Searched for T between 0.05 and 20. Sharpening (T < 1)
    can push an emergency condition ranked second below the probability at which a check
    escalates; that is why the promotion gates (mlops.gates) measure the model as served, with
    its temperature, and refuse a version that loses an emergency. Returns 1.0 when there is
    nothing to fit on.
    """
    keep = true_index >= 0
    if keep.sum() < 20:
        return 1.0
    proba, true_index = proba[keep], true_index[keep]
    rows = np.arange(len(true_index))

    def nll(log_t: float) -> float:
        scaled = temperature_apply(proba, float(np.exp(log_t)))
        return float(-np.log(np.clip(scaled[rows, true_index], _FLOOR, 1.0)).mean())

    best = minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded")
    return float(np.exp(best.x)) if best.success else 1.0


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """ECE of the top condition: cases are put in equal-width bins of the probability shown for
    the first condition ((0, 0.1], (0.1, 0.2], ...); ECE is the case-weighted mean, over bins, of
    |share of cases whose first condition is right - mean probability shown|."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        mask = (confidence > lo) & (confidence <= hi)
        if mask.any():
            ece += mask.mean() * abs(correct[mask].mean() - confidence[mask].mean())
    return float(ece)
