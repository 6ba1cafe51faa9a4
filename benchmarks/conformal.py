"""Conformal condition lists: empirical coverage overall and per age band x sex, and set size by k.

    .venv/bin/python benchmarks/conformal.py [--quick] [--algorithm logistic_regression]
    .venv/bin/python benchmarks/conformal.py --triage-effect   # the triage corpus with / without the sets
    .venv/bin/python benchmarks/conformal.py --calibration-draws   # how the calibration size was chosen
    .venv/bin/python benchmarks/conformal.py --test-seed 414   # the natural mix of another seed (not written)
    .venv/bin/python benchmarks/conformal.py --imported-splits   # imported files: the held-out halving

All data is SYNTHETIC, from the same generator the model is trained and calibrated on
(diagnosis/engine/synthetic.py), so the coverage here is an upper bound on what real patients,
whose symptoms follow no knowledge-base table, would see.

What it does, exactly as a registered model version gets it: builds the training dataset
(mlops.training.build_dataset, seed 7), trains the algorithm, calibrates with the same functions the
training hook uses (mlops.training.conformal_presentations + diagnosis.engine.conformal.artefact_entry:
fresh synthetic patients drawn per age band x sex cell, never trained on or measured), then measures
on two *fresh* populations of synthetic patients (other seeds, never trained or calibrated on), each
giving their first 1-5 findings the way patients do: the natural mix of patients, and one drawn per
age band x sex cell so that every cell has thousands of test cases (a cell's coverage measured on
300 cases varies by about +/- 3.5 points from sampling alone).

Last section: an imported dataset. A wide 0/1 CSV in the shape of the classic public symptom
datasets (one column per symptom, a `prognosis` column, full rows, no age or sex) is generated here
from the knowledge base (SYNTHETIC, nothing downloaded), imported with the importer of
`manage.py import_symptom_dataset`, trained on and calibrated as `train_models --source imported`
does (on its own held-out rows), and measured on its other held-out rows. Only that section writes
to the database, inside a transaction that is rolled back; everything else runs under a guard that
turns any SQL write into an error.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medportal.settings.dev")

import django  # noqa: E402
from django.apps import apps  # noqa: E402

if not apps.ready:
    django.setup()

import numpy as np  # noqa: E402
from django.db import transaction  # noqa: E402

from benchmarks._common import Report, load_average, loaded_snapshot, read_only_database, write_results  # noqa: E402
from diagnosis.engine.algorithms import DEFAULT_ALGORITHM  # noqa: E402
from diagnosis.engine.calibration import temperature_apply  # noqa: E402
from diagnosis.engine.conformal import (  # noqa: E402
    BY_FINDINGS,
    DEFAULT_COVERAGE,
    PARTIAL_SIZES,
    POOLED,
    artefact_entry,
    cell_of,
    from_artefact,
    partial_presentations,
    stratified_patients,
)
from diagnosis.engine.features import featurise  # noqa: E402
from diagnosis.engine.synthetic import Case, generate_cases  # noqa: E402
from mlops import gates  # noqa: E402
from mlops.models import EvaluationCase  # noqa: E402
from mlops.training import (  # noqa: E402
    SYNTHETIC_PER_DISEASE,
    build_dataset,
    case_key,
    conformal_entry,
    conformal_presentations,
    train_candidate,
)

RESULTS_FILE = ROOT / "benchmarks" / "results" / "conformal.md"
TRIAGE_RESULTS_FILE = ROOT / "benchmarks" / "results" / "conformal_triage.md"
DRAWS_RESULTS_FILE = ROOT / "benchmarks" / "results" / "conformal_draws.md"
IMPORTED_RESULTS_FILE = ROOT / "benchmarks" / "results" / "conformal_imported.md"
SEED = 7  # train_models' default
# The fresh test populations (never trained or calibrated on). CONFORMAL_CALIBRATION_PER_CELL was chosen by
# looking at the per-cell population of seed CHOICE_SEED (and the natural mix of seed 404); the
# reported numbers come from these other seeds, which were not looked at while choosing.
# The natural mix: seed 417 with 1,600 patients per condition (65,600), fixed before it was first run.
# Until 2026-12-06 it was seed 414 with 300 per condition (12,300 patients), where the rarest cell,
# 0-11|unknown, held 64 patients (0.52% of the mix) and 300 presentations: too few to tell a
# miscalibrated cell from sampling noise. At 0.52% the rarest cell now holds about 340 patients.
TEST_SEED = 417
PRESENTATION_SEED = 405
CELL_TEST_SEED = 416  # the population drawn per age band x sex cell
CHOICE_SEED = 406
IMPORT_SEED = 407  # the synthetic wide CSV
IMPORT_SOURCE = "synthetic_wide_benchmark.csv"
FULL = {
    "per_disease": SYNTHETIC_PER_DISEASE,
    "test_per_disease": 1600,
    "test_per_cell": 2000,
    "import_per_disease": 120,
}
QUICK = {"per_disease": 120, "test_per_disease": 60, "test_per_cell": 300, "import_per_disease": 40}
MIN_CELL_REPORTED = 100
TOLERANCE = 0.02


def command_line(
    quick: bool, algorithm: str, cell_test_seed: int = CELL_TEST_SEED, test_seed: int = TEST_SEED
) -> str:
    extra = (" --quick" if quick else "") + (
        f" --algorithm {algorithm}" if algorithm != DEFAULT_ALGORITHM else ""
    )
    if cell_test_seed != CELL_TEST_SEED:
        extra += f" --cell-test-seed {cell_test_seed}"
    if test_seed != TEST_SEED:
        extra += f" --test-seed {test_seed}"
    return ".venv/bin/python benchmarks/conformal.py" + extra


def _measured(cases, estimator, temperature, snapshot) -> dict:
    """The served probabilities of `cases` and what the tables group them by."""
    ages, sexes = [c.age for c in cases], [c.sex for c in cases]
    X = featurise([c.symptoms for c in cases], ages, sexes, snapshot.symptoms)
    proba = temperature_apply(estimator.predict_proba(X), temperature)
    index = {str(c): i for i, c in enumerate(estimator.classes_)}
    return {
        "cases": cases,
        "ages": ages,
        "sexes": sexes,
        "proba": proba,
        "truth": np.array([index[c.disease] for c in cases]),
        "k": np.array([len(c.symptoms) for c in cases]),
        "cells": np.array([cell_of(a, s) for a, s in zip(ages, sexes, strict=True)]),
    }


def _covered(calibration, m: dict) -> tuple[np.ndarray, np.ndarray]:
    sets = calibration.prediction_sets(
        m["proba"], m["ages"], m["sexes"], DEFAULT_COVERAGE, findings=list(m["k"])
    )
    return sets[np.arange(len(m["cases"])), m["truth"]], sets.sum(axis=1)


def ok(value: float) -> str:
    return "PASS" if abs(value - DEFAULT_COVERAGE) <= TOLERANCE else "FAIL"


def run(
    quick: bool = False,
    algorithm: str = DEFAULT_ALGORITHM,
    out=sys.stdout,
    progress=None,
    cell_test_seed: int = CELL_TEST_SEED,
    test_seed: int = TEST_SEED,
) -> dict:
    progress = progress or (lambda message: None)
    sizes = QUICK if quick else FULL
    report = Report(out)
    started = time.perf_counter()
    with read_only_database():
        snapshot = loaded_snapshot()
        progress("building the dataset and training ...")
        dataset = build_dataset(snapshot, source="kb", seed=SEED, per_disease=sizes["per_disease"])
        candidate = train_candidate(algorithm, dataset, snapshot, seed=SEED)
        estimator = candidate.estimator
        # The probabilities a check serves: the model's output after its fitted temperature.
        temperature = candidate.temperature
        progress("drawing the calibration presentations (per age band x sex cell) ...")
        t0 = time.perf_counter()
        fresh = conformal_presentations(dataset, snapshot)
        draw_seconds = time.perf_counter() - t0
        calibrations = {}
        for by_findings in (BY_FINDINGS, not BY_FINDINGS):
            progress(f"calibrating (the training hook, by_findings={by_findings}) ...")
            t0 = time.perf_counter()
            if by_findings == BY_FINDINGS:
                # Exactly what register_candidate stores with the version.
                entry = conformal_entry(candidate, dataset, snapshot)
            else:
                entry = artefact_entry(
                    estimator,
                    dataset.conformal_patients,
                    snapshot,
                    by_findings=by_findings,
                    temperature=temperature,
                    presentations=fresh,
                )
            calibrations[by_findings] = from_artefact(entry)
            if by_findings == BY_FINDINGS:
                calibrate_seconds = time.perf_counter() - t0
        progress("measuring on fresh synthetic populations ...")
        t0 = time.perf_counter()
        patients = generate_cases(snapshot, sizes["test_per_disease"], test_seed)
        natural = _measured(
            partial_presentations(patients, snapshot, PRESENTATION_SEED), estimator, temperature, snapshot
        )
        natural_seconds = time.perf_counter() - t0
        cell_patients = stratified_patients(snapshot, sizes["test_per_cell"], cell_test_seed)
        per_cell = _measured(
            partial_presentations(cell_patients, snapshot, PRESENTATION_SEED),
            estimator,
            temperature,
            snapshot,
        )
        natural_patients = Counter(cell_of(p.age, p.sex) for p in patients)
        few_patients = ", ".join(
            f"{cell} {n}" for cell, n in sorted(natural_patients.items(), key=lambda kv: kv[1])[:3]
        )
        train_keys = {case_key(c) for c in dataset.train}
        seen = sum(case_key(c) in train_keys for c in natural["cases"])
        # Calibration and test rows are different patients; count how often two of them present alike.
        frozen = gates._generated_rows(snapshot, EvaluationCase.Kind.SYNTHETIC)
        frozen_keys = {case_key(Case(e.disease_slug, tuple(e.symptoms), e.age, e.sex)) for e in frozen}
        evaluation_keys = {case_key(c) for rows in dataset.evaluation.values() for c in rows}
        test_keys = {case_key(c) for c in natural["cases"]} | {case_key(c) for c in per_cell["cases"]}
        fresh_keys = [case_key(c) for c in fresh]
        alike = {
            "the training hook's evaluation rows": sum(key in evaluation_keys for key in fresh_keys),
            "the frozen set (coverage gate)": sum(key in frozen_keys for key in fresh_keys),
            "this benchmark's test rows": sum(key in test_keys for key in fresh_keys),
        }
        fresh_one = [case_key(c) for c in fresh if len(c.symptoms) == 1]
        alike_one = sum(key in test_keys for key in fresh_one)
        fresh_ids = {id(c) for c in fresh}
        shared_rows = sum(
            id(c) in fresh_ids
            for rows in (dataset.evaluation.values(), [natural["cases"], per_cell["cases"]])
            for group in rows
            for c in group
        )

    report.line(f"Command: {command_line(quick, algorithm, cell_test_seed, test_seed)}")
    report.line(
        "Data is SYNTHETIC, from the same generator the model was trained and calibrated on: the coverage "
        "below is an upper bound for real patients."
    )
    served = calibrations[BY_FINDINGS]
    report.line(
        f"Model: {algorithm}, trained on {len(dataset.train)} synthetic cases ({sizes['per_disease']} per "
        f"condition, seed {SEED}; temperature {temperature:.2f}, as served). Calibration: {served.n} partial "
        f"presentations (1-5 findings) of {dataset.conformal_per_cell} fresh synthetic patients per age band x "
        f"sex cell (drawn in {draw_seconds:.1f} s, calibrated in {calibrate_seconds:.1f} s; stored as "
        f"{len(served.to_json()) / 1e6:.2f} MB of JSON in the artefact), "
        f"never trained on or measured; cells under {served.min_cell} cases fall back to wider ones. Target "
        f"coverage {DEFAULT_COVERAGE:.0%} (tolerance +/- {TOLERANCE * 100:.0f} points)."
    )
    report.line(
        f"Test (natural mix): {len(natural['cases'])} partial presentations of {len(patients)} fresh synthetic "
        f"patients ({sizes['test_per_disease']} per condition, seed {test_seed}, never trained or calibrated "
        f"on; drawn and scored in {natural_seconds:.1f} s); {seen} of them "
        f"({seen / len(natural['cases']):.1%}) equal a training row and are kept (real patients repeat common "
        "presentations too)."
    )
    report.line(
        f"Test (per cell): {len(per_cell['cases'])} partial presentations of {sizes['test_per_cell']} fresh "
        f"synthetic patients per age band x sex cell (seed {cell_test_seed}), for the per-cell coverage. "
        f"CONFORMAL_CALIBRATION_PER_CELL ({dataset.conformal_per_cell}) was chosen looking at seed {CHOICE_SEED}'s "
        f"per-cell population (and seed 404's natural mix); seeds {TEST_SEED} and {CELL_TEST_SEED} were not "
        "looked at while choosing. The natural mix's seed and size were fixed before its first run (it was "
        "seed 414 with 300 patients per condition until 2026-12-06)."
    )
    report.line(
        f"Disjoint: no calibration row is an evaluation or test row ({shared_rows} shared); they are other "
        "patients. Some present alike (same condition, findings, age band and sex), mostly with one finding "
        f"({alike_one} of {len(fresh_one)} one-finding rows): "
        + "; ".join(f"{n} rows ({n / len(fresh):.1%}) like one of {what}" for what, n in alike.items())
        + ". They are kept: dropping them would remove the commonest presentations from the calibration only."
    )

    summaries = {}
    for by_findings in (BY_FINDINGS, not BY_FINDINGS):
        calibration = calibrations[by_findings]
        t0 = time.perf_counter()
        covered, size = _covered(calibration, natural)
        natural_sets_seconds = time.perf_counter() - t0
        covered_cell, size_cell = _covered(calibration, per_cell)
        k = natural["k"]
        top1 = natural["proba"].argmax(axis=1) == natural["truth"]
        taxonomy = "age band x sex x findings given" if by_findings else "age band x sex"
        label = " (served)" if by_findings == BY_FINDINGS else " (not served)"
        report.line()
        report.line(f"##### Mondrian by {taxonomy}{label}")
        report.section(f"[{taxonomy}] Overall (natural mix)")
        report.table(
            [
                "cases",
                "coverage",
                "target",
                "mean set size",
                "median",
                "size <= 2",
                "size > 4",
                "empty",
                "top-1",
            ],
            [
                [
                    len(covered),
                    float(covered.mean()),
                    ok(covered.mean()),
                    float(size.mean()),
                    int(np.median(size)),
                    f"{(size <= 2).mean():.1%}",
                    f"{(size > 4).mean():.1%}",
                    f"{(size == 0).mean():.1%}",
                    float(top1.mean()),
                ]
            ],
        )

        report.section(f"[{taxonomy}] By number of findings given (k, natural mix)")
        rows = []
        by_k = {}
        for kk in PARTIAL_SIZES:
            m = k == kk
            by_k[kk] = {
                "n": int(m.sum()),
                "coverage": float(covered[m].mean()),
                "mean_size": float(size[m].mean()),
            }
            rows.append(
                [
                    kk,
                    int(m.sum()),
                    float(covered[m].mean()),
                    float(size[m].mean()),
                    f"{(size[m] <= 2).mean():.1%}",
                    f"{(size[m] > 4).mean():.1%}",
                ]
            )
        report.table(["k", "cases", "coverage", "mean set size", "size <= 2", "size > 4"], rows)
        if not by_findings:
            report.line(
                "Here the guarantee is per age band x sex cell, not per k: coverage sits below the target for "
                "few findings and above it for many (the calibration mixes all k as held-out patients give them)."
            )

        report.section(f"[{taxonomy}] By age band x sex")
        used = np.array(
            [calibration.cell_used(c.age, c.sex, len(c.symptoms)) for c in per_cell["cases"]], dtype=object
        )
        rows = []
        by_cell = {}
        for name in sorted(set(per_cell["cells"]) | set(natural["cells"])):
            m = per_cell["cells"] == name
            mn = natural["cells"] == name
            if m.sum() < MIN_CELL_REPORTED:
                continue
            cov = float(covered_cell[m].mean())
            own = float(np.mean([u != POOLED and not u.startswith("any|") for u in used[m]]))
            n_cal = sum(
                len(v) for key, v in calibration.cells.items() if key == name or key.startswith(name + "|")
            )
            natural_cov = float(covered[mn].mean()) if mn.sum() else None
            by_cell[name] = {
                "n": int(m.sum()),
                "coverage": cov,
                "mean_size": float(size_cell[m].mean()),
                "own": own,
                "calibration_n": n_cal,
                "natural_n": int(mn.sum()),
                "natural_patients": natural_patients.get(name, 0),
                "natural_coverage": natural_cov,
            }
            rows.append(
                [
                    name,
                    n_cal,
                    f"{own:.0%}",
                    int(m.sum()),
                    cov,
                    ok(cov),
                    float(size_cell[m].mean()),
                    natural_patients.get(name, 0),
                    int(mn.sum()),
                    natural_cov,
                    ok(natural_cov) if mn.sum() >= MIN_CELL_REPORTED else "-",
                ]
            )
        report.table(
            [
                "cell",
                "calibration n",
                "own cell",
                "test cases",
                "coverage",
                "target",
                "mean set size",
                "natural patients",
                "natural cases",
                "coverage",
                "target",
            ],
            rows,
        )
        failing = [name for name, r in by_cell.items() if ok(r["coverage"]) == "FAIL"]
        natural_cells = {n: r for n, r in by_cell.items() if r["natural_n"] >= MIN_CELL_REPORTED}
        natural_failing = [n for n, r in natural_cells.items() if ok(r["natural_coverage"]) == "FAIL"]
        report.line()
        report.line(
            f"test cases / coverage: the per-cell population (the measurement of record: {sizes['test_per_cell']} patients in every "
            "cell); natural patients / cases / coverage: the natural mix, where the rarest cells hold the "
            f"fewest patients ({few_patients}) and a patient's 1-5 presentations are not independent, so those "
            "cells vary most from sampling alone. own cell: share of test cases whose set came from their own "
            f"cell's scores (else a wider one). The natural mix's sets took {natural_sets_seconds:.1f} s."
        )
        report.line(
            f"Overall coverage {covered.mean():.1%} ({ok(covered.mean())}); cells within +/- "
            f"{TOLERANCE * 100:.0f} points: {len(by_cell) - len(failing)}/{len(by_cell)} on the per-cell population"
            + (f" (outside: {', '.join(failing)})" if failing else "")
            + f", {len(natural_cells) - len(natural_failing)}/{len(natural_cells)} on the natural mix"
            + (f" (outside: {', '.join(natural_failing)})" if natural_failing else "")
            + "."
        )
        summaries[by_findings] = {
            "coverage": float(covered.mean()),
            "mean_size": float(size.mean()),
            "by_k": by_k,
            "by_cell": by_cell,
        }

    imported = run_imported(report, snapshot, sizes, algorithm, progress)
    seconds = time.perf_counter() - started
    report.line()
    report.line(f"Finished in {seconds:.1f} s; load average {load_average()}.")
    return {
        **summaries[BY_FINDINGS],
        "other": summaries[not BY_FINDINGS],
        "cases": len(natural["cases"]),
        "imported": imported,
        "text": report.text,
    }


def synthetic_wide_csv(path: Path, snapshot, per_disease: int, seed: int) -> int:
    """A wide 0/1 symptom CSV in the shape of the classic public datasets: one column per symptom
    (snake_case names), full rows (every finding of a patient), a `prognosis` column with the
    condition's name, no age or sex. SYNTHETIC: drawn from the knowledge base here."""
    patients = generate_cases(snapshot, per_disease, seed)
    names = {d.slug: d.name for d in snapshot.diseases}
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([*snapshot.symptoms, "prognosis"])
        for case in patients:
            present = set(case.symptoms)
            writer.writerow([*(int(s in present) for s in snapshot.symptoms), names[case.disease]])
    return len(patients)


