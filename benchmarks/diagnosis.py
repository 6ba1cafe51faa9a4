"""Reproducible benchmark of the diagnosis engine: accuracy, latency, throughput, adaptive questions.

    cd /work/main && .venv/bin/python benchmarks/diagnosis.py [--quick]

All evaluation data is SYNTHETIC, drawn from the knowledge base (diagnosis/engine/synthetic.py);
no real patient is involved, so the accuracy figures say how well the models recover the
knowledge base's own symptom frequencies, not how well they diagnose people.

The dev database is only read (the knowledge base, and the champion for `predict --batch`):
models are trained in memory and never registered or promoted, and a guard turns any SQL write
into an error so a future change to the engine cannot make the benchmark mutate the database.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medportal.settings.dev")

import django  # noqa: E402
from django.apps import apps  # noqa: E402

# Under pytest Django is already configured with the test settings; setting it up again is not needed.
if not apps.ready:
    django.setup()

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from benchmarks._common import Report, loaded_snapshot, read_only_database, write_results  # noqa: E402
from diagnosis.engine.algorithms import ALGORITHMS  # noqa: E402
from diagnosis.engine.check import MAX_QUESTIONS, run_check  # noqa: E402
from diagnosis.engine.knowledge import KnowledgeSnapshot  # noqa: E402
from diagnosis.engine.predictor import LoadedModel, clear_model_cache, kb_model  # noqa: E402
from diagnosis.engine.synthetic import Case, partial_presentation, sample_patient  # noqa: E402
from mlops.training import (  # noqa: E402
    EVAL_PARTIAL_SIZES,
    SYNTHETIC_PER_DISEASE,
    build_dataset,
    case_key,
    train_candidate,
)

RESULTS_FILE = ROOT / "benchmarks" / "results" / "diagnosis.md"

# 7 is `train_models`' default, so the accuracy table matches what the registry would record.
SEED = 7
# Every other stream gets its own seed so changing one section's size leaves the others unchanged,
# and the simulated patients never share a random stream with the training data (seed 7 / 8).
LATENCY_SEED = 101
BATCH_SEED = 202
PATIENT_SEED = 303

FULL = {"per_disease": SYNTHETIC_PER_DISEASE, "latency_inputs": 1000, "batch_cases": 2000, "patients": 600}
QUICK = {"per_disease": 120, "latency_inputs": 300, "batch_cases": 500, "patients": 200}

LATENCY_TARGET_P99_MS = 20.0
BATCH_TARGET_PER_SECOND = 500.0
ADAPTIVE_START_K = (1, 2, 3)
LATENCY_MODELS = ("logistic_regression", "mlp")
WARMUP_CALLS = 20

SECTION_TITLES = (
    "1. Data",
    "2. Accuracy on held-out partial presentations",
    "3. Latency of one full check",
    "4. predict --batch throughput",
    "5. Adaptive questions",
)


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def command_line(quick: bool) -> str:
    return f"cd {ROOT} && .venv/bin/python benchmarks/diagnosis.py" + (" --quick" if quick else "")


def loaded(label: str, estimator, snapshot: KnowledgeSnapshot) -> LoadedModel:
    return LoadedModel(
        version_id=None,
        label=label,
        estimator=estimator,
        symptoms=snapshot.symptoms,
        classes=tuple(estimator.classes_),
    )


# --- 1 and 2: data and accuracy ---------------------------------------------------------------


def bench_accuracy(report: Report, snapshot: KnowledgeSnapshot, sizes: dict, progress) -> tuple[dict, dict]:
    dataset = build_dataset(snapshot, source="kb", seed=SEED, per_disease=sizes["per_disease"])
    n_eval = {k: len(dataset.evaluation[k]) for k in EVAL_PARTIAL_SIZES}
    data = {
        "synthetic_generated": dataset.sources.get("synthetic_kb", 0),
        "duplicates_removed": dataset.duplicates_removed,
        "train": len(dataset.train),
        "holdout_patients": len(dataset.holdout),
        "heldout_partial": sum(n_eval.values()),
        "heldout_partial_by_k": n_eval,
        "dropped_as_seen": dataset.dropped_as_seen,
        "seed": SEED,
        "per_disease": sizes["per_disease"],
        "kb_version": snapshot.version,
        "conditions": len(snapshot.diseases),
        "symptoms": len(snapshot.symptoms),
    }
    report.section(SECTION_TITLES[0])
    report.line(
        "Data is SYNTHETIC: generated from the knowledge base's symptom frequencies "
        "(diagnosis/engine/synthetic.py); no real patients."
    )
    report.line(
        f"Seed {SEED}; {sizes['per_disease']} synthetic cases per condition x {data['conditions']} conditions "
        f"= {data['synthetic_generated']} generated, {data['duplicates_removed']} duplicates removed; "
        f"KB version {snapshot.version} ({data['symptoms']} symptoms)."
    )
    report.line(
        f"Training cases: {data['train']}. Held-out patients: {data['holdout_patients']} -> "
        f"{data['heldout_partial']} held-out partial presentations (k = 1-5 given symptoms: "
        + ", ".join(f"k={k}: {n}" for k, n in n_eval.items())
        + f"); {data['dropped_as_seen']} dropped as identical to a training row."
    )

    candidates = {}
    for algorithm in ALGORITHMS:
        progress(f"training {algorithm} ...")
        candidates[algorithm] = train_candidate(algorithm, dataset, snapshot, seed=SEED)

    accuracy: dict[str, dict] = {}
    for algorithm, cand in candidates.items():
        m = cand.metrics
        accuracy[algorithm] = {
            "by_k": {k: {"top1": v["top1"], "top3": v["top3"], "n": v["n"]} for k, v in cand.by_k.items()},
            "top1": m["top1"],
            "top3": m["top3"],
            "f1": m["f1"],
            "brier": m["brier"],
            "ece": m["ece"],
            "train_seconds": m["train_seconds"],
            "predict_ms": m["predict_ms"],
        }

    report.section(SECTION_TITLES[1])
    report.line("k = number of symptoms the patient gives; 'pooled' = all k together (the registry's score).")
    for metric, title in (("top1", "Top-1 accuracy"), ("top3", "Top-3 accuracy")):
        report.line()
        report.line(f"{title} by k")
        report.table(
            ["algorithm", *(f"k={k}" for k in EVAL_PARTIAL_SIZES), "pooled"],
            [
                [a, *(r["by_k"][k][metric] for k in EVAL_PARTIAL_SIZES), r[metric]]
                for a, r in accuracy.items()
            ],
        )
    report.line()
    report.line(
        "Pooled quality and cost (macro-F1 over conditions; Brier: sum over classes, lower is better)"
    )
    report.table(
        ["algorithm", "macro-F1", "Brier", "ECE", "train s", "ms/pred"],
        [
            [a, r["f1"], r["brier"], r["ece"], f"{r['train_seconds']:.2f}", f"{r['predict_ms']:.2f}"]
            for a, r in accuracy.items()
        ],
    )
    data["_dataset"] = dataset
    data["_candidates"] = candidates
    return data, accuracy


# --- 3: latency of one in-process check -------------------------------------------------------


def latency_inputs(snapshot: KnowledgeSnapshot, cases: list[Case], n: int, rng) -> list[dict]:
    """Free text the way people type it: display names joined by commas and "and", some denials."""
    names = snapshot.symptom_names
    inputs = []
    for _ in range(n):
        case = cases[int(rng.integers(len(cases)))]
        shown = partial_presentation(case, int(rng.integers(1, 6)), rng, snapshot)
        words = [names[s] for s in shown.symptoms]
        rng.shuffle(words)
        text = words[0]
        for word in words[1:]:
            text += ", " if rng.random() < 0.5 else " and "
            text += word
        denied = []
        if rng.random() < 0.3:
            others = [s for s in snapshot.symptoms if s not in case.symptoms]
            denied = [others[int(rng.integers(len(others)))]]
            # A clause break keeps the negation from reaching back over the reported symptoms.
            text += (", no " if rng.random() < 0.5 else " but no ") + names[denied[0]]
        inputs.append(
            {
                "text": text,
                "age": case.age,
                "sex": case.sex,
                "present": set(shown.symptoms),
                "denied": set(denied),
            }
        )
    return inputs


def time_checks(snapshot: KnowledgeSnapshot, model: LoadedModel, inputs: list[dict]) -> dict:
    def check(item):
        return run_check(snapshot, model, text=item["text"], age=item["age"], sex=item["sex"])

    # The first calls pay for imports and caches a running server has already paid for.
    for item in inputs[:WARMUP_CALLS]:
        check(item)
    times = []
    faithful = 0
    for item in inputs:
        started = time.perf_counter()
        result = check(item)
        times.append((time.perf_counter() - started) * 1000)
        faithful += set(result.present) == item["present"] and set(result.negated) == item["denied"]
    ms = np.asarray(times)
    return {
        "n": len(ms),
        "mean_ms": float(ms.mean()),
        "p50_ms": float(np.percentile(ms, 50)),
        "p90_ms": float(np.percentile(ms, 90)),
        "p99_ms": float(np.percentile(ms, 99)),
        "max_ms": float(ms.max()),
        "resolved_as_intended": faithful / len(inputs),
    }


def bench_latency(report, snapshot, candidates, holdout, sizes, progress) -> dict:
    rng = np.random.default_rng(LATENCY_SEED)
    inputs = latency_inputs(snapshot, holdout, sizes["latency_inputs"], rng)
    models = [loaded(f"bench-{a}", candidates[a].estimator, snapshot) for a in LATENCY_MODELS]
    # The fallback served when nothing is registered, for comparison.
    models.append(kb_model(snapshot))
    latency = {}
    for model in models:
        progress(f"timing checks with {model.label} ...")
        latency[model.label] = time_checks(snapshot, model, inputs)

    report.section(SECTION_TITLES[2])
    report.line(
        f"run_check (resolve free text + red flags + model + explanation + next question), in-process, "
        f"{len(inputs)} varied inputs (seed {LATENCY_SEED}), {WARMUP_CALLS} warm-up calls not counted."
    )
    report.line(f"Target: p99 < {LATENCY_TARGET_P99_MS:.0f} ms.")
    report.table(
        ["model", "inputs", "mean ms", "p50 ms", "p90 ms", "p99 ms", "max ms", "p99 target", "resolved ok"],
        [
            [
                label,
                r["n"],
                f"{r['mean_ms']:.2f}",
                f"{r['p50_ms']:.2f}",
                f"{r['p90_ms']:.2f}",
                f"{r['p99_ms']:.2f}",
                f"{r['max_ms']:.2f}",
                "PASS" if r["p99_ms"] < LATENCY_TARGET_P99_MS else "FAIL",
                f"{r['resolved_as_intended']:.1%}",
            ]
            for label, r in latency.items()
        ],
    )
    report.line(
        "'resolved ok' = share of inputs whose resolved present and denied symptoms are exactly the ones "
        "written."
    )
    example = inputs[0]["text"]
    report.line(f"Example input: {example!r}")
    auto = time_autocomplete(snapshot)
    report.line(
        f"Symptom autocomplete (SymptomIndex.autocomplete, {auto['n']} prefixes of 2-6 letters of every symptom name): "
        f"p50 {auto['p50_ms']:.3f} ms, p99 {auto['p99_ms']:.3f} ms, max {auto['max_ms']:.3f} ms in-process."
    )
    latency["autocomplete"] = auto
    return latency


def time_autocomplete(snapshot: KnowledgeSnapshot) -> dict:
    """Autocomplete must feel instant: time every 2-6 letter prefix of every symptom name."""
    prefixes = sorted({name.lower()[:n] for name in snapshot.symptom_names.values() for n in range(2, 7)})
    times = []
    for prefix in prefixes:
        started = time.perf_counter()
        snapshot.index.autocomplete(prefix)
        times.append((time.perf_counter() - started) * 1000)
    arr = np.array(times)
    return {
        "n": len(times),
        "p50_ms": float(np.percentile(arr, 50)),
        "p99_ms": float(np.percentile(arr, 99)),
        "max_ms": float(arr.max()),
    }


# --- 4: predict --batch throughput -----------------------------------------------------------


def batch_cases(snapshot: KnowledgeSnapshot, cases: list[Case], n: int, rng) -> list[dict]:
    """Symptom lists as an external evaluator writes them: display names, synonyms and slug phrases."""
    phrases: dict[str, list[str]] = {}
    for phrase, slug in sorted(snapshot.index.phrases.items()):
        phrases.setdefault(slug, []).append(phrase)
    rows = []
    for i in range(n):
        case = cases[int(rng.integers(len(cases)))]
        shown = partial_presentation(case, int(rng.integers(1, 6)), rng, snapshot)
        symptoms = []
        for slug in shown.symptoms:
            options = phrases[slug]
            use_name = rng.random() < 0.5
            symptoms.append(
                snapshot.symptom_names[slug] if use_name else options[int(rng.integers(len(options)))]
            )
        row = {"id": f"bench-{i:05d}", "symptoms": symptoms}
        if case.age is not None:
            row["age"] = case.age
        if case.sex:
            row["sex"] = case.sex
        rows.append(row)
    return rows


def _predict_batch(path: str) -> tuple[float, list[dict]]:
    out = StringIO()
    started = time.perf_counter()
    call_command("predict", batch=path, as_json=True, stdout=out)
    seconds = time.perf_counter() - started
    return seconds, [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def bench_batch(report, snapshot, holdout, sizes, progress) -> dict:
    rng = np.random.default_rng(BATCH_SEED)
    rows = batch_cases(snapshot, holdout, sizes["batch_cases"], rng)
    with tempfile.TemporaryDirectory(prefix="medportal-bench-") as tmp:
        warm = Path(tmp) / "warmup.jsonl"
        warm.write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")
        path = Path(tmp) / "cases.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        # Drop the in-process model cache so the first call shows what a fresh process pays to load it.
        clear_model_cache()
        progress("predict --batch: first call ...")
        first_seconds, _ = _predict_batch(str(warm))
        progress(f"predict --batch: {len(rows)} cases ...")
        seconds, lines = _predict_batch(str(path))
    served = sorted({line["model_version"] for line in lines})
    result = {
        "cases": len(rows),
        "output_lines": len(lines),
        "seconds": seconds,
        "cases_per_second": len(lines) / seconds if seconds else 0.0,
        "first_call_seconds": first_seconds,
        "model_versions": served,
        "with_unrecognised": sum(1 for line in lines if line["unrecognised"]),
    }

    report.section(SECTION_TITLES[3])
    report.line(
        f"call_command('predict', batch=<JSONL of {len(rows)} cases>, as_json=True) in-process; cases use KB "
        f"display names, synonyms and slug phrases, ages and sexes (seed {BATCH_SEED})."
    )
    report.line(
        f"Served by: {', '.join(served)} (the database's champion, or the knowledge-base fallback if none)."
    )
    report.line(f"Target: >= {BATCH_TARGET_PER_SECOND:.0f} cases/second.")
    report.table(
        ["cases", "output lines", "seconds", "cases/s", "target", "first 1-case call s", "with unrecognised"],
        [
            [
                result["cases"],
                result["output_lines"],
                f"{seconds:.2f}",
                f"{result['cases_per_second']:.0f}",
                "PASS" if result["cases_per_second"] >= BATCH_TARGET_PER_SECOND else "FAIL",
                f"{first_seconds:.3f}",
                result["with_unrecognised"],
            ]
        ],
    )
    report.line(
        "The first 1-case call (not in the timing) loads the served model's artefact, as a fresh process "
        "would; the knowledge snapshot was already cached."
    )
    return result


# --- 5: adaptive questions -------------------------------------------------------------------


def simulate(snapshot, model, patients: list[Case], k: int, train_keys: set) -> dict:
    rng = np.random.default_rng(PATIENT_SEED + k)
    names = snapshot.symptom_names
    stats = {"patients": 0, "too_few_symptoms": 0, "dropped_as_seen": 0, "questions": 0, "asked_none": 0}
    stats.update(top1_before=0, top3_before=0, top1_after=0, top3_after=0, yes_answers=0, resolved_ok=0)

    def hits(result, disease):
        slugs = [c.slug for c in result.conditions]
        return int(slugs[:1] == [disease]), int(disease in slugs[:3])

    for patient in patients:
        if len(patient.symptoms) < k:
            stats["too_few_symptoms"] += 1
            continue
        start = partial_presentation(patient, k, rng, snapshot)
        # Same honesty rule as the accuracy table: a start identical to a training row proves nothing.
        if case_key(start) in train_keys:
            stats["dropped_as_seen"] += 1
            continue
        has = set(patient.symptoms)
        kwargs = {"chips": [names[s] for s in start.symptoms], "age": start.age, "sex": start.sex}
        answers: list[dict] = []
        result = run_check(snapshot, model, answers=answers, **kwargs)
        stats["resolved_ok"] += sorted(result.present) == sorted(start.symptoms)
        t1, t3 = hits(result, patient.disease)
        stats["top1_before"] += t1
        stats["top3_before"] += t3
        while result.next_question is not None and len(answers) < MAX_QUESTIONS:
            q = result.next_question
            answers.append({"symptom": q, "answer": "yes" if q in has else "no"})
            stats["yes_answers"] += q in has
            result = run_check(snapshot, model, answers=answers, **kwargs)
        t1, t3 = hits(result, patient.disease)
        stats["top1_after"] += t1
        stats["top3_after"] += t3
        stats["questions"] += len(answers)
        stats["asked_none"] += not answers
        stats["patients"] += 1

    n = stats["patients"] or 1
    return {
        "patients": stats["patients"],
        "too_few_symptoms": stats["too_few_symptoms"],
        "dropped_as_seen": stats["dropped_as_seen"],
        "top1_before": stats["top1_before"] / n,
        "top1_after": stats["top1_after"] / n,
        "top3_before": stats["top3_before"] / n,
        "top3_after": stats["top3_after"] / n,
        "mean_questions": stats["questions"] / n,
        "asked_none": stats["asked_none"] / n,
        "yes_share": stats["yes_answers"] / stats["questions"] if stats["questions"] else 0.0,
        "start_resolved_ok": stats["resolved_ok"] / n,
    }


def bench_adaptive(report, snapshot, candidates, dataset, sizes, progress) -> dict:
    model = loaded("bench-logistic_regression", candidates["logistic_regression"].estimator, snapshot)
    rng = np.random.default_rng(PATIENT_SEED)
    n_diseases = len(snapshot.diseases)
    # New draws, not the training stream, spread evenly over the conditions.
    patients = [sample_patient(snapshot, i % n_diseases, rng) for i in range(sizes["patients"])]
    train_keys = {case_key(c) for c in dataset.train}
    adaptive = {}
    for k in ADAPTIVE_START_K:
        progress(f"adaptive questions from k={k} ...")
        adaptive[k] = simulate(snapshot, model, patients, k, train_keys)

    report.section(SECTION_TITLES[4])
    report.line(
        f"{len(patients)} simulated SYNTHETIC patients (sample_patient, seed {PATIENT_SEED}), model "
        f"{model.label}. Each starts with k of their symptoms, then answers up to {MAX_QUESTIONS} "
        "questions from run_check truthfully (yes if the symptom is in their full set)."
    )
    report.line(
        "Questioning stops early when the leading condition is >= 75% likely, a red flag fires, or no "
        "question is informative enough."
    )
    report.table(
        [
            "start k",
            "patients",
            "top1 before",
            "top1 after",
            "top3 before",
            "top3 after",
            "mean questions",
            "asked none",
            "yes answers",
            "skipped",
        ],
        [
            [
                k,
                r["patients"],
                r["top1_before"],
                r["top1_after"],
                r["top3_before"],
                r["top3_after"],
                f"{r['mean_questions']:.2f}",
                f"{r['asked_none']:.1%}",
                f"{r['yes_share']:.1%}",
                f"{r['too_few_symptoms']} short, {r['dropped_as_seen']} seen",
            ]
            for k, r in adaptive.items()
        ],
    )
    report.line(
        "skipped: 'short' patients have fewer than k symptoms; 'seen' starts are identical to a training row."
    )
    return adaptive


# --- entry points ------------------------------------------------------------------------------


def run(quick: bool, out=sys.stdout, progress=None) -> dict:
    """Run every section; print the tables to `out`; return the numbers (and the report text)."""
    progress = progress or (lambda message: None)
    sizes = QUICK if quick else FULL
    report = Report(out)
    started = time.perf_counter()
    with read_only_database():
        snapshot = loaded_snapshot()
        report.line(f"Command: {command_line(quick)}")
        report.line(
            f"Mode: {'quick' if quick else 'full'} {sizes}. Python {platform.python_version()}, "
            f"numpy {np.__version__}, scikit-learn {sklearn.__version__}, {os.cpu_count()} CPUs, "
            f"database {connection.settings_dict['NAME']}."
        )
        data, accuracy = bench_accuracy(report, snapshot, sizes, progress)
        dataset, candidates = data.pop("_dataset"), data.pop("_candidates")
        latency = bench_latency(report, snapshot, candidates, dataset.holdout, sizes, progress)
        batch = bench_batch(report, snapshot, dataset.holdout, sizes, progress)
        adaptive = bench_adaptive(report, snapshot, candidates, dataset, sizes, progress)
    seconds = time.perf_counter() - started
    report.line()
    report.line(f"Finished in {seconds:.1f} s.")
    return {
        "command": command_line(quick),
        "quick": quick,
        "sizes": dict(sizes),
        "data": data,
        "accuracy": accuracy,
        "latency": latency,
        "batch": batch,
        "adaptive": adaptive,
        "seconds": seconds,
        "text": report.text,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes; finishes well under a minute")
    args = parser.parse_args(argv)
    results = run(args.quick, progress=lambda message: print(f"[bench] {message}", file=sys.stderr))
    write_results(
        RESULTS_FILE,
        "Diagnosis benchmark",
        "Generated by `benchmarks/diagnosis.py`; all data is synthetic.",
        results["text"],
        ROOT,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
