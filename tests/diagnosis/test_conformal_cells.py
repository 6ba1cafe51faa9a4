"""Conformal calibration per age band x sex cell: fresh synthetic patients drawn per cell, kept apart
from every measured row, and coverage that holds in each cell (issue 18)."""

from collections import Counter

import numpy as np
import pytest
from django.conf import settings

from diagnosis.engine.calibration import temperature_apply
from diagnosis.engine.conformal import (
    MIN_CELL,
    PARTIAL_SIZES,
    all_cells,
    artefact_entry,
    cell_of,
    findings_bucket,
    from_artefact,
    partial_presentations,
    prefix_presentations,
    stratified_patients,
)
from diagnosis.engine.features import featurise
from diagnosis.engine.synthetic import Case, generate_cases, partial_presentation, sample_demographics_many

pytestmark = pytest.mark.django_db


def test_stratified_patients_fill_every_cell_with_the_generators_patients(snapshot):
    patients = stratified_patients(snapshot, per_cell=40, seed=1)
    counts = Counter(cell_of(p.age, p.sex) for p in patients)
    assert set(counts) == set(all_cells()) and len(all_cells()) == 18
    assert set(counts.values()) == {40}  # the children's and unknown-sex cells too
    specs = {d.slug: d for d in snapshot.diseases}
    for p in patients:
        spec = specs[p.disease]
        assert p.symptoms and (p.age is None or spec.age_min <= p.age <= spec.age_max)
    assert stratified_patients(snapshot, per_cell=40, seed=1) == patients  # seeded


def test_vectorised_demographics_draw_like_the_generator(snapshot):
    """The per-cell draw uses sample_demographics_many; its cells must be as frequent as in the
    patients generate_cases gives (else a cell would be calibrated on other patients than it serves)."""
    n_per_disease = 600
    reference = Counter(cell_of(c.age, c.sex) for c in generate_cases(snapshot, n_per_disease, 5))
    diseases = np.repeat(np.arange(len(snapshot.diseases)), n_per_disease)
    ages, sexes = sample_demographics_many(snapshot, diseases, np.random.default_rng(6))
    drawn = Counter(
        cell_of(a if a >= 0 else None, s) for a, s in zip(ages.tolist(), sexes.tolist(), strict=True)
    )
    total = len(diseases)
    for cell in all_cells():
        share = reference[cell] / total
        # Within 4 standard errors of the difference of two samples' counts.
        assert abs(drawn[cell] - reference[cell]) < 4 * np.sqrt(2 * total * share * (1 - share)) + 1, cell
    assert reference["0-11|unknown"] < 0.01 * total  # the rare cell the stratified draw exists for


def test_prefix_presentations_pick_findings_like_partial_presentations(snapshot):
    d = 5
    linked = np.flatnonzero(snapshot.frequency[d])[:6]
    case = Case(snapshot.diseases[d].slug, tuple(sorted(snapshot.symptoms[i] for i in linked)), 30, "f")
    n = 6000
    rng = np.random.default_rng(0)
    usual = Counter(partial_presentation(case, 2, rng, snapshot).symptoms for _ in range(n))
    prefix = Counter(
        p.symptoms for p in prefix_presentations([case] * n, snapshot, 1) if len(p.symptoms) == 2
    )
    assert sum(prefix.values()) == n
    for pair in set(usual) | set(prefix):
        assert abs(usual[pair] - prefix[pair]) / n < 0.025, pair
    # Unequal weights: the most frequent pair is clearly more common than the rarest.
    assert max(prefix.values()) > 2 * min(prefix.values())


def test_training_calibrates_on_fresh_patients_per_cell_apart_from_measured_rows(snapshot):
    from mlops.training import build_dataset, conformal_presentations

    dataset = build_dataset(snapshot, per_disease=30, seed=5)
    per_cell_setting = settings.CONFORMAL_CALIBRATION_PER_CELL
    assert dataset.conformal_per_cell == per_cell_setting and dataset.conformal_patients == []
    rows = conformal_presentations(dataset, snapshot)
    per_cell = Counter(cell_of(c.age, c.sex) for c in rows)
    per_cell_k = Counter((cell_of(c.age, c.sex), findings_bucket(len(c.symptoms))) for c in rows)
    for cell in all_cells():
        assert per_cell[cell] >= 4 * per_cell_setting, cell  # ~4.4 presentations per patient
        for k in PARTIAL_SIZES:
            assert per_cell_k[cell, findings_bucket(k)] >= 5 * MIN_CELL, (cell, k)  # no fallback needed
    # Other patients than every row trained on, measured by the metrics or by the coverage gate.
    calibration_ids = {id(c) for c in rows}
    measured = [c for cases in dataset.evaluation.values() for c in cases]
    assert not calibration_ids & {id(c) for c in measured + dataset.train + dataset.holdout}
    # Nor presentations drawn from a held-out patient the metrics measure: the draw never sees the
    # dataset, so a full five-finding presentation equals a held-out patient's only by chance (with
    # 3,000 patients per cell a few generator patients coincide), never as a rule.
    held_out = {(c.disease, c.age, c.sex, c.symptoms) for c in dataset.holdout}
    full = {(c.disease, c.age, c.sex, c.symptoms) for c in rows if len(c.symptoms) >= 5}
    held_out_full = [key for key in held_out if len(key[3]) == 5]
    # Were they drawn from the held-out patients, every one of these would be among them.
    assert held_out_full
    assert sum(key in full for key in held_out_full) < 0.5 * len(held_out_full)
    # The same population for every candidate of a training (drawn once).
    assert conformal_presentations(dataset, snapshot) is rows