def run_imported(report: Report, snapshot, sizes: dict, algorithm: str, progress) -> dict:
    """Coverage on an imported dataset's held-out rows, calibrated as `train_models --source imported`
    registers it (on its own held-out rows), inside a transaction that is rolled back."""
    from mlops.importing import import_symptom_csv
    from mlops.models import TrainingCase

    progress("importing a synthetic wide CSV (rolled back afterwards) ...")
    with tempfile.TemporaryDirectory() as tmp, transaction.atomic():
        path = Path(tmp) / IMPORT_SOURCE
        written = synthetic_wide_csv(path, snapshot, sizes["import_per_disease"], IMPORT_SEED)
        others = TrainingCase.objects.exclude(source__in=[IMPORT_SOURCE, "confirmed"]).count()
        imported = import_symptom_csv(path, source=IMPORT_SOURCE)
        dataset = build_dataset(snapshot, source="imported", seed=SEED)
        candidate = train_candidate(algorithm, dataset, snapshot, seed=SEED)
        calibration = from_artefact(conformal_entry(candidate, dataset, snapshot))
        transaction.set_rollback(True)
    rows = []
    summary = {"rows": written, "imported": imported.imported, "calibration_n": calibration.n}
    calibrating = {id(c) for c in dataset.conformal_patients}
    measuring = [c for c in dataset.holdout if id(c) not in calibrating]
    presented = partial_presentations(measuring, snapshot, PRESENTATION_SEED)
    tables = [(f"k={kk}", [c for c in presented if len(c.symptoms) == kk]) for kk in PARTIAL_SIZES]
    tables.append(("all k", presented))
    tables.append(("metrics' rows", [c for kk in PARTIAL_SIZES for c in dataset.evaluation[kk]]))
    tables.append(("full rows", measuring))
    for name, cases in tables:
        if not cases:
            continue
        m = _measured(cases, candidate.estimator, candidate.temperature, snapshot)
        covered, size = _covered(calibration, m)
        summary[name] = {
            "n": len(cases),
            "coverage": float(covered.mean()),
            "mean_size": float(size.mean()),
        }
        rows.append([name, len(cases), float(covered.mean()), ok(covered.mean()), float(size.mean())])
    report.line()
    report.line("##### Imported dataset (synthetic wide CSV, the classic public shape)")
    report.line(
        f"A SYNTHETIC wide CSV generated here from the knowledge base ({written} full rows, "
        f"{sizes['import_per_disease']} per condition, seed {IMPORT_SEED}; {len(snapshot.symptoms)} symptom columns "
        f"and `prognosis`, no age or sex), imported by mlops.importing.import_symptom_csv ({imported.imported} rows, "
        f"{len(imported.column_map)} columns matched, {imported.duplicate_rows} duplicate rows; {others} rows of "
        "other imports were in the database and are included, as train_models --source imported would), "
        f"trained ({algorithm}, temperature {candidate.temperature:.2f}) and calibrated as registration does: "
        f"{calibration.n} partial presentations of {len(dataset.conformal_patients)} held-out imported patients "
        "(the calibrating share: half of each condition's held-out patients when there are no synthetic ones), "
        "no synthetic patients. Measured on the other held-out patients "
        f"({len(measuring)}): their partial presentations as patients give them (k=1..5, all k), the training "
        "metrics' rows (the same patients' presentations without those identical to a training row: with no "
        "age or sex many short ones are, so these are the harder ones and the calibration, which keeps them "
        "as patients give them, under-covers here), and their full rows (5 or more findings use the "
        "5-findings scores, so full rows are over-covered). Every row is in the unknown-age, unknown-sex cell "
        "(the file has no demographics). Rolled back afterwards. One halving of ~900 patients moves coverage "
        "by about +/- 1 point (sd) from the patients drawn alone: `--imported-splits` measures it on several files."
    )
    report.section("Imported: coverage on held-out rows")
    report.table(
        ["rows", "cases", "coverage", "target", "mean set size"],
        rows,
    )
    return summary


