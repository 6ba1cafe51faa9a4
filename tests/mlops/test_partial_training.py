"""Training that matches use: fitted on partial presentations, selected on held-out partial
presentations (with the MultinomialNB baseline on imported wide data), refit on all but the
calibration patients before registration."""

from __future__ import annotations

import csv
from dataclasses import replace
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command

from diagnosis.engine.synthetic import Case, generate_cases
from mlops.models import ModelVersion
from mlops.training import (
    TrainedCandidate,
    build_dataset,
    case_key,
    refit_candidate,
    select_candidate,
    train_candidate,
    training_presentations,
)

pytestmark = pytest.mark.django_db


def test_training_rows_are_partial_presentations_weighted_per_patient(snapshot, settings):
    settings.TRAINING_CONFIRMED_WEIGHT = 4.0
    patients = [c for c in generate_cases(snapshot, 3, seed=1) if len(c.symptoms) >= 7][:5]
    assert len(patients) == 5
    confirmed = patients[0]
    rows, weights = training_presentations(patients, snapshot, seed=1, confirmed_keys={case_key(confirmed)})
    sizes = {len(r.symptoms) for r in rows}
    # Subsets of 1 to 5 findings of each row, and the whole row (after follow-up answers).
    assert {1, 2, 3, 4, 5} <= sizes
    assert all(len(r.symptoms) <= 5 or case_key(r) in {case_key(p) for p in patients} for r in rows)
    for row in rows:
        assert any(row.disease == p.disease and set(row.symptoms) <= set(p.symptoms) for p in patients)
    # Each patient's presentations share its weight: four other patients at 1, the confirmed one at 4.
    assert weights.sum() == pytest.approx(4 + 4.0)
    mine = [w for r, w in zip(rows, weights, strict=True) if r == confirmed]
    assert mine == [pytest.approx(4.0 / 6)]  # five subsets and the whole row


def test_identical_presentations_are_merged_with_their_weights(snapshot):
    patient = next(c for c in generate_cases(snapshot, 5, seed=2) if len(c.symptoms) >= 3)
    twin = Case(patient.disease, patient.symptoms, patient.age, patient.sex)
    rows, weights = training_presentations([patient, twin], snapshot, seed=2)
    keys = [case_key(r) for r in rows]
    assert len(keys) == len(set(keys))
    assert weights.sum() == pytest.approx(2.0)
    assert weights[keys.index(case_key(patient))] > 1 / (min(len(patient.symptoms), 6))


def test_confirmed_cases_are_recorded_and_weighted_in_the_dataset(snapshot):
    confirmed = [c for c in generate_cases(snapshot, 2, seed=9)][:30]
    dataset = build_dataset(snapshot, per_disease=20, seed=3, confirmed_cases=confirmed)
    assert dataset.sources["confirmed"] == len(confirmed)
    assert {case_key(c) for c in confirmed} <= dataset.confirmed_keys


def test_selection_scores_held_out_patients_and_the_refit_keeps_calibration_apart(snapshot):
    dataset = build_dataset(snapshot, per_disease=30, seed=5)
    train_keys = {case_key(c) for c in dataset.train}
    selection_keys = {case_key(c) for c in dataset.selection_patients}
    calibration_keys = {case_key(c) for c in dataset.calibration_patients}
    assert dataset.calibration_patients and dataset.selection_patients
    assert not (train_keys | selection_keys) & calibration_keys
    assert all(1 <= len(c.symptoms) <= 5 for rows in dataset.evaluation.values() for c in rows)

    candidate = train_candidate("multinomial_nb", dataset, snapshot)
    assert candidate.metrics["n_train"] == len(dataset.train)
    assert candidate.metrics["n_train_rows"] > len(dataset.train)  # several presentations a row
    final = refit_candidate(candidate, dataset, snapshot)
    assert final.refit and final.algorithm == "multinomial_nb"
    assert final.metrics["refit"]["patients"] == len(dataset.train) + len(dataset.selection_patients)
    assert final.metrics["top1"] == candidate.metrics["top1"]  # the selection fit's held-out score
    # The refit model differs from the selection fit: it saw the selection patients too.
    assert not np.allclose(final.estimator.feature_count_, candidate.estimator.feature_count_)
    # Conformal sets are calibrated on patients the registered model never trained on.
    conformal_keys = {case_key(c) for c in dataset.conformal_patients}
    assert conformal_keys <= calibration_keys
    assert not conformal_keys & (train_keys | selection_keys)


