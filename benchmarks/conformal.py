"""Conformal condition lists: empirical coverage overall and per age band x sex, and set size by k.

    .venv/bin/python benchmarks/conformal.py [--quick] [--algorithm logistic_regression]

All data is SYNTHETIC, from the same generator the model is trained and calibrated on
(diagnosis/engine/synthetic.py), so the coverage here is an upper bound on what real patients,
whose symptoms follow no knowledge-base table, would see.

What it does, exactly as a registered model version gets it: builds the training dataset
(mlops.training.build_dataset, seed 7), trains the algorithm, calibrates with the same function the
training hook uses (diagnosis.engine.conformal.artefact_entry: the held-out patients' partial
presentations), then measures on a *fresh* population of synthetic patients (another seed, never
trained or calibrated on), each giving their first 1-5 findings the way patients do. Nothing is
written to the database (a guard turns any SQL write into an error).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
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

from benchmarks._common import Report, load_average, read_only_database  # noqa: E402
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
)
from diagnosis.engine.features import featurise  # noqa: E402
from diagnosis.engine.knowledge import current_snapshot  # noqa: E402
from diagnosis.engine.synthetic import generate_cases  # noqa: E402
from mlops.training import SYNTHETIC_PER_DISEASE, build_dataset, case_key, train_candidate  # noqa: E402

RESULTS_FILE = ROOT / "benchmarks" / "results" / "conformal.md"
SEED = 7  # train_models' default
TEST_SEED = 404  # the fresh population: never trained or calibrated on
PRESENTATION_SEED = 405
FULL = {"per_disease": SYNTHETIC_PER_DISEASE, "test_per_disease": 300}
QUICK = {"per_disease": 120, "test_per_disease": 60}
MIN_CELL_REPORTED = 100
TOLERANCE = 0.02


def command_line(quick: bool, algorithm: str) -> str:
    extra = (" --quick" if quick else "") + (
        f" --algorithm {algorithm}" if algorithm != DEFAULT_ALGORITHM else ""
    )
    return ".venv/bin/python benchmarks/conformal.py" + extra


def run(quick: bool = False, algorithm: str = DEFAULT_ALGORITHM, out=sys.stdout, progress=None) -> dict:
    progress = progress or (lambda message: None)
    sizes = QUICK if quick else FULL
    report = Report(out)
    started = time.perf_counter()
    with read_only_database():
        snapshot = current_snapshot()
        if not snapshot.diseases:
            raise RuntimeError(
                "the knowledge base is empty: run `manage.py migrate && manage.py load_knowledge_base`"
            )
        progress("building the dataset and training ...")
        dataset = build_dataset(snapshot, source="kb", seed=SEED, per_disease=sizes["per_disease"])
        candidate = train_candidate(algorithm, dataset, snapshot, seed=SEED)
        estimator = candidate.estimator
        # The probabilities a check serves: the model's output after its fitted temperature.
        temperature = candidate.temperature
        progress("measuring on a fresh synthetic population ...")
        patients = generate_cases(snapshot, sizes["test_per_disease"], TEST_SEED)
        cases = partial_presentations(patients, snapshot, PRESENTATION_SEED)
        train_keys = {case_key(c) for c in dataset.train}
        seen = sum(case_key(c) in train_keys for c in cases)
        ages, sexes = [c.age for c in cases], [c.sex for c in cases]
        X = featurise([c.symptoms for c in cases], ages, sexes, snapshot.symptoms)
        proba = temperature_apply(estimator.predict_proba(X), temperature)
        classes = [str(c) for c in estimator.classes_]
        index = {c: i for i, c in enumerate(classes)}
        truth = np.array([index[c.disease] for c in cases])
        k = np.array([len(c.symptoms) for c in cases])
        cells = np.array([cell_of(a, s) for a, s in zip(ages, sexes, strict=True)])
        top1 = proba.argmax(axis=1) == truth
        calibrations = {}
        for by_findings in (BY_FINDINGS, not BY_FINDINGS):
            progress(f"calibrating (the training hook, by_findings={by_findings}) ...")
            calibrations[by_findings] = from_artefact(
                artefact_entry(
                    estimator, dataset.holdout, snapshot, by_findings=by_findings, temperature=temperature
                )
            )

    def ok(value: float) -> str:
        return "PASS" if abs(value - DEFAULT_COVERAGE) <= TOLERANCE else "FAIL"

    report.line(f"Command: {command_line(quick, algorithm)}")
    report.line(
        "Data is SYNTHETIC, from the same generator the model was trained and calibrated on: the coverage "
        "below is an upper bound for real patients."
    )
    report.line(
        f"Model: {algorithm}, trained on {len(dataset.train)} synthetic cases ({sizes['per_disease']} per "
        f"condition, seed {SEED}; temperature {temperature:.2f}, as served). Calibration: {calibrations[BY_FINDINGS].n} partial presentations (1-5 findings) "
        f"of {len(dataset.holdout)} held-out patients; cells under "
        f"{calibrations[BY_FINDINGS].min_cell} cases fall back to wider ones. Target coverage {DEFAULT_COVERAGE:.0%} "
        f"(tolerance +/- {TOLERANCE * 100:.0f} points)."
    )
    report.line(
        f"Test: {len(cases)} partial presentations of {len(patients)} fresh synthetic patients (seed "
        f"{TEST_SEED}, never trained or calibrated on); {seen} of them ({seen / len(cases):.1%}) equal a "
        "training row and are kept (real patients repeat common presentations too)."
    )

    summaries = {}
    for by_findings in (BY_FINDINGS, not BY_FINDINGS):
        calibration = calibrations[by_findings]
        sets = calibration.prediction_sets(proba, ages, sexes, DEFAULT_COVERAGE, findings=list(k))
        covered = sets[np.arange(len(cases)), truth]
        size = sets.sum(axis=1)
        used = np.array([calibration.cell_used(c.age, c.sex, len(c.symptoms)) for c in cases], dtype=object)
        taxonomy = "age band x sex x findings given" if by_findings else "age band x sex"
        served = " (served)" if by_findings == BY_FINDINGS else " (not served)"
        report.line()
        report.line(f"##### Mondrian by {taxonomy}{served}")
        report.section(f"[{taxonomy}] " + "Overall")
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
                    len(cases),
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

        report.section(f"[{taxonomy}] " + "By number of findings given (k)")
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

        report.section(f"[{taxonomy}] " + f"By age band x sex (cells with >= {MIN_CELL_REPORTED} test cases)")
        rows = []
        by_cell = {}
        for name in sorted(set(cells)):
            m = cells == name
            if m.sum() < MIN_CELL_REPORTED:
                continue
            cov = float(covered[m].mean())
            own = float(np.mean([u != POOLED and not u.startswith("any|") for u in used[m]]))
            by_cell[name] = {
                "n": int(m.sum()),
                "coverage": cov,
                "mean_size": float(size[m].mean()),
                "own": own,
            }
            n_cal = sum(
                len(v) for key, v in calibration.cells.items() if key == name or key.startswith(name + "|")
            )
            rows.append([name, n_cal, f"{own:.0%}", int(m.sum()), cov, ok(cov), float(size[m].mean())])
        report.table(
            ["cell", "calibration n", "own cell", "test cases", "coverage", "target", "mean set size"], rows
        )
        skipped = sorted(set(cells) - set(by_cell))
        if skipped:
            report.line(f"Not reported (fewer than {MIN_CELL_REPORTED} test cases): {', '.join(skipped)}.")
        failing = [name for name, r in by_cell.items() if ok(r["coverage"]) == "FAIL"]
        report.line()
        report.line(
            "own cell: share of test cases whose set came from their own cell's scores (else a wider one)."
        )
        report.line(
            f"Overall coverage {covered.mean():.1%} ({ok(covered.mean())}); cells within +/- "
            f"{TOLERANCE * 100:.0f} points: {len(by_cell) - len(failing)}/{len(by_cell)}"
            + (f" (outside: {', '.join(failing)})" if failing else "")
            + "."
        )
        summaries[by_findings] = {
            "coverage": float(covered.mean()),
            "mean_size": float(size.mean()),
            "by_k": by_k,
            "by_cell": by_cell,
        }
    seconds = time.perf_counter() - started
    report.line(f"Finished in {seconds:.1f} s; load average {load_average()}.")
    return {
        **summaries[BY_FINDINGS],
        "other": summaries[not BY_FINDINGS],
        "cases": len(cases),
        "text": report.text,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (about a minute)")
    parser.add_argument("--algorithm", default=DEFAULT_ALGORITHM)
    args = parser.parse_args(argv)
    results = run(args.quick, args.algorithm, progress=lambda m: print(f"[bench] {m}", file=sys.stderr))
    if not args.quick:
        RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
        RESULTS_FILE.write_text(
            "# Conformal condition lists\n\nGenerated by `benchmarks/conformal.py`; all data is synthetic "
            "(an upper bound).\n\n```text\n" + results["text"] + "```\n",
            encoding="utf-8",
        )
        print(f"[bench] tables written to {RESULTS_FILE.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
