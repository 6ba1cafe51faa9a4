"""Choosing the next yes / no question by expected information gain."""

from __future__ import annotations

import numpy as np

# A symptom not linked to a condition still occurs now and then in people who have it.
UNLINKED_RATE = 0.02


def likelihood_matrix(frequency: np.ndarray) -> np.ndarray:
    return np.where(frequency > 0, np.clip(frequency, 0.03, 0.95), UNLINKED_RATE)


def entropy(p: np.ndarray, axis: int = -1) -> np.ndarray:
    p = np.clip(p, 1e-12, 1.0)
    return -(p * np.log2(p)).sum(axis=axis)


def expected_information_gain(prior: np.ndarray, likelihood: np.ndarray) -> np.ndarray:
    """Expected entropy reduction over conditions for asking about each symptom (vectorised)."""
    prior = prior / prior.sum()
    p_yes = prior @ likelihood  # (n_symptoms,)
    post_yes = prior[:, None] * likelihood
    post_no = prior[:, None] * (1 - likelihood)
    post_yes /= np.clip(post_yes.sum(axis=0, keepdims=True), 1e-12, None)
    post_no /= np.clip(post_no.sum(axis=0, keepdims=True), 1e-12, None)
    return entropy(prior) - (p_yes * entropy(post_yes, axis=0) + (1 - p_yes) * entropy(post_no, axis=0))


def best_question(
    prior: np.ndarray, likelihood: np.ndarray, exclude: set[int], min_gain: float = 0.05
) -> int | None:
    gains = expected_information_gain(prior, likelihood)
    if exclude:
        gains[list(exclude)] = -np.inf
    best = int(np.argmax(gains))
    return best if gains[best] >= min_gain else None


def apply_denials(prior: np.ndarray, likelihood: np.ndarray, denied: list[int]) -> np.ndarray:
    """Bayesian update for symptoms the patient said they do not have."""
    p = prior.copy()
    for j in denied:
        p *= 1 - likelihood[:, j]
    total = p.sum()
    return p / total if total > 0 else prior
