"""When to stop asking: today's rule (the leading condition is 75% likely) against the conformal rule
(the conformal set holds at most 2 conditions), on simulated patients who answer imperfectly.

    .venv/bin/python benchmarks/questions.py [--quick]

All patients are SYNTHETIC (diagnosis/engine/synthetic.py), from the generator the model is trained
and calibrated on: the figures are an upper bound. Each patient starts with k of their findings,
then answers run_check's questions: "don't know" with probability 15%, otherwise the truth flipped
with probability 10%. Both rules pick questions the same way (expected information gain) and stop on
a red flag, an emergency complaint, five questions, or no informative question. The model is served
as a registered version is: with its temperature and the conformal calibration registration stores
(mlops.training.conformal_entry). Nothing is written to the database.
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
from diagnosis.engine.check import MAX_QUESTIONS, QUESTION_STOP_RULE, run_check  # noqa: E402
from diagnosis.engine.conformal import from_artefact  # noqa: E402
from diagnosis.engine.predictor import LoadedModel  # noqa: E402
from diagnosis.engine.synthetic import partial_presentation, sample_patient  # noqa: E402
from diagnosis.selectors import current_snapshot  # noqa: E402
from mlops.training import SYNTHETIC_PER_DISEASE, build_dataset, conformal_entry, train_candidate  # noqa: E402

RESULTS_FILE = ROOT / "benchmarks" / "results" / "questions.md"
SEED = 7
PATIENT_SEED = 505
FULL = {"per_disease": SYNTHETIC_PER_DISEASE, "patients": 600}
QUICK = {"per_disease": 120, "patients": 120}
START_K = (1, 2, 3)
RULES = ("confidence", "conformal")
DONT_KNOW = 0.15
FLIP = 0.10


def answer_for(truth: bool, rng) -> str:
    if rng.random() < DONT_KNOW:
        return "dont_know"
    if rng.random() < FLIP:
        truth = not truth
    return "yes" if truth else "no"


def simulate(snapshot, model, patients, k: int, rule: str) -> dict:
    """Same patients, starts and answer noise for every rule (the random streams depend on k only)."""
    start_rng = np.random.default_rng(PATIENT_SEED + k)
    names = snapshot.symptom_names
    totals = dict(
        patients=0,
        questions=0,
        asked_none=0,
        top1=0,
        top3=0,
        set_size=0,
        covered=0,
        top1_before=0,
        top3_before=0,
    )
    for n, patient in enumerate(patients):
        if len(patient.symptoms) < k:
            continue
        start = partial_presentation(patient, k, start_rng, snapshot)
        answer_rng = np.random.default_rng([PATIENT_SEED, k, n])
        has = set(patient.symptoms)
        kwargs = {"chips": [names[s] for s in start.symptoms], "age": start.age, "sex": start.sex}
        answers: list[dict] = []
        result = run_check(snapshot, model, answers=answers, stop_rule=rule, **kwargs)
        totals["top1_before"] += [c.slug for c in result.conditions[:1]] == [patient.disease]
        totals["top3_before"] += patient.disease in [c.slug for c in result.conditions[:3]]
        while result.next_question is not None and len(answers) < MAX_QUESTIONS:
            q = result.next_question
            answers.append({"symptom": q, "answer": answer_for(q in has, answer_rng)})
            result = run_check(snapshot, model, answers=answers, stop_rule=rule, **kwargs)
        slugs = [c.slug for c in result.conditions]
        name = snapshot.diseases[snapshot.disease_slugs.index(patient.disease)].name
        totals["patients"] += 1
        totals["questions"] += len(answers)
        totals["asked_none"] += not answers
        totals["top1"] += slugs[:1] == [patient.disease]
        totals["top3"] += patient.disease in slugs[:3]
        totals["set_size"] += len(result.prediction_set or [])
        totals["covered"] += name in (result.prediction_set or [])
    n = totals["patients"] or 1
    return {
        "patients": totals["patients"],
        "mean_questions": totals["questions"] / n,
        "asked_none": totals["asked_none"] / n,
        "top1_before": totals["top1_before"] / n,
        "top3_before": totals["top3_before"] / n,
        "top1": totals["top1"] / n,
        "top3": totals["top3"] / n,
        "mean_set_size": totals["set_size"] / n,
        "coverage": totals["covered"] / n,
    }


def run(quick: bool = False, out=sys.stdout, progress=None) -> dict:
    progress = progress or (lambda message: None)
    sizes = QUICK if quick else FULL
    report = Report(out)
    started = time.perf_counter()
    with read_only_database():
        snapshot = current_snapshot()
        progress("training and calibrating ...")
        dataset = build_dataset(snapshot, source="kb", seed=SEED, per_disease=sizes["per_disease"])
        candidate = train_candidate(DEFAULT_ALGORITHM, dataset, snapshot, seed=SEED)
        estimator = candidate.estimator
        # As a registered version serves it: its temperature and the calibration registration stores
        # (mlops.training.conformal_entry: fresh synthetic patients per age band x sex cell).
        calibration = from_artefact(conformal_entry(candidate, dataset, snapshot))
        model = LoadedModel(
            version_id=None,
            label=f"bench-{DEFAULT_ALGORITHM}",
            estimator=estimator,
            symptoms=snapshot.symptoms,
            classes=tuple(str(c) for c in estimator.classes_),
            temperature=candidate.temperature,
            conformal=calibration,
        )
        rng = np.random.default_rng(PATIENT_SEED)
        n_diseases = len(snapshot.diseases)
        patients = [sample_patient(snapshot, i % n_diseases, rng) for i in range(sizes["patients"])]
        results: dict[tuple, dict] = {}
        for k in START_K:
            for rule in RULES:
                progress(f"k={k}, rule {rule} ...")
                results[(k, rule)] = simulate(snapshot, model, patients, k, rule)

    report.line("Command: .venv/bin/python benchmarks/questions.py" + (" --quick" if quick else ""))
    report.line(
        f"SYNTHETIC patients ({len(patients)}, seed {PATIENT_SEED}) from the generator the model "
        f"({DEFAULT_ALGORITHM}, {sizes['per_disease']} cases per condition) was trained and calibrated on: "
        "an upper bound."
    )
    report.line(
        f"Served probabilities (temperature {candidate.temperature:.2f}); conformal sets calibrated as "
        f"registration does (mlops.training.conformal_entry): {calibration.n} partial presentations of "
        f"{dataset.conformal_per_cell} fresh synthetic patients per age band x sex cell, split by age band x "
        "sex x findings given."
    )
    report.line(
        f"Answers: 'don't know' {DONT_KNOW:.0%}, otherwise flipped {FLIP:.0%}. Rules: 'confidence' = today's "
        "(stop when the leading condition is >= 75%); 'conformal' = stop when the 90% conformal set holds "
        f"at most 2 conditions. Up to {MAX_QUESTIONS} questions, chosen by information gain in both."
    )
    report.line(f"Served rule (diagnosis/engine/check.py QUESTION_STOP_RULE): {QUESTION_STOP_RULE}.")
    report.line()
    rows = []
    for (k, rule), r in results.items():
        rows.append(
            [
                k,
                rule,
                r["patients"],
                f"{r['mean_questions']:.2f}",
                f"{r['asked_none']:.1%}",
                r["top1_before"],
                r["top1"],
                r["top3_before"],
                r["top3"],
                f"{r['mean_set_size']:.2f}",
                r["coverage"],
            ]
        )
    report.table(
        [
            "start k",
            "rule",
            "patients",
            "mean questions",
            "asked none",
            "top1 before",
            "top1 after",
            "top3 before",
            "top3 after",
            "mean set size",
            "set holds right",
        ],
        rows,
    )
    report.line()
    for rule in RULES:
        mean = {
            key: float(np.mean([results[(k, rule)][key] for k in START_K]))
            for key in ("mean_questions", "top1", "top3", "mean_set_size", "coverage")
        }
        report.line(
            f"{rule:<10} mean over start k: {mean['mean_questions']:.2f} questions, top-1 {mean['top1']:.3f}, "
            f"top-3 {mean['top3']:.3f}, set size {mean['mean_set_size']:.2f}, set holds right "
            f"{mean['coverage']:.3f}"
        )
    report.line(f"Finished in {time.perf_counter() - started:.1f} s; load average {load_average()}.")
    return {"results": {f"{k}-{rule}": r for (k, rule), r in results.items()}, "text": report.text}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    results = run(args.quick, progress=lambda m: print(f"[bench] {m}", file=sys.stderr))
    if not args.quick:
        RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
        RESULTS_FILE.write_text(
            "# Stopping the questions\n\nGenerated by `benchmarks/questions.py`; all data is synthetic "
            "(an upper bound).\n\n```text\n" + results["text"] + "```\n",
            encoding="utf-8",
        )
        print(f"[bench] tables written to {RESULTS_FILE.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
