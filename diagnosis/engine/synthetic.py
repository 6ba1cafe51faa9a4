"""Synthetic patients drawn from the knowledge base (clearly synthetic: no real people).

Each case picks a condition, an age from a triangular distribution over the condition's
typical ages, a sex from its female share, and each linked symptom with its frequency;
a few unrelated "noise" symptoms are added as real patients mention them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .knowledge import KnowledgeSnapshot


@dataclass(frozen=True)
class Case:
    disease: str
    symptoms: tuple[str, ...]
    age: int | None
    sex: str


def sample_patient(
    snapshot: KnowledgeSnapshot,
    d: int,
    rng: np.random.Generator,
    *,
    noise_rate: float = 0.25,
    unknown_demographics: float = 0.15,
    frequency: np.ndarray | None = None,
) -> Case:
    spec = snapshot.diseases[d]
    freq = snapshot.frequency[d] if frequency is None else frequency[d]
    linked = np.flatnonzero(freq)
    present = linked[rng.random(linked.size) < freq[linked]]
    if present.size == 0:
        present = np.array([linked[np.argmax(freq[linked])]])
    symptoms = {snapshot.symptoms[i] for i in present}
    # Noise: symptoms patients mention that the condition does not explain.
    n_noise = rng.binomial(2, noise_rate)
    if n_noise:
        others = np.flatnonzero(freq == 0)
        for i in rng.choice(others, size=min(n_noise, others.size), replace=False):
            symptoms.add(snapshot.symptoms[i])
    age: int | None = None
    if rng.random() > unknown_demographics:
        lo, mode, hi = spec.age_min, min(max(spec.age_mode, spec.age_min), spec.age_max), spec.age_max
        age = int(round(rng.triangular(lo, mode, hi))) if hi > lo else lo
    sex = ""
    if rng.random() > unknown_demographics:
        sex = "f" if rng.random() < spec.female_share else "m"
    return Case(spec.slug, tuple(sorted(symptoms)), age, sex)


def generate_cases(snapshot: KnowledgeSnapshot, per_disease: int, seed: int, **kwargs) -> list[Case]:
    rng = np.random.default_rng(seed)
    return [
        sample_patient(snapshot, d, rng, **kwargs)
        for d in range(len(snapshot.diseases))
        for _ in range(per_disease)
    ]


def partial_presentation(
    case: Case,
    k: int,
    rng: np.random.Generator,
    snapshot: KnowledgeSnapshot,
    *,
    frequency: np.ndarray | None = None,
) -> Case:
    """What a patient says first: k of their symptoms, the condition's more typical ones more likely
    (by the knowledge base's frequencies, or by `frequency` for another population)."""
    symptoms = list(case.symptoms)
    if len(symptoms) <= k:
        return case
    freq = snapshot.frequency if frequency is None else frequency
    d = snapshot.disease_slugs.index(case.disease)
    col = {s: i for i, s in enumerate(snapshot.symptoms)}
    weights = np.array([freq[d, col[s]] + 0.05 for s in symptoms])
    chosen = rng.choice(len(symptoms), size=k, replace=False, p=weights / weights.sum())
    return Case(case.disease, tuple(sorted(symptoms[i] for i in chosen)), case.age, case.sex)
