"""Conformal prediction sets: a list of conditions that holds the right one with a stated probability.

Split conformal: the model's probabilities for *partial presentations* (1-5 findings, chosen the
way patients mention them) of patients never trained on or measured give a nonconformity score
per case, 1 - p(true condition) (the "hinge" / LAC score: the smallest sets on average). A new
presentation's set holds every condition whose score is no larger than the calibrated quantile,
so on presentations drawn like the calibration ones it contains the right condition with
probability >= the target coverage (``settings.CONFORMAL_COVERAGE``, 0.90 by default).

Mondrian by age band x sex: each cell (e.g. "18-39|f", "unknown|unknown") gets its own quantile, so
the guarantee holds per cell and not only on average over everybody. With ``BY_FINDINGS`` (served)
the cells also split by the number of findings given (1..5+), since one finding is far harder than
five: without it a single-finding set held the right condition only 71% of the time
(benchmarks/conformal.py). A cell with fewer than ``MIN_CELL`` calibration cases uses every
demographic with the same number of findings, then the pooled scores.

Which patients: ``stratified_presentations`` draws ``per_cell`` fresh synthetic patients (the setting
``CONFORMAL_CALIBRATION_PER_CELL``, passed in by mlops/training.py)
for every age band x sex cell (the natural mix gave the children's cells 90-290 rows, too few for a
cell's own quantile, so they borrowed wider scores and were over-covered), plus held-out imported or
confirmed patients that the metrics do not measure (mlops/training.py). They are other patients
than any evaluation or frozen-set row; some present alike (same findings, age band and sex, mostly a
single finding), and those are kept, since dropping them would leave the commonest presentations
out of the calibration only.

Why crepes (0.9.1) and not MAPIE: crepes is small (numpy, scipy, pandas only), works on plain
score arrays we compute ourselves (no estimator wrapping, so the stored model artefact stays the
same sklearn estimator and nothing but arrays is added to it), and does Mondrian (per-cell)
calibration directly through ``bins``; MAPIE wants to wrap the estimator and its Mondrian support
is newer and heavier. Unsmoothed p-values are used, so the same input always gives the same set.

Limits (said in the README): the guarantee is for presentations exchangeable with the
calibration ones, i.e. synthetic patients from the same generator; after follow-up answers the
probabilities include yes/no evidence the calibration never saw, so the set is then a heuristic.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
from crepes import ConformalClassifier
from django.conf import settings

from .calibration import temperature_apply
from .features import AGE_BANDS, featurise
from .synthetic import (
    Case,
    partial_presentation,
    presentation_weights,
    sample_demographics_many,
    sample_symptoms,
)

SCHEMA_VERSION = 1
DEFAULT_COVERAGE = 0.90
# Fewer calibration cases than this in an age band x sex cell: use the pooled calibration.
MIN_CELL = 100
# Fewer held-out presentations than this overall: no calibration at all (the fields stay absent).
MIN_CALIBRATION = 50
PARTIAL_SIZES = (1, 2, 3, 4, 5)
# Their random stream: apart from every seeded population (training, evaluation, frozen set).
CALIBRATION_SEED = 18
# Stop drawing after this many candidates per patient wanted (a cell no condition reaches stays short
# and falls back to a wider one).
MAX_DRAWS_PER_PATIENT = 30
# Whether new calibrations also split cells by the number of findings given (see
# ConformalCalibration; chosen by benchmarks/conformal.py).
BY_FINDINGS = True
POOLED = "pooled"
# Scores are stored with this many decimals, and a new case's scores are rounded the same way before
# they are compared, so equal scores (one finding of one condition, say) stay equal after the
# artefact's JSON round trip: a stored score rounded down below an unrounded equal one would drop
# that class from the set.
SCORE_DECIMALS = 6


def cell_of(age: int | None, sex: str | None) -> str:
    """The Mondrian cell of a subject: age band x sex, unknowns as their own band / sex."""
    band = "unknown"
    if age is not None:
        for lo, hi in AGE_BANDS:
            if lo <= age <= hi:
                band = f"{lo}-{hi}"
                break
    return f"{band}|{sex if sex in ('f', 'm') else 'unknown'}"


def all_cells() -> list[str]:
    """Every age band x sex cell (unknown age and unknown sex are their own band and sex)."""
    bands = [f"{lo}-{hi}" for lo, hi in AGE_BANDS] + ["unknown"]
    return [f"{band}|{sex}" for band in bands for sex in ("f", "m", "unknown")]


def coverage_setting() -> float:
    value = float(getattr(settings, "CONFORMAL_COVERAGE", DEFAULT_COVERAGE))
    if not 0.5 <= value < 1.0:
        raise ValueError("CONFORMAL_COVERAGE must be at least 0.5 and below 1")
    return value


def hinge_scores(probabilities: np.ndarray, true_index: np.ndarray) -> np.ndarray:
    """1 - p(true class); a true class the model does not know (index -1) scores 1."""
    rows = np.arange(len(true_index))
    p_true = np.where(true_index >= 0, probabilities[rows, np.maximum(true_index, 0)], 0.0)
    return 1.0 - p_true


def findings_bucket(k: int | None) -> str:
    """The number of findings given, as a Mondrian key ("k1" .. "k5"; 5 or more is "k5")."""
    return f"k{min(max(int(k or 1), 1), PARTIAL_SIZES[-1])}"


def unsmoothed_p_values(sorted_scores: np.ndarray, alphas: np.ndarray) -> np.ndarray:
    """crepes' unsmoothed p-values, (#calibration scores >= alpha + 1) / (n + 1), from scores sorted
    once: the count is n minus the insertion point of alpha (left side, so equal scores count).
    The same integer counts and the same division as crepes' ``p_values_batch``, so the same floats
    and the same sets (tests/diagnosis/test_conformal_p_values.py); ``sorted_scores`` holds no NaN."""
    n = len(sorted_scores)
    at_least = n - np.searchsorted(sorted_scores, alphas, side="left")
    return (at_least + 1) / (n + 1)


@dataclass
class ConformalCalibration:
    """Per-cell nonconformity scores (sorted) and the crepes classifiers built from them.

    ``by_findings``: the cells also split by the number of findings given (1..5+), because a set
    calibrated over all of them mixes easy and hard presentations: one finding would then be
    covered far less often than the target and five far more (benchmarks/conformal.py). A cell
    with too few cases falls back to all demographics with the same number of findings, then to
    the pooled scores.
    """

    cells: dict[str, np.ndarray]
    min_cell: int = MIN_CELL
    score: str = "hinge"
    by_findings: bool = False
    _classifiers: dict[str, ConformalClassifier] = field(init=False, repr=False)
    _sorted: dict[str, np.ndarray] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.cells = {
            k: np.sort(np.round(np.asarray(v, dtype=np.float64), SCORE_DECIMALS))
            for k, v in self.cells.items()
            if len(v)
        }
        if not self.cells:
            raise ValueError("a calibration needs at least one score")
        # Mondrian calibration is a separate calibration per cell: one crepes classifier each (the
        # same sets as one classifier fitted with `bins`, and ~10x faster for a single check).
        groups = {k: v for k, v in self.cells.items() if len(v) >= self.min_cell}
        if self.by_findings:
            for k in PARTIAL_SIZES:
                bucket = findings_bucket(k)
                scores = [v for key, v in self.cells.items() if key.endswith("|" + bucket)]
                if scores and sum(map(len, scores)) >= self.min_cell:
                    groups[f"any|{bucket}"] = np.concatenate(scores)
        groups[POOLED] = np.concatenate(list(self.cells.values()))
        # Each group's scores sorted once, in place (crepes does not depend on their order, and one
        # array per group is shared with it, not copied: the calibration sits in every worker), for
        # `unsmoothed_p_values` (a binary search per class instead of crepes' comparison of every
        # calibration score per class); a group holding NaN keeps crepes' own computation (NaN
        # sorts last, which would change the counts).
        groups = {k: v if k in self.cells else np.sort(v) for k, v in groups.items()}
        self._classifiers = {k: ConformalClassifier().fit(v) for k, v in groups.items()}
        self._sorted = {k: v for k, v in groups.items() if not np.isnan(v).any()}

    @property
    def n(self) -> int:
        return int(sum(len(v) for v in self.cells.values()))

    def key(self, age: int | None, sex: str | None, findings: int | None = None) -> str:
        cell = cell_of(age, sex)
        return f"{cell}|{findings_bucket(findings)}" if self.by_findings else cell

    def cell_used(self, age: int | None, sex: str | None, findings: int | None = None) -> str:
        """The cell whose scores decide this subject's set: its own, else (by findings) every
        demographic with the same number of findings, else "pooled"."""
        key = self.key(age, sex, findings)
        if key in self._classifiers:
            return key
        if self.by_findings and (fallback := f"any|{findings_bucket(findings)}") in self._classifiers:
            return fallback
        return POOLED

    def prediction_sets(
        self,
        probabilities: np.ndarray,
        ages: list,
        sexes: list,
        coverage: float = DEFAULT_COVERAGE,
        findings: list | None = None,
    ) -> np.ndarray:
        """Boolean (n, n_classes): which classes are in each row's set."""
        probabilities = np.atleast_2d(np.asarray(probabilities, dtype=np.float64))
        alphas = np.round(1.0 - probabilities, SCORE_DECIMALS)
        findings = findings if findings is not None else [None] * len(ages)
        used = np.array(
            [self.cell_used(a, s, k) for a, s, k in zip(ages, sexes, findings, strict=True)], dtype=object
        )
        out = np.zeros(probabilities.shape, dtype=bool)
        for cell in set(used):
            rows = used == cell
            calibration = self._sorted.get(cell)
            if calibration is None:
                sets = self._classifiers[cell].predict_set(alphas[rows], confidence=coverage, smoothing=False)
                out[rows] = sets == 1
            else:
                out[rows] = unsmoothed_p_values(calibration, alphas[rows]) >= 1 - coverage
        return out

    def prediction_set(
        self,
        probabilities,
        classes,
        age: int | None,
        sex: str | None,
        coverage: float = DEFAULT_COVERAGE,
        findings: int | None = None,
    ) -> list[str]:
        """The classes in the set for one subject, most likely first (may be empty)."""
        probabilities = np.asarray(probabilities, dtype=np.float64)
        members = self.prediction_sets(probabilities[None, :], [age], [sex], coverage, [findings])[0]
        order = np.argsort(-probabilities)
        return [str(classes[i]) for i in order if members[i]]

    # --- serialisation: plain JSON, stored inside the model artefact ------------------------

    def to_dict(self) -> dict:
        return {
            "schema": SCHEMA_VERSION,
            "score": self.score,
            "min_cell": self.min_cell,
            "by_findings": self.by_findings,
            "cells": {k: [round(float(x), SCORE_DECIMALS) for x in v] for k, v in sorted(self.cells.items())},
        }

    @classmethod
    def from_dict(cls, data: dict) -> ConformalCalibration:
        if data.get("schema") != SCHEMA_VERSION or data.get("score") != "hinge":
            raise ValueError("unknown conformal calibration format")
        return cls(
            cells=data["cells"],
            min_cell=int(data.get("min_cell", MIN_CELL)),
            by_findings=bool(data.get("by_findings", False)),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> ConformalCalibration:
        return cls.from_dict(json.loads(text))

    @classmethod
    def fit(cls, probabilities, classes, labels, ages, sexes, *, findings=None, min_cell: int = MIN_CELL):
        """Calibrate from the model's probabilities for cases whose true label is known; with
        `findings` (the number of findings of each case) the cells also split by it."""
        index = {str(c): i for i, c in enumerate(classes)}
        true_index = np.array([index.get(str(y), -1) for y in labels])
        scores = hinge_scores(np.asarray(probabilities, dtype=np.float64), true_index)
        by_findings = findings is not None
        findings = findings if by_findings else [None] * len(scores)
        cells: dict[str, list[float]] = {}
        for s, age, sex, k in zip(scores, ages, sexes, findings, strict=True):
            key = cell_of(age, sex) + (f"|{findings_bucket(k)}" if by_findings else "")
            cells.setdefault(key, []).append(float(s))
        return cls(
            cells={k: np.array(v) for k, v in cells.items()}, min_cell=min_cell, by_findings=by_findings
        )


def partial_presentations(patients: list[Case], snapshot, seed: int) -> list[Case]:
    """Each held-out patient's first 1..5 findings, chosen as patients give them (the same sampling
    as the evaluation in mlops/training.py; a patient with fewer findings gives fewer sizes)."""
    rng = np.random.default_rng(seed)
    known = set(snapshot.disease_slugs)
    out = []
    for case in patients:
        if case.disease not in known:
            continue
        for k in PARTIAL_SIZES:
            if len(case.symptoms) >= k:
                out.append(partial_presentation(case, k, rng, snapshot))
    return out


def stratified_patients(snapshot, per_cell: int, seed: int = CALIBRATION_SEED) -> list[Case]:
    """Synthetic patients from the usual generator until every age band x sex cell has `per_cell`.

    Demographics are drawn first and the findings only for a patient whose cell still needs one:
    the generator draws findings independently of age and sex given the condition, so the patients
    kept in a cell follow that cell's own distribution (what Mondrian calibration needs) while the
    rare cells (children, unknown sex) cost a cheap demographic draw per rejected candidate."""
    rng = np.random.default_rng([seed, per_cell])
    wanted = {cell: per_cell for cell in all_cells()}
    patients: list[Case] = []
    n_diseases = len(snapshot.diseases)
    budget = MAX_DRAWS_PER_PATIENT * per_cell * len(wanted) if n_diseases else 0
    batch = max(1000, 10 * per_cell)
    while wanted and budget > 0:
        budget -= batch
        diseases = rng.integers(n_diseases, size=batch)
        ages, sexes = sample_demographics_many(snapshot, diseases, rng)
        cells = np.array(
            [cell_of(a if a >= 0 else None, s) for a, s in zip(ages.tolist(), sexes.tolist(), strict=True)]
        )
        for cell in list(wanted):
            chosen = np.flatnonzero(cells == cell)[: wanted[cell]]
            for i in chosen:
                d, age = int(diseases[i]), int(ages[i])
                symptoms = sample_symptoms(snapshot, d, rng)
                patients.append(
                    Case(snapshot.diseases[d].slug, symptoms, age if age >= 0 else None, str(sexes[i]))
                )
            wanted[cell] -= len(chosen)
            if not wanted[cell]:
                del wanted[cell]
    return patients


def prefix_presentations(patients: list[Case], snapshot, seed: int) -> list[Case]:
    """Each patient's first 1..5 findings from one order in which they mention them.

    The order is drawn like ``partial_presentation`` draws (the more typical findings first,
    without replacement), so its first k findings have the same distribution as a partial
    presentation of k; one vectorised draw per patient keeps an ~80,000-row calibration quick."""
    rng = np.random.default_rng([seed, len(patients)])
    out = []
    for case in patients:
        # Exponential race: sorting E_i / w_i orders the findings exactly as drawing them one at
        # a time with probability proportional to w among those left (what rng.choice does).
        order = np.argsort(rng.exponential(size=len(case.symptoms)) / presentation_weights(case, snapshot))
        for k in PARTIAL_SIZES:
            if len(case.symptoms) < k:
                break
            chosen = tuple(sorted(case.symptoms[i] for i in order[:k]))
            out.append(Case(case.disease, chosen, case.age, case.sex))
    return out


# The stratified calibration presentations last drawn, keyed by what they depend on (the knowledge
# base's conditions, demographics and frequencies): every candidate of a training, and every
# training on an unchanged knowledge base, shares them.
_stratified: dict = {}


def _generator_key(snapshot) -> str:
    digest = hashlib.sha256(
        json.dumps(
            [
                snapshot.symptoms,
                [(d.slug, d.age_min, d.age_mode, d.age_max, d.female_share) for d in snapshot.diseases],
            ]
        ).encode()
    )
    digest.update(np.ascontiguousarray(snapshot.frequency, dtype=np.float64).tobytes())
    return digest.hexdigest()


def stratified_presentations(snapshot, per_cell: int, seed: int = CALIBRATION_SEED) -> list[Case]:
    """Partial presentations (1-5 findings) of `stratified_patients`: fresh synthetic patients,
    never trained on, evaluated or in the frozen set, to calibrate the conformal sets on."""
    key = (_generator_key(snapshot), per_cell, seed)
    if key not in _stratified:
        _stratified.clear()
        _stratified[key] = prefix_presentations(stratified_patients(snapshot, per_cell, seed), snapshot, seed)
    return _stratified[key]


def calibrate(
    estimator,
    symptoms,
    cases: list[Case],
    *,
    min_cell: int = MIN_CELL,
    by_findings: bool | None = None,
    temperature: float = 1.0,
    X: np.ndarray | None = None,
) -> ConformalCalibration | None:
    """Calibrate a fitted estimator on labelled presentations it was not trained on, on the
    probabilities a check serves (after the version's temperature scaling). `X`: the cases'
    features when already computed."""
    if len(cases) < MIN_CALIBRATION:
        return None
    by_findings = BY_FINDINGS if by_findings is None else by_findings
    if X is None:
        X = _features(cases, symptoms)
    proba = temperature_apply(estimator.predict_proba(X), temperature)
    return ConformalCalibration.fit(
        proba,
        [str(c) for c in estimator.classes_],
        [c.disease for c in cases],
        [c.age for c in cases],
        [c.sex for c in cases],
        findings=[len(c.symptoms) for c in cases] if by_findings else None,
        min_cell=min_cell,
    )


def _features(cases: list[Case], symptoms) -> np.ndarray:
    return featurise([c.symptoms for c in cases], [c.age for c in cases], [c.sex for c in cases], symptoms)


# The features of the last presentations list given to `artefact_entry` (the shared stratified one:
# featurising 80,000 rows takes longer than predicting them), kept with the list so an id is not reused.
_presentation_features: list[tuple[object, tuple, np.ndarray]] = []


def _features_of(presentations: list[Case], symptoms) -> np.ndarray:
    symptoms = tuple(symptoms)
    for cases, used, X in _presentation_features:
        if cases is presentations and used == symptoms:
            return X
    X = _features(presentations, symptoms)
    _presentation_features[:] = [(presentations, symptoms, X)]
    return X


# The last calibrations made, keyed by the identity of the estimator and held-out list they came
# from (kept alive here, so an id cannot be reused): registering the same trained candidate again
# (a retried registration, the test suite's shared candidate) does not recalibrate.
_recent: list[tuple[object, object, tuple, dict]] = []


def artefact_entry(
    estimator,
    holdout: list[Case],
    snapshot,
    seed: int = 17,
    by_findings: bool | None = None,
    temperature: float = 1.0,
    presentations: list[Case] | None = None,
) -> dict:
    """What the training hook adds to a model artefact: {"conformal": JSON} calibrated on the
    held-out patients' partial presentations plus `presentations` (already drawn: the fresh
    synthetic ones of ``stratified_presentations``), or {} when there are too few of them."""
    by_findings = BY_FINDINGS if by_findings is None else by_findings
    presentations = presentations or []
    settings_key = (snapshot.version, seed, by_findings, temperature, id(presentations))
    for est, cases, used, entry in _recent:
        if est is estimator and cases is holdout and used == settings_key:
            return dict(entry)
    cases = partial_presentations(holdout, snapshot, seed)
    X = None
    if presentations:
        X = np.vstack([_features(cases, snapshot.symptoms), _features_of(presentations, snapshot.symptoms)])
        cases = cases + list(presentations)
    calibration = calibrate(
        estimator, snapshot.symptoms, cases, by_findings=by_findings, temperature=temperature, X=X
    )
    entry = {"conformal": calibration.to_json()} if calibration is not None else {}
    _recent[:] = [(estimator, holdout, settings_key, entry), *_recent[:1]]
    return dict(entry)


def from_artefact(payload: dict) -> ConformalCalibration | None:
    """The calibration stored with a model version; None when it has none (or an unknown format)."""
    text = payload.get("conformal")
    if not text:
        return None
    try:
        return ConformalCalibration.from_json(text)
    except (ValueError, KeyError, TypeError):
        return None