# The imported files of --imported-splits: IMPORT_SEED and four never used before. The by-condition halving
# was chosen looking at 407, 4071 and 4073 (and 4072's random halvings); 4074 and 4075 were first run with it.
IMPORT_SPLIT_SEEDS = (IMPORT_SEED, 4071, 4073, 4074, 4075)
IMPORT_SPLIT_DRAWS = 5


def _half_coverage(candidate, snapshot, calibrating: list, measured: list, rng) -> float:
    """Coverage of `measured`'s presentations (one draw) with the sets calibrated on `calibrating`'s."""
    from diagnosis.engine.conformal import ConformalCalibration

    cal_rows = partial_presentations(calibrating, snapshot, int(rng.integers(1 << 30)))
    cal = _measured(cal_rows, candidate.estimator, candidate.temperature, snapshot)
    fitted = ConformalCalibration.fit(
        cal["proba"],
        [str(c) for c in candidate.estimator.classes_],
        [c.disease for c in cal_rows],
        cal["ages"],
        cal["sexes"],
        findings=list(cal["k"]),
    )
    calibration = ConformalCalibration.from_json(fitted.to_json())  # as stored
    test = _measured(
        partial_presentations(measured, snapshot, int(rng.integers(1 << 30))),
        candidate.estimator,
        candidate.temperature,
        snapshot,
    )
    return float(_covered(calibration, test)[0].mean())


