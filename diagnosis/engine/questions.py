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


# Risk-factor questions people may feel judged for ("have you shared needles?"). Opening an
# interview with one, when another question would tell as much, reads as an accusation and makes
# people stop answering; the knowledge base marks these symptoms with body_system "risk_factor"
# (tests/diagnosis/test_question_order.py keeps this list in step with it).
STIGMATISING = frozenset(
    {"unsterile_injections_history", "high_risk_sexual_contact", "history_of_alcohol_consumption"}
)
# Later in the interview a stigmatising question must carry this many times the information of the
# best other question to be asked instead of it.
STIGMA_MARGIN = 1.5
MIN_GAIN = 0.05


def choose_question(
    gains: np.ndarray,
    exclude: set[int],
    stigmatising: set[int] | frozenset[int] = frozenset(),
    *,
    first: bool = False,
    min_gain: float = MIN_GAIN,
) -> int | None:
    """The question with the most expected information gain, holding stigmatising ones back.

    A stigmatising question is never the first question while any other question gains at least
    ``min_gain`` (the bar any question must clear to be asked at all); after the first, it is asked
    only when its gain is at least ``STIGMA_MARGIN`` times the best other question's."""
    gains = np.array(gains, dtype=float)
    if exclude:
        gains[list(exclude)] = -np.inf
    if not np.isfinite(gains).any():
        return None
    plain = gains.copy()
    if stigmatising:
        plain[list(stigmatising)] = -np.inf
    best = int(np.argmax(gains))
    best_plain = int(np.argmax(plain))
    if best in stigmatising and np.isfinite(plain[best_plain]) and plain[best_plain] >= min_gain:
        if first or gains[best] < STIGMA_MARGIN * plain[best_plain]:
            best = best_plain
    return best if gains[best] >= min_gain else None


def best_question(
    prior: np.ndarray,
    likelihood: np.ndarray,
    exclude: set[int],
    min_gain: float = MIN_GAIN,
    *,
    stigmatising: set[int] | frozenset[int] = frozenset(),
    first: bool = False,
) -> int | None:
    gains = expected_information_gain(prior, likelihood)
    return choose_question(gains, exclude, stigmatising, first=first, min_gain=min_gain)


def apply_denials(prior: np.ndarray, likelihood: np.ndarray, denied: list[int]) -> np.ndarray:
    """Bayesian update for symptoms the patient said they do not have."""
    p = prior.copy()
    for j in denied:
        p *= 1 - likelihood[:, j]
    total = p.sum()
    return p / total if total > 0 else prior
