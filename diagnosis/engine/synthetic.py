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


def sample_symptoms(
    snapshot: KnowledgeSnapshot,
    d: int,
    rng: np.random.Generator,
    *,
    noise_rate: float = 0.25,
    frequency: np.ndarray | None = None,
) -> tuple[str, ...]:
    """The findings of one patient with condition `d`: each linked symptom with its frequency, and
    a few unrelated ones (patients mention symptoms the condition does not explain)."""
    freq = snapshot.frequency[d] if frequency is None else frequency[d]
    linked = np.flatnonzero(freq)
    present = linked[rng.random(linked.size) < freq[linked]]
    if present.size == 0:
        present = np.array([linked[np.argmax(freq[linked])]])
    symptoms = {snapshot.symptoms[i] for i in present}
    n_noise = rng.binomial(2, noise_rate)
    if n_noise:
        others = np.flatnonzero(freq == 0)
        for i in rng.choice(others, size=min(n_noise, others.size), replace=False):
            symptoms.add(snapshot.symptoms[i])
    return tuple(sorted(symptoms))


def sample_demographics(
    snapshot: KnowledgeSnapshot, d: int, rng: np.random.Generator, *, unknown_demographics: float = 0.15
) -> tuple[int | None, str]:
    """Age (triangular over the condition's typical ages) and sex (its female share) of a patient
    with condition `d`; each unknown with probability `unknown_demographics`. Drawn independently
    of the findings, so patients of one age band x sex can be drawn demographics first
    (diagnosis/engine/conformal.py)."""
    spec = snapshot.diseases[d]
    age: int | None = None
    if rng.random() > unknown_demographics:
        lo, mode, hi = spec.age_min, min(max(spec.age_mode, spec.age_min), spec.age_max), spec.age_max
        age = int(round(rng.triangular(lo, mode, hi))) if hi > lo else lo
    sex = ""
    if rng.random() > unknown_demographics:
        sex = "f" if rng.random() < spec.female_share else "m"
    return age, sex


def sample_demographics_many(
    snapshot: KnowledgeSnapshot,
    diseases: np.ndarray,
    rng: np.random.Generator,
    *,
    unknown_demographics: float = 0.15,
) -> tuple[np.ndarray, np.ndarray]:
    """`sample_demographics` for many patients at once (the same distribution, another order of
    random numbers): ages (-1 when unknown) and sexes ("f", "m", "" when unknown)."""
    n = len(diseases)
    lo = np.array([d.age_min for d in snapshot.diseases], dtype=np.float64)[diseases]
    hi = np.array([d.age_max for d in snapshot.diseases], dtype=np.float64)[diseases]
    mode = np.array(
        [min(max(d.age_mode, d.age_min), d.age_max) for d in snapshot.diseases], dtype=np.float64
    )[diseases]
    share = np.array([d.female_share for d in snapshot.diseases], dtype=np.float64)[diseases]
    spread = hi > lo
    drawn = rng.triangular(lo, np.where(spread, mode, lo), np.where(spread, hi, lo + 1))
    ages = np.where(spread, np.round(drawn), lo).astype(int)
    ages[rng.random(n) <= unknown_demographics] = -1
    sexes = np.where(rng.random(n) < share, "f", "m")
    sexes[rng.random(n) <= unknown_demographics] = ""
    return ages, sexes


def sample_patient(
    snapshot: KnowledgeSnapshot,
    d: int,
    rng: np.random.Generator,
    *,
    noise_rate: float = 0.25,
    unknown_demographics: float = 0.15,
    frequency: np.ndarray | None = None,
) -> Case:
    # Findings first, then demographics: the order every seeded population was generated in.
    symptoms = sample_symptoms(snapshot, d, rng, noise_rate=noise_rate, frequency=frequency)
    age, sex = sample_demographics(snapshot, d, rng, unknown_demographics=unknown_demographics)
    return Case(snapshot.diseases[d].slug, symptoms, age, sex)


def generate_cases(snapshot: KnowledgeSnapshot, per_disease: int, seed: int, **kwargs) -> list[Case]:
    rng = np.random.default_rng(seed)
    return [
        sample_patient(snapshot, d, rng, **kwargs)
        for d in range(len(snapshot.diseases))
        for _ in range(per_disease)
    ]


# Row and column lookups of the snapshot last used: a calibration draws ~80,000 presentations.
_lookups: dict = {}


def _indices(snapshot: KnowledgeSnapshot) -> tuple[dict[str, int], dict[str, int]]:
    if _lookups.get("snapshot") is not snapshot:
        _lookups.clear()
        _lookups["snapshot"] = snapshot
        _lookups["rows"] = {slug: i for i, slug in enumerate(snapshot.disease_slugs)}
        _lookups["cols"] = {s: i for i, s in enumerate(snapshot.symptoms)}
    return _lookups["rows"], _lookups["cols"]


def presentation_weights(
    case: Case, snapshot: KnowledgeSnapshot, *, frequency: np.ndarray | None = None
) -> np.ndarray:
    """How likely each of the case's findings is to be mentioned early: its frequency for the
    condition, plus a little for findings the condition does not explain."""
    freq = snapshot.frequency if frequency is None else frequency
    rows, col = _indices(snapshot)
    d = rows[case.disease]
    return np.array([freq[d, col[s]] + 0.05 for s in case.symptoms])


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
    weights = presentation_weights(case, snapshot, frequency=frequency)
    chosen = rng.choice(len(symptoms), size=k, replace=False, p=weights / weights.sum())
    return Case(case.disease, tuple(sorted(symptoms[i] for i in chosen)), case.age, case.sex)