def run_imported_splits(out=sys.stdout, progress=None, draws: int = IMPORT_SPLIT_DRAWS) -> dict:
    """Why one imported file's held-out coverage fell short: for several synthetic wide CSVs, the
    coverage of each half of the held-out patients calibrated on the other, for the former halving
    (first half / second half, as listed) and the served one (half of each condition's patients),
    each averaged over `draws` draws of the presentations, so what is left is the halves' own
    difference. Rolled back like the main run's imported section."""
    from mlops.importing import import_symptom_csv
    from mlops.training import calibrating_patients

    progress = progress or (lambda message: None)
    report = Report(out)
    started = time.perf_counter()
    snapshot = loaded_snapshot()
    rows, results = [], {}
    for csv_seed in IMPORT_SPLIT_SEEDS:
        progress(f"imported file seed {csv_seed} ...")
        with tempfile.TemporaryDirectory() as tmp, transaction.atomic():
            path = Path(tmp) / IMPORT_SOURCE
            synthetic_wide_csv(path, snapshot, FULL["import_per_disease"], csv_seed)
            import_symptom_csv(path, source=IMPORT_SOURCE)
            dataset = build_dataset(snapshot, source="imported", seed=SEED)
            candidate = train_candidate(DEFAULT_ALGORITHM, dataset, snapshot, seed=SEED)
            transaction.set_rollback(True)
        holdout = dataset.holdout
        half = int(len(holdout) * 0.5)
        by_condition = calibrating_patients(holdout, 0.5, by_condition=True)
        chosen = {id(c) for c in by_condition}
        halvings = {
            "first / second half (before)": (holdout[:half], holdout[half:]),
            "by condition (served)": (by_condition, [c for c in holdout if id(c) not in chosen]),
        }
        for halving, (a, b) in halvings.items():
            for direction, (cal, test) in (("as served", (a, b)), ("swapped", (b, a))):
                rng = np.random.default_rng([csv_seed, 7])
                values = np.array([_half_coverage(candidate, snapshot, cal, test, rng) for _ in range(draws)])
                results[(csv_seed, halving, direction)] = float(values.mean())
                rows.append(
                    [
                        csv_seed,
                        len(holdout),
                        halving,
                        direction,
                        float(values.mean()),
                        ok(values.mean()),
                        float(values.std()),
                        float(values.min()),
                        float(values.max()),
                    ]
                )
    report.line("Command: .venv/bin/python benchmarks/conformal.py --imported-splits")
    report.line(
        f"SYNTHETIC wide CSVs ({FULL['import_per_disease']} full rows per condition, no age or sex; seeds "
        f"{', '.join(map(str, IMPORT_SPLIT_SEEDS))}), each imported, trained ({DEFAULT_ALGORITHM}, seed {SEED}) "
        "and its held-out patients halved two ways: the first and second half as the split lists them (before "
        "2026-12-06) and half of each condition's patients (served). Coverage of one half's presentations "
        "(k=1..5, all k) with the sets calibrated on the other half's, 'as served' (calibrate on the "
        f"calibrating half) and 'swapped', the mean over {draws} draws of both halves' presentations. "
        "Seed 407 is the main run's file; the by-condition halving was chosen looking at 407, 4071 and "
        "4073, and 4074 and 4075 were first run with it."
    )
    report.section("Imported: coverage of one half calibrated on the other")
    report.table(
        ["file seed", "held-out", "halving", "direction", "coverage", "target", "sd", "min", "max"], rows
    )
    report.line(f"Finished in {time.perf_counter() - started:.1f} s; load average {load_average()}.")
    return {"results": results, "text": report.text}


