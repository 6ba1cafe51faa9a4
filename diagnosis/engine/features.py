"""Feature vectors: one 0/1 column per symptom, then age band and sex one-hots."""

from __future__ import annotations

import numpy as np

AGE_BANDS = ((0, 11), (12, 17), (18, 39), (40, 64), (65, 200))
N_DEMOGRAPHIC = len(AGE_BANDS) + 1 + 3  # age bands + unknown age, sex f/m/unknown


def demographic_vector(age: int | None, sex: str | None) -> np.ndarray:
    vec = np.zeros(N_DEMOGRAPHIC, dtype=np.float32)
    if age is None:
        vec[len(AGE_BANDS)] = 1
    else:
        for i, (lo, hi) in enumerate(AGE_BANDS):
            if lo <= age <= hi:
                vec[i] = 1
                break
    vec[len(AGE_BANDS) + 1 + {"f": 0, "m": 1}.get(sex or "", 2)] = 1
    return vec


def featurise(
    symptom_sets: list, ages: list, sexes: list, symptom_order: tuple[str, ...] | list[str]
) -> np.ndarray:
    column = {s: i for i, s in enumerate(symptom_order)}
    n = len(symptom_sets)
    X = np.zeros((n, len(symptom_order) + N_DEMOGRAPHIC), dtype=np.float32)
    for row, (symptoms, age, sex) in enumerate(zip(symptom_sets, ages, sexes, strict=True)):
        for s in symptoms:
            idx = column.get(s)
            if idx is not None:
                X[row, idx] = 1
        X[row, len(symptom_order) :] = demographic_vector(age, sex)
    return X