def _fake(algorithm: str, top1: float, top3: float, imported: tuple[float, float] | None) -> TrainedCandidate:
    metrics = {"top1": top1, "top3": top3}
    if imported is not None:
        metrics["imported"] = {"top1": imported[0], "top3": imported[1], "n": 100}
    return TrainedCandidate(algorithm, None, {}, metrics)


def test_the_baseline_ships_when_the_best_falls_below_it_on_imported_rows(snapshot):
    dataset = build_dataset(snapshot, per_disease=10, seed=4)
    svc = _fake("linear_svc", 0.80, 0.95, (0.70, 0.90))
    nb = _fake("multinomial_nb", 0.78, 0.94, (0.72, 0.89))
    chosen, why = select_candidate([svc, nb], dataset)
    assert chosen.algorithm == "multinomial_nb", why
    assert "falls below the baseline" in why and chosen.metrics["selection"]["why"] == why
    # Not below on either: the best by held-out score ships.
    chosen, why = select_candidate(
        [replace(svc, metrics={**svc.metrics, "imported": {"top1": 0.72, "top3": 0.89, "n": 100}}), nb],
        dataset,
    )
    assert chosen.algorithm == "linear_svc" and "not below the baseline" in why
    # Without imported rows the rule does not apply.
    chosen, _ = select_candidate(
        [_fake("linear_svc", 0.8, 0.95, None), _fake("multinomial_nb", 0.7, 0.9, None)], dataset
    )
    assert chosen.algorithm == "linear_svc"


def _write_wide_csv(path, snapshot, diseases: int, per_disease: int, seed: int) -> int:
    """A wide 0/1 CSV like the classic public symptom dataset: one column per symptom (slug
    spelling), full rows of every finding, a `prognosis` column."""
    cases = [
        c
        for c in generate_cases(snapshot, per_disease, seed)
        if c.disease in snapshot.disease_slugs[:diseases]
    ]
    names = {spec.slug: spec.name for spec in snapshot.diseases}
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([*snapshot.symptoms, "prognosis"])
        for case in cases:
            present = set(case.symptoms)
            writer.writerow([int(s in present) for s in snapshot.symptoms] + [names[case.disease]])
    return len(cases)


def test_on_a_wide_import_the_shipped_model_reaches_the_baseline(snapshot, tmp_path):
    path = tmp_path / "wide.csv"
    _write_wide_csv(path, snapshot, diseases=8, per_disease=40, seed=21)
    call_command("import_symptom_dataset", str(path), stdout=StringIO())
    out = StringIO()
    # Asked for one algorithm only: the baseline joins because the data holds an import.
    call_command("train_models", source="imported", algorithms="random_forest", stdout=out)
    text = out.getvalue()
    assert "multinomial_nb" in text and "imp top1" in text
    mv = ModelVersion.objects.order_by("-id").first()
    selection = mv.metrics["selection"]
    baseline = selection["baseline_imported"]
    assert baseline["n"] > 50
    assert set(selection["candidates"]) == {"random_forest", "multinomial_nb"}
    assert mv.metrics["refit"]["patients"] > mv.metrics["n_train"]
    if mv.algorithm != "multinomial_nb":
        assert mv.metrics["imported"]["top1"] >= baseline["top1"]
        assert mv.metrics["imported"]["top3"] >= baseline["top3"]
    assert f"v{mv.version}" in text and selection["why"] in text