# How much a cell's coverage moves from one calibration draw to the next, for the sizes compared.
DRAW_SIZES = ((1000, (18, 19, 20, 21)), (3000, (18, 19)))


def run_calibration_draws(cell_test_seed: int = CHOICE_SEED, out=sys.stdout, progress=None) -> dict:
    """Per-cell coverage of the served taxonomy for several calibration draws (CALIBRATION_SEED 18 is
    the served one) of 1,000 and 3,000 patients per cell, on one per-cell test population: how
    CONFORMAL_CALIBRATION_PER_CELL was chosen (on seed CHOICE_SEED)."""
    from diagnosis.engine.conformal import ConformalCalibration, calibrate, prefix_presentations

    progress = progress or (lambda message: None)
    report = Report(out)
    started = time.perf_counter()
    with read_only_database():
        snapshot = loaded_snapshot()
        dataset = build_dataset(snapshot, source="kb", seed=SEED, per_disease=SYNTHETIC_PER_DISEASE)
        candidate = train_candidate(DEFAULT_ALGORITHM, dataset, snapshot, seed=SEED)
        estimator, temperature = candidate.estimator, candidate.temperature
        test = _measured(
            partial_presentations(
                stratified_patients(snapshot, 2000, cell_test_seed), snapshot, PRESENTATION_SEED
            ),
            estimator,
            temperature,
            snapshot,
        )
        rows = []
        results = {}
        for per_cell, seeds in DRAW_SIZES:
            for seed in seeds:
                progress(f"{per_cell} per cell, calibration seed {seed} ...")
                drawn = prefix_presentations(stratified_patients(snapshot, per_cell, seed), snapshot, seed)
                fitted = calibrate(estimator, snapshot.symptoms, drawn, temperature=temperature)
                calibration = ConformalCalibration.from_json(fitted.to_json())  # as stored
                covered, _ = _covered(calibration, test)
                cells = {
                    name: float(covered[test["cells"] == name].mean()) for name in sorted(set(test["cells"]))
                }
                failing = [name for name, value in cells.items() if ok(value) == "FAIL"]
                results[(per_cell, seed)] = cells
                rows.append(
                    [
                        per_cell,
                        seed,
                        calibration.n,
                        float(covered.mean()),
                        min(cells.values()),
                        max(cells.values()),
                        cells["18-39|f"],
                        f"{len(cells) - len(failing)}/{len(cells)}",
                        ", ".join(f"{name} {cells[name]:.3f}" for name in failing) or "-",
                    ]
                )
    report.line(
        f"Command: .venv/bin/python benchmarks/conformal.py --calibration-draws --cell-test-seed {cell_test_seed}"
    )
    report.line(
        f"Served taxonomy (age band x sex x findings given), {DEFAULT_ALGORITHM} as in the main run; per-cell test "
        f"population of 2000 synthetic patients per cell, seed {cell_test_seed}; calibrations round-tripped "
        "through the artefact's JSON as served."
    )
    report.section("Per-cell coverage by calibration draw")
    report.table(
        [
            "per cell",
            "seed",
            "calibration n",
            "overall",
            "min cell",
            "max cell",
            "18-39|f",
            "within",
            "outside",
        ],
        rows,
    )
    report.line(f"Finished in {time.perf_counter() - started:.1f} s; load average {load_average()}.")
    return {"results": results, "text": report.text}