def test_imported_data_is_calibrated_on_its_own_held_out_rows_only(snapshot):
    from mlops.models import TrainingCase
    from mlops.training import build_dataset, conformal_presentations

    TrainingCase.objects.bulk_create(
        TrainingCase(source="wide.csv", condition=c.disease, symptoms=list(c.symptoms), fingerprint=str(i))
        for i, c in enumerate(generate_cases(snapshot, 12, 31))
    )
    dataset = build_dataset(snapshot, source="imported", seed=2)
    assert dataset.conformal_per_cell == 0 and conformal_presentations(dataset, snapshot) == []
    calibrating = {id(c) for c in dataset.conformal_patients}
    # Half of each condition's held-out patients (a quarter of all when synthetic patients calibrate
    # too), so the calibrating and the measured halves have the same condition mix; none of them is
    # one the metrics measure.
    per_condition = Counter(c.disease for c in dataset.holdout)
    chosen = Counter(c.disease for c in dataset.conformal_patients)
    assert calibrating and all(chosen[d] == n // 2 for d, n in per_condition.items())
    measured = {id(c) for c in dataset.selection_patients}
    assert not measured & calibrating
    assert measured | calibrating == {id(c) for c in dataset.holdout}
    assert {id(c) for c in dataset.calibration_patients} == calibrating


def test_calibrating_patients_halve_each_condition_without_synthetic_data_only():
    from mlops.training import calibrating_patients

    # Listed by condition, as a split never lists them: a plain first half would be all "a".
    holdout = [Case("a", (f"s{i}",), None, "") for i in range(6)] + [
        Case("b", (f"s{i}",), None, "") for i in range(4)
    ]
    assert [c.disease for c in calibrating_patients(holdout, 0.5, by_condition=False)] == ["a"] * 5
    chosen = calibrating_patients(holdout, 0.5, by_condition=True)
    assert Counter(c.disease for c in chosen) == {"a": 3, "b": 2}
    assert Counter(c.disease for c in calibrating_patients(holdout, 0.25, by_condition=True)) == {
        "a": 1,
        "b": 1,
    }


def test_every_cell_of_a_small_trained_model_is_covered_within_tolerance(snapshot, _trained_candidate):
    """The suite's small model, calibrated as registration does, on fresh patients drawn per cell:
    each of the 18 cells within 90 +/- 3 points (the children's cells were 94.6-95.8% when they
    borrowed the all-ages scores)."""
    from mlops.training import conformal_presentations

    candidate, dataset = _trained_candidate
    calibration = from_artefact(
        artefact_entry(
            candidate.estimator,
            dataset.conformal_patients,
            snapshot,
            temperature=candidate.temperature,
            presentations=conformal_presentations(dataset, snapshot),
        )
    )
    assert calibration is not None and calibration.by_findings
    cases = partial_presentations(stratified_patients(snapshot, per_cell=600, seed=77), snapshot, seed=78)
    ages, sexes = [c.age for c in cases], [c.sex for c in cases]
    X = featurise([c.symptoms for c in cases], ages, sexes, snapshot.symptoms)
    proba = temperature_apply(candidate.estimator.predict_proba(X), candidate.temperature)
    index = {str(c): i for i, c in enumerate(candidate.estimator.classes_)}
    truth = np.array([index[c.disease] for c in cases])
    findings = [len(c.symptoms) for c in cases]
    sets = calibration.prediction_sets(proba, ages, sexes, 0.9, findings=findings)
    covered = sets[np.arange(len(cases)), truth]
    cells = np.array([cell_of(a, s) for a, s in zip(ages, sexes, strict=True)])
    assert abs(covered.mean() - 0.9) < 0.015
    coverage = {}
    for cell in all_cells():
        m = cells == cell
        assert m.sum() >= 2400, cell
        # Every set came from the cell's own scores (no borrowed, wider cell).
        assert {
            calibration.cell_used(a, s, k)
            for a, s, k in zip(
                np.array(ages, dtype=object)[m], np.array(sexes)[m], np.array(findings)[m], strict=True
            )
        } == {f"{cell}|{findings_bucket(k)}" for k in PARTIAL_SIZES}, cell
        coverage[cell] = covered[m].mean()
    assert all(abs(c - 0.9) <= 0.03 for c in coverage.values()), coverage