def run_triage_effect(algorithm: str = DEFAULT_ALGORITHM, out=sys.stdout, progress=None) -> dict:
    """The patient-style corpus of benchmarks/triage.py through the same trained model with the served
    calibration, with the age band x sex one, and without any: how often the rule "an empty set or one
    of more than WIDE_SET conditions is never self-care" changes the answer. Counts only: the held-out
    and fresh texts are never printed, not even the dev ones (a case's text stays in the corpus)."""
    from benchmarks import triage
    from diagnosis.engine.check import WIDE_SET
    from diagnosis.engine.complaints import LEVEL_ORDER
    from diagnosis.engine.predictor import LoadedModel

    progress = progress or (lambda message: None)
    report = Report(out)
    started = time.perf_counter()
    with read_only_database():
        snapshot = loaded_snapshot()
        progress("building the dataset, training and calibrating ...")
        dataset = build_dataset(snapshot, source="kb", seed=SEED, per_disease=SYNTHETIC_PER_DISEASE)
        candidate = train_candidate(algorithm, dataset, snapshot, seed=SEED)
        by_cell = artefact_entry(
            candidate.estimator,
            dataset.conformal_patients,
            snapshot,
            by_findings=False,
            temperature=candidate.temperature,
            presentations=conformal_presentations(dataset, snapshot),
        )
        variants = {
            "none": None,
            "served": from_artefact(conformal_entry(candidate, dataset, snapshot)),
            "age x sex": from_artefact(by_cell),
        }
        models = {
            name: LoadedModel(
                version_id=None,
                label=f"bench-{algorithm}",
                estimator=candidate.estimator,
                symptoms=snapshot.symptoms,
                classes=tuple(str(c) for c in candidate.estimator.classes_),
                temperature=candidate.temperature,
                conformal=calibration,
            )
            for name, calibration in variants.items()
        }
        answers: dict[str, dict[str, list[str]]] = {}
        expected: dict[str, list[str]] = {}
        for split in triage.SPLITS:
            cases = triage.load_cases(split)
            expected[split] = [c["expected"] for c in cases]
            answers[split] = {}
            for name, model in models.items():
                progress(f"{split}: {name} ...")
                answers[split][name] = [r["got"] for r in triage.evaluate(cases, snapshot, model)]

    def more_urgent(a: str, b: str) -> bool:
        return LEVEL_ORDER[a] < LEVEL_ORDER[b]

    report.line(f"Command: {command_line(False, algorithm)} --triage-effect")
    report.line(
        f"The patient-style corpus of benchmarks/triage.py (written by us, not real patients) through run_check "
        f"with one {algorithm} model (trained as benchmarks/conformal.py trains it: {SYNTHETIC_PER_DISEASE} "
        f"synthetic cases per condition, seed {SEED}, temperature {candidate.temperature:.2f}) served three ways: "
        "without a conformal calibration ('none'), with the calibration registration stores ('served', age band "
        "x sex x findings given) and with age band x sex cells only. The only thing a calibration changes in "
        f"triage is the rule that an empty set or one of more than {WIDE_SET} conditions is at least GP. "
        "Counts only; no case's text is printed."
    )
    totals: dict[str, dict[str, int]] = {}
    rows = []
    for split in triage.SPLITS:
        exp = expected[split]
        base = answers[split]["none"]
        for name in ("served", "age x sex"):
            got = answers[split][name]
            self_care = [i for i, e in enumerate(exp) if e == "self_care"]
            serious = [i for i, e in enumerate(exp) if e in ("emergency", "urgent")]
            counts = {
                "cases": len(exp),
                "changed": sum(g != b for g, b in zip(got, base, strict=True)),
                "raised": sum(more_urgent(g, b) for g, b in zip(got, base, strict=True)),
                "lowered": sum(more_urgent(b, g) for g, b in zip(got, base, strict=True)),
                "expected self_care": len(self_care),
                "self_care answered self_care, none": sum(base[i] == "self_care" for i in self_care),
                "self_care answered self_care, calibrated": sum(got[i] == "self_care" for i in self_care),
                "self_care raised": sum(base[i] == "self_care" != got[i] for i in self_care),
                "expected urgent/emergency": len(serious),
                "urgent/emergency answered self_care, none": sum(base[i] == "self_care" for i in serious),
                "urgent/emergency answered self_care, calibrated": sum(
                    got[i] == "self_care" for i in serious
                ),
            }
            total = totals.setdefault(name, Counter())
            total.update(counts)
            rows.append([split, name, *counts.values()])
    for name, total in totals.items():
        rows.append(["all", name, *total.values()])
    report.section("Triage with and without the conformal rule (counts)")
    report.table(
        [
            "split",
            "calibration",
            "cases",
            "changed",
            "raised",
            "lowered",
            "exp. self-care",
            "self-care none",
            "self-care calibrated",
            "self-care raised",
            "exp. urgent+",
            "urgent+ self-care none",
            "urgent+ self-care calibrated",
        ],
        rows,
    )
    report.line()
    report.line(
        "changed / raised / lowered: cases whose level differs from the same model without a calibration (more / "
        "less urgent). self-care none / calibrated: cases expected self-care answered self-care without / with "
        "the calibration; self-care raised: those the calibration moved out of self-care. urgent+ self-care: cases "
        "expected urgent or emergency answered self-care (an unsafe answer)."
    )
    report.line(f"Finished in {time.perf_counter() - started:.1f} s; load average {load_average()}.")
    return {"totals": {k: dict(v) for k, v in totals.items()}, "rows": rows, "text": report.text}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (about a minute)")
    parser.add_argument("--algorithm", default=DEFAULT_ALGORITHM)
    parser.add_argument(
        "--cell-test-seed",
        type=int,
        default=CELL_TEST_SEED,
        help=f"seed of the per-cell test population ({CHOICE_SEED}: the one the calibration size was chosen on)",
    )
    parser.add_argument(
        "--test-seed",
        type=int,
        default=TEST_SEED,
        help=f"seed of the natural-mix test population (default {TEST_SEED}; another seed is not written to the results)",
    )
    parser.add_argument(
        "--triage-effect",
        action="store_true",
        help="only the effect of the calibration on the triage corpus (writes results/conformal_triage.md)",
    )
    parser.add_argument(
        "--calibration-draws",
        action="store_true",
        help="only per-cell coverage for several calibration draws of 1,000 and 3,000 patients per cell "
        f"(test seed {CHOICE_SEED} unless --cell-test-seed; writes results/conformal_draws.md)",
    )
    parser.add_argument(
        "--imported-splits",
        action="store_true",
        help="only the imported files' coverage by halving of the held-out patients "
        "(writes results/conformal_imported.md)",
    )
    args = parser.parse_args(argv)
    if args.imported_splits:
        results = run_imported_splits(progress=lambda m: print(f"[bench] {m}", file=sys.stderr))
        write_results(
            IMPORTED_RESULTS_FILE,
            "Conformal sets on imported data: the halving of the held-out patients",
            "Generated by `benchmarks/conformal.py --imported-splits`; all data is synthetic.",
            results["text"],
            ROOT,
        )
        return 0
    if args.calibration_draws:
        seed = args.cell_test_seed if args.cell_test_seed != CELL_TEST_SEED else CHOICE_SEED
        results = run_calibration_draws(seed, progress=lambda m: print(f"[bench] {m}", file=sys.stderr))
        write_results(
            DRAWS_RESULTS_FILE,
            "Conformal calibration draws",
            "Generated by `benchmarks/conformal.py --calibration-draws`; all data is synthetic.",
            results["text"],
            ROOT,
        )
        return 0
    if args.triage_effect:
        results = run_triage_effect(args.algorithm, progress=lambda m: print(f"[bench] {m}", file=sys.stderr))
        if args.algorithm == DEFAULT_ALGORITHM:
            write_results(
                TRIAGE_RESULTS_FILE,
                "Conformal sets and triage",
                "Generated by `benchmarks/conformal.py --triage-effect`; the corpus is written by us in the way "
                "patients write, not real patients' words.",
                results["text"],
                ROOT,
            )
        return 0
    results = run(
        args.quick,
        args.algorithm,
        progress=lambda m: print(f"[bench] {m}", file=sys.stderr),
        cell_test_seed=args.cell_test_seed,
        test_seed=args.test_seed,
    )
    if not args.quick and args.cell_test_seed == CELL_TEST_SEED and args.test_seed == TEST_SEED:
        write_results(
            RESULTS_FILE,
            "Conformal condition lists",
            "Generated by `benchmarks/conformal.py`; all data is synthetic (an upper bound).",
            results["text"],
            ROOT,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
