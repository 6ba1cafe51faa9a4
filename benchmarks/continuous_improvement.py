"""Reproducible benchmark of the continuous-improvement loop: does retraining on confirmed outcomes help?

    cd /work/main && .venv/bin/python benchmarks/continuous_improvement.py [--quick] [--scaling-only|--no-scaling]

Everything runs against a THROW-AWAY database: before Django is set up, DATABASE_URL points at a
SQLite file in a new temporary directory, MODEL_STORE_DIR at another temporary directory and
REDIS_URL at a port nothing listens on (so the retrain lock is the in-process one and a shared
Redis lock can never make a round skip); the directory is deleted at the end. The dev database
and the dev model store are never opened.

Part A (the loop). A knowledge-base-only champion is trained with `mlops.loop.retrain`. Then, for
each round, SYNTHETIC "regional" patients (users with consent granted through accounts.services)
run real checks (`diagnosis.services.symptom_check_start`), the true condition is recorded as a
clinician-confirmed outcome (`mlops.services.confirmed_case_record`, which is consent-aware) and
`retrain(trigger="labels")` trains a challenger and applies the production gate. After every round
the CURRENT champion is measured on a fixed held-out regional sample (never recorded as outcomes)
and on the frozen evaluation set the gate uses.

The regional population is an ASSUMPTION, not data: it is the knowledge base's own generator
(`diagnosis/engine/synthetic.py`) with the symptom frequencies of eight conditions changed as in
REGIONAL_SHIFT below (an atypical presentation each: one typical symptom much rarer, one or two
symptoms the knowledge base considers unusual much commoner). Nothing here is real patient data;
the figures show that the loop adapts to a population whose presentations differ from the
knowledge base in a known way, not how well it would adapt to any real region.

Part B (scaling). For 1k, 10k, 100k and 1M labelled cases, a child process generates that many
synthetic cases, featurises them exactly as training does and fits the production algorithms;
it reports seconds and peak resident memory (VmHWM, reset before each fit) per algorithm.

Algorithm for Part A: logistic regression, the production default (DEFAULT_ALGORITHM, so what a
real first champion and every later `retrain` would use), fitted deterministically by lbfgs: two
fits on the same rows give the same model, so every change between rounds comes from the new
confirmed outcomes, not from a random seed. It is also fixed so that no algorithm switch between
rounds can be mistaken for an effect of the data.

Output: tables on stdout (progress on stderr), the last line `SUMMARY {json}`; a full run of both
parts also writes benchmarks/results/continuous_improvement.md (any run does with --output PATH).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._common import Report, load_average  # noqa: E402

RESULTS_FILE = ROOT / "benchmarks" / "results" / "continuous_improvement.md"
TMP_ENV = "MEDPORTAL_CI_BENCH_TMP"

# --- the assumed regional population -------------------------------------------------------------
#
# condition -> {symptom: frequency in the regional population}. Every other frequency is the
# knowledge base's. The first symptom of each row is a TYPICAL one made rare, the others are
# symptoms the KB gives low or no frequency made common. KB values are printed next to these in
# the report (section A1). This is an ASSUMPTION chosen to resemble atypical presentations that
# are well described clinically (silent MI, delirium as the sign of a UTI in older people,
# dengue warning signs, malaria and typhoid with gut symptoms, extrapulmonary TB, myxoedema,
# laryngopharyngeal reflux); the numbers themselves are invented.
REGIONAL_SHIFT: dict[str, dict[str, float]] = {
    "heart_attack": {"chest_pain": 0.35, "indigestion": 0.65, "fatigue": 0.60},
    "urinary_tract_infection": {"burning_micturition": 0.30, "altered_sensorium": 0.45, "fatigue": 0.60},
    "dengue": {"pain_behind_the_eyes": 0.15, "abdominal_pain": 0.60, "vomiting": 0.65},
    "malaria": {"shivering": 0.15, "diarrhoea": 0.55, "cough": 0.50},
    "typhoid": {"headache": 0.25, "diarrhoea": 0.70, "stomach_pain": 0.50},
    "tuberculosis": {"phlegm": 0.15, "swollen_lymph_nodes": 0.65, "back_pain": 0.40},
    "hypothyroidism": {"cold_intolerance": 0.10, "joint_pain": 0.50, "swollen_legs": 0.40},
    "gerd": {"acidity": 0.40, "cough": 0.65, "sore_throat": 0.50},
}
# Regional patients report 1-5 of their symptoms (uniform), the more frequent ones (in the regional
# frequencies) more likely: the same rule as the frozen set's partial presentations.
PRESENTED_SIZES = (1, 2, 3, 4, 5)

ALGORITHM = "logistic_regression"
BASELINE_SEED = 1001  # regional held-out evaluation sample
OUTCOME_SEED = 2002  # + round number: the patients whose outcomes are confirmed
# A few patients per round decline consent: their checks run but nothing may be stored.
DECLINED_SHARE = 0.05

QUICK = {
    "per_disease": 80,
    "rounds": 3,
    "confirmed_per_round": 200,
    "eval_per_condition": 50,
    "scaling_sizes": (1_000, 10_000, 100_000),
    "mlp_max_size": 10_000,
    "fit_limit_s": 60,
}
FULL = {
    "per_disease": 300,
    "rounds": 5,
    "confirmed_per_round": 600,
    "eval_per_condition": 50,
    "scaling_sizes": (1_000, 10_000, 100_000, 1_000_000),
    "mlp_max_size": 100_000,
    "fit_limit_s": 360,
}
SCALING_ALGORITHMS = ("naive_bayes", "logistic_regression", "mlp")
SCALING_SEED = 5005
MEMORY_TARGET_MB = 4096

# Pass criteria reported at the end (the gates themselves are not changed: mlops/gates.py).
MIN_REGIONAL_GAIN = 0.03
MAX_FROZEN_DROP = 0.01


# --- environment -----------------------------------------------------------------------------------


def throwaway_environment(tmp: Path) -> None:
    """Point Django at a new SQLite file and model store under `tmp`; must run before django.setup()."""
    from django.apps import apps

    if apps.ready:
        raise RuntimeError(
            "Django is already set up; this benchmark must configure its own throw-away database"
        )
    (tmp / "models").mkdir(parents=True, exist_ok=True)
    os.environ[TMP_ENV] = str(tmp)
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'benchmark.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "medportal.settings.dev"
    os.environ["MODEL_STORE_DIR"] = str(tmp / "models")
    os.environ["MODEL_CACHE_DIR"] = str(tmp / "model-cache")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    # Nothing listens on port 1: the retrain lock falls back to the in-process lock (eager mode).
    os.environ["REDIS_URL"] = "redis://127.0.0.1:1/0"
    # Rounds are retrained explicitly below; the per-label automatic trigger would retrain mid-round.
    os.environ["RETRAIN_NEW_LABELS_TRIGGER"] = str(10**9)
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def setup_django(*, create: bool) -> None:
    import django
    from django.conf import settings

    django.setup()
    # What a Celery worker does at start: import every app's tasks.py. Outside a worker nothing imports
    # mlops.tasks, and the eager outbox (confirmed_case_record -> outbox_enqueue) would then fail with
    # NotRegistered('mlops.retrain_if_enough_labels').
    from medportal.celery import app as celery_app

    celery_app.loader.import_default_modules()
    name = str(settings.DATABASES["default"]["NAME"])
    tmp = os.environ[TMP_ENV]
    if not name.startswith(tmp) or not str(settings.MODEL_STORE_DIR).startswith(tmp):
        raise RuntimeError(f"refusing to run: database {name} is not the throw-away one under {tmp}")
    if create:
        from io import StringIO

        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        out = StringIO()
        call_command("load_knowledge_base", stdout=out)


def command_line(args) -> str:
    flags = [f for f, on in (("--quick", args.quick), ("--scaling-only", args.scaling_only)) if on]
    if args.no_scaling:
        flags.append("--no-scaling")
    return f"cd {ROOT} && .venv/bin/python benchmarks/continuous_improvement.py" + "".join(
        " " + f for f in flags
    )


# --- the regional population ------------------------------------------------------------------------


def regional_frequency(snapshot) -> tuple[np.ndarray, list[list]]:
    """The knowledge base's frequency matrix with REGIONAL_SHIFT applied, and the rows of the shift table."""
    freq = snapshot.frequency.copy()
    d_index = {slug: i for i, slug in enumerate(snapshot.disease_slugs)}
    s_index = {slug: i for i, slug in enumerate(snapshot.symptoms)}
    rows = []
    for disease, changes in REGIONAL_SHIFT.items():
        if disease not in d_index:
            raise RuntimeError(f"REGIONAL_SHIFT names {disease!r}, which the knowledge base no longer has")
        for symptom, value in changes.items():
            if symptom not in s_index:
                raise RuntimeError(
                    f"REGIONAL_SHIFT names symptom {symptom!r}, which the knowledge base lacks"
                )
            kb = float(freq[d_index[disease], s_index[symptom]])
            freq[d_index[disease], s_index[symptom]] = value
            rows.append(
                [disease, symptom, f"{kb:.2f}", f"{value:.2f}", "rarer" if value < kb else "commoner"]
            )
    return freq, rows


def regional_patient(snapshot, freq: np.ndarray, d: int, rng: np.random.Generator):
    """A SYNTHETIC regional patient: their full symptom set, and the 1-5 symptoms they report."""
    from diagnosis.engine.synthetic import partial_presentation, sample_patient

    full = sample_patient(snapshot, d, rng, frequency=freq)
    k = int(rng.choice(PRESENTED_SIZES))
    return partial_presentation(full, k, rng, snapshot, frequency=freq)


def regional_evaluation_sample(snapshot, freq: np.ndarray, per_condition: int) -> list:
    rng = np.random.default_rng(BASELINE_SEED)
    n = len(snapshot.diseases)
    return [regional_patient(snapshot, freq, i % n, rng) for i in range(per_condition * n)]


# --- Part A: the loop ---------------------------------------------------------------------------------


def _date_of_birth(age: int | None, today: date):
    # 1 January of the birth year: HealthProfile.age() then gives exactly `age` all year.
    return None if age is None else date(today.year - age, 1, 1)


def record_round(snapshot, freq, round_no: int, n_confirmed: int, diseases: dict, progress) -> dict:
    """Patients of one round: users with a profile and consent, a real check each, the confirmed outcome."""
    from django.utils import timezone

    from accounts.services import consent_set, health_profile_update, user_create
    from diagnosis.services import symptom_check_start
    from mlops.services import confirmed_case_record

    rng = np.random.default_rng(OUTCOME_SEED + round_no)
    n_declined = int(round(n_confirmed * DECLINED_SHARE))
    total = n_confirmed + n_declined
    declined = set(rng.choice(total, size=n_declined, replace=False).tolist()) if n_declined else set()
    names = snapshot.symptom_names
    today = timezone.localdate()
    stats = {"patients": total, "confirmed": 0, "declined_not_stored": 0, "resolved_exactly": 0}
    stats.update(no_symptoms=0, live_top1=0, live_top3=0, checks=0, served_by=set())
    started = time.perf_counter()
    for i in range(total):
        patient = regional_patient(snapshot, freq, int(rng.integers(len(snapshot.diseases))), rng)
        user = user_create(email=f"regional-r{round_no}-{i:05d}@example.invalid", password=None)
        health_profile_update(user=user, date_of_birth=_date_of_birth(patient.age, today), sex=patient.sex)
        consenting = i not in declined
        if consenting:
            consent_set(user=user, granted=True)
        session = symptom_check_start(user=user, text="", chips=[names[s] for s in patient.symptoms])
        if not session.symptoms:
            stats["no_symptoms"] += 1
            continue
        stats["checks"] += 1
        stats["served_by"].add(session.model_label)
        stats["resolved_exactly"] += sorted(session.symptoms) == sorted(patient.symptoms)
        shown = [c["slug"] for c in session.conditions]
        stats["live_top1"] += shown[:1] == [patient.disease]
        stats["live_top3"] += patient.disease in shown[:3]
        stored = confirmed_case_record(session=session, disease=diseases[patient.disease])
        if consenting:
            if stored is None:
                raise RuntimeError("a consenting patient's confirmed outcome was not stored")
            stats["confirmed"] += 1
        else:
            if stored is not None:
                raise RuntimeError("a patient who declined consent had their outcome stored")
            stats["declined_not_stored"] += 1
        if (i + 1) % 200 == 0:
            progress(f"round {round_no}: {i + 1}/{total} patients")
    stats["seconds"] = time.perf_counter() - started
    stats["served_by"] = sorted(stats["served_by"])
    return stats


def measure(model, snapshot, regional_eval: list, frozen: list, red_flags: list) -> dict:
    """Top-1/top-3 of `model` with the gate's own evaluation code (mlops.gates.evaluate_model) on
    the regional sample and on the frozen set (`mlops.loop.frozen_cases()`)."""
    from mlops.gates import evaluate_model

    f = evaluate_model(model, snapshot, frozen, red_flags, [])
    r = evaluate_model(model, snapshot, regional_eval, [], [])
    s = evaluate_model(model, snapshot, [c for c in regional_eval if c.disease in REGIONAL_SHIFT], [], [])
    u = evaluate_model(model, snapshot, [c for c in regional_eval if c.disease not in REGIONAL_SHIFT], [], [])
    return {
        "model": model.label,
        "regional_top1": r.top1,
        "regional_top3": r.top3,
        "shifted_top1": s.top1,
        "unshifted_top1": u.top1,
        "frozen_top1": f.top1,
        "frozen_top3": f.top3,
        "frozen_n": f.n,
        "safety_failures": len(f.safety_failures),
    }


def measure_champion(snapshot, regional_eval: list) -> dict:
    """Measure whatever is being served now (the registry's champion, loaded as a web process would)."""
    from diagnosis.engine.predictor import clear_model_cache, current_model
    from mlops.loop import frozen_cases

    clear_model_cache()
    return measure(current_model(snapshot), snapshot, regional_eval, *frozen_cases())


def control_fit(snapshot, n_outcomes: int, per_disease: int, regional_eval: list) -> dict:
    """The same retraining with as many outcomes from the KB's own population (no regional shift).

    Trained exactly as the last round's challenger (same synthetic cases, most recent fifth held out,
    frozen cases excluded) but not registered: it separates "more data, in the partial-presentation form
    patients use" from adaptation to the regional presentations.
    """
    from diagnosis.engine.predictor import LoadedModel
    from mlops.loop import frozen_cases
    from mlops.training import build_dataset, case_key, train_candidate

    rng = np.random.default_rng(OUTCOME_SEED)
    n = len(snapshot.diseases)
    outcomes = [
        regional_patient(snapshot, snapshot.frequency, int(rng.integers(n)), rng) for _ in range(n_outcomes)
    ]
    outcomes = outcomes[: len(outcomes) - len(outcomes) // 5]
    frozen, red_flags = frozen_cases()
    dataset = build_dataset(
        snapshot,
        source="kb",
        per_disease=per_disease,
        extra_cases=outcomes,
        exclude_keys={case_key(c) for c in frozen},
    )
    candidate = train_candidate(ALGORITHM, dataset, snapshot)
    model = LoadedModel(
        version_id=None,
        label="control (not registered)",
        estimator=candidate.estimator,
        symptoms=snapshot.symptoms,
        classes=tuple(candidate.estimator.classes_),
    )
    return {
        "outcomes": n_outcomes,
        "trained_on": len(outcomes),
        **measure(model, snapshot, regional_eval, frozen, red_flags),
    }


def _retrain(trigger: str, per_disease: int) -> tuple:
    from mlops.loop import retrain

    started = time.perf_counter()
    run = retrain(trigger=trigger, algorithm=ALGORITHM, per_disease=per_disease)
    return run, time.perf_counter() - started


def part_a(report: Report, sizes: dict, progress) -> dict:
    from diagnosis.models import Disease
    from diagnosis.selectors import current_snapshot
    from mlops.models import TrainingCase

    snapshot = current_snapshot()
    freq, shift_rows = regional_frequency(snapshot)
    regional_eval = regional_evaluation_sample(snapshot, freq, sizes["eval_per_condition"])
    shifted_eval = [c for c in regional_eval if c.disease in REGIONAL_SHIFT]
    started = time.perf_counter()
    diseases = {d.slug: d for d in Disease.objects.all()}

    report.section("A1. The SYNTHETIC regional population (an assumption, not data)")
    report.line(
        f"Knowledge base version {snapshot.version}: {len(snapshot.diseases)} conditions, "
        f"{len(snapshot.symptoms)} symptoms. Regional patients come from the KB's own generator "
        "(diagnosis/engine/synthetic.sample_patient) with these frequencies changed for "
        f"{len(REGIONAL_SHIFT)} conditions; all other frequencies, ages and sexes are the KB's."
    )
    report.table(["condition", "symptom", "KB freq", "regional freq", "change"], shift_rows)
    report.line(
        "Conditions are equally common. Each patient reports 1-5 of their symptoms (uniform), the more "
        "frequent ones more likely, as chips with the KB display names."
    )
    report.line(
        f"Held-out regional sample: {len(regional_eval)} patients (seed {BASELINE_SEED}, "
        f"{sizes['eval_per_condition']} per condition, {len(shifted_eval)} of them with a shifted condition), "
        "never recorded as outcomes. Confirmed-outcome patients use seeds "
        f"{OUTCOME_SEED}+round, so the two never share a random stream."
    )

    progress(f"round 0: knowledge-base-only champion (per_disease={sizes['per_disease']}) ...")
    run, seconds = _retrain("manual", sizes["per_disease"])
    rounds = [
        {
            "round": 0,
            "confirmed_so_far": 0,
            "run_id": run.pk,
            "status": run.status,
            "decision": run.result,
            "retrain_seconds": seconds,
            "recent_top1": None,
            **measure_champion(snapshot, regional_eval),
        }
    ]
    progress(f"round 0: {run.status} ({seconds:.1f} s)")
    patient_stats = []
    for round_no in range(1, sizes["rounds"] + 1):
        progress(f"round {round_no}: {sizes['confirmed_per_round']} confirmed outcomes ...")
        stats = record_round(snapshot, freq, round_no, sizes["confirmed_per_round"], diseases, progress)
        patient_stats.append({"round": round_no, **stats})
        progress(f"round {round_no}: retrain(trigger='labels') ...")
        run, seconds = _retrain("labels", sizes["per_disease"])
        challenger = (run.metrics or {}).get("challenger") or {}
        rounds.append(
            {
                "round": round_no,
                "confirmed_so_far": TrainingCase.objects.filter(source="confirmed").count(),
                "run_id": run.pk,
                "status": run.status,
                "decision": run.result,
                "retrain_seconds": seconds,
                "recent_top1": challenger.get("recent_top1"),
                **measure_champion(snapshot, regional_eval),
            }
        )
        progress(f"round {round_no}: {run.status} ({seconds:.1f} s): {run.result[:160]}")

    report.section("A2. The loop, round by round")
    report.line(
        f"Round 0 = `retrain(trigger='manual', algorithm='{ALGORITHM}', per_disease={sizes['per_disease']})` "
        "on the knowledge base only. Rounds 1+: "
        f"{sizes['confirmed_per_round']} regional patients with consent run a check and their true condition is "
        f"recorded as a confirmed outcome (plus {int(round(sizes['confirmed_per_round'] * DECLINED_SHARE))} who "
        "decline consent, whose outcomes must not be stored), then "
        f"`retrain(trigger='labels', algorithm='{ALGORITHM}', per_disease={sizes['per_disease']})`: "
        f"{sizes['per_disease']} synthetic KB cases per condition plus all confirmed cases except the most recent "
        "fifth; promoted only through every gate of mlops/gates.py (safety, sensitivity, quality, subgroups, "
        "calibration)."
    )
    report.line(
        "Measured after each round on the CURRENT champion (what checks are served by): regional = held-out "
        "regional sample "
        f"({len(regional_eval)} patients); shifted / unshifted = its {len(shifted_eval)} patients with one of the "
        f"{len(REGIONAL_SHIFT)} shifted conditions / the others; frozen = the gate's frozen set "
        f"({rounds[0]['frozen_n']} synthetic KB partial presentations); red-flag fails = the gate's safety check."
    )
    report.table(
        [
            "round",
            "confirmed cases so far",
            "run status",
            "regional top-1",
            "regional top-3",
            "frozen top-1",
            "frozen top-3",
            "shifted top-1",
            "unshifted top-1",
            "red-flag fails",
            "retrain s",
        ],
        [
            [
                r["round"],
                r["confirmed_so_far"],
                r["status"],
                r["regional_top1"],
                r["regional_top3"],
                r["frozen_top1"],
                r["frozen_top3"],
                r["shifted_top1"],
                r["unshifted_top1"],
                r["safety_failures"],
                f"{r['retrain_seconds']:.1f}",
            ]
            for r in rounds
        ],
    )
    report.line()
    report.line("Gate decisions (TrainingRun.result, verbatim):")
    for r in rounds:
        report.line(f"  round {r['round']} (run #{r['run_id']}, {r['status']}): {r['decision']}")

    report.section("A3. The checks that produced the outcomes")
    report.line(
        "'live' = the served champion's answer on that round's own checks, before the outcome was known "
        "(a prospective measure: these patients were never in any training set when they were checked; about "
        "200-600 checks a round, so differences of a few points between rounds are noise)."
    )
    report.table(
        [
            "round",
            "patients",
            "checks",
            "confirmed stored",
            "declined, not stored",
            "chips resolved exactly",
            "live top-1",
            "live top-3",
            "served by",
            "seconds",
        ],
        [
            [
                s["round"],
                s["patients"],
                s["checks"],
                s["confirmed"],
                s["declined_not_stored"],
                f"{s['resolved_exactly'] / max(1, s['checks']):.1%}",
                s["live_top1"] / max(1, s["checks"]),
                s["live_top3"] / max(1, s["checks"]),
                ", ".join(s["served_by"]),
                f"{s['seconds']:.1f}",
            ]
            for s in patient_stats
        ],
    )

    progress("control: the same retraining on KB-population outcomes ...")
    control = control_fit(snapshot, rounds[-1]["confirmed_so_far"], sizes["per_disease"], regional_eval)
    report.section("A4. Control: as many outcomes, but from the knowledge base's own population")
    report.line(
        f"{control['outcomes']} outcomes drawn exactly like the regional ones but from the KB's frequencies "
        f"(no shift); the most recent fifth held out as retrain does, so {control['trained_on']} are trained on "
        "with the same synthetic cases. Not registered, not gated: it shows how much of the gain any outcomes "
        "in the form patients report them (1-5 symptoms; the synthetic cases are full presentations) would "
        "bring, and so how much is adaptation to the regional presentations."
    )
    report.table(
        [
            "model",
            "regional top-1",
            "regional top-3",
            "frozen top-1",
            "frozen top-3",
            "shifted top-1",
            "unshifted top-1",
        ],
        [
            [
                label,
                r["regional_top1"],
                r["regional_top3"],
                r["frozen_top1"],
                r["frozen_top3"],
                r["shifted_top1"],
                r["unshifted_top1"],
            ]
            for label, r in (
                ("round 0 champion (KB only)", rounds[0]),
                (f"round {rounds[-1]['round']} champion (regional outcomes)", rounds[-1]),
                ("control (KB-population outcomes)", control),
            )
        ],
    )

    first, last = rounds[0], rounds[-1]
    regional_gain = last["regional_top1"] - first["regional_top1"]
    frozen_drop = first["frozen_top1"] - last["frozen_top1"]
    worst_frozen_drop = max(first["frozen_top1"] - r["frozen_top1"] for r in rounds)
    frozen_top3_drop = first["frozen_top3"] - last["frozen_top3"]
    rejected = [r["round"] for r in rounds[1:] if r["status"] == "rejected"]
    other = [r["round"] for r in rounds[1:] if r["status"] not in ("promoted", "rejected")]
    report.section("A5. Verdict")
    report.line(
        f"Regional top-1: {first['regional_top1']:.3f} -> {last['regional_top1']:.3f} ({regional_gain:+.3f}; "
        f"criterion >= +{MIN_REGIONAL_GAIN:.2f}: {'PASS' if regional_gain >= MIN_REGIONAL_GAIN else 'FAIL'})."
    )
    report.line(
        f"  shifted conditions: {first['shifted_top1']:.3f} -> {last['shifted_top1']:.3f} "
        f"({last['shifted_top1'] - first['shifted_top1']:+.3f}); the other conditions: "
        f"{first['unshifted_top1']:.3f} -> {last['unshifted_top1']:.3f} "
        f"({last['unshifted_top1'] - first['unshifted_top1']:+.3f})."
    )
    report.line(
        f"  control (KB-population outcomes): regional {control['regional_top1'] - first['regional_top1']:+.3f}, "
        f"shifted {control['shifted_top1'] - first['shifted_top1']:+.3f}, frozen "
        f"{control['frozen_top1'] - first['frozen_top1']:+.3f}: the part of the regional gain beyond the control's "
        "is adaptation to the regional presentations; the rest is what any outcomes bring."
    )
    report.line(
        f"Frozen top-1: {first['frozen_top1']:.3f} -> {last['frozen_top1']:.3f} ({-frozen_drop:+.3f}; largest "
        f"drop below round 0 in any round {worst_frozen_drop:.3f}; criterion drop <= {MAX_FROZEN_DROP:.2f}: "
        f"{'PASS' if worst_frozen_drop <= MAX_FROZEN_DROP + 1e-12 else 'FAIL'}). Frozen top-3: "
        f"{first['frozen_top3']:.3f} -> {last['frozen_top3']:.3f} ({-frozen_top3_drop:+.3f})."
    )
    if rejected:
        report.line(
            f"The gates REJECTED the challenger in round(s) {rejected} (which gate and why: the decisions "
            "under A2); the previous champion kept serving."
        )
    else:
        report.line("The gate promoted every challenger; no round was rejected.")
    if other:
        report.line(f"Round(s) {other} neither promoted nor rejected (skipped or failed): see A2.")
    report.line(f"Part A took {time.perf_counter() - started:.1f} s.")
    return {
        "rounds": rounds,
        "control": control,
        "patients": patient_stats,
        "regional_top1_gain": regional_gain,
        "frozen_top1_drop": frozen_drop,
        "worst_frozen_top1_drop": worst_frozen_drop,
        "frozen_top3_drop": frozen_top3_drop,
        "rejected_rounds": rejected,
    }


# --- Part B: scaling ------------------------------------------------------------------------------------


def _vm_kb(field: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return float(line.split()[1])
    except OSError:
        pass
    return None


def peak_mb() -> float:
    """Peak resident memory of this process since start or the last reset_peak(), in MB."""
    kb = _vm_kb("VmHWM")
    if kb is None:
        import resource

        kb = float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return kb / 1024


def reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0), so the next peak_mb() covers one fit only."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


class FitTimeout(Exception):
    pass


def scaling_child(size: int, algorithms: list[str], fit_limit: float) -> int:
    """Runs in its own process: generate `size` cases, featurise, fit each algorithm; one JSON line each."""
    import resource

    from diagnosis.engine.algorithms import make_estimator
    from diagnosis.engine.synthetic import generate_cases
    from diagnosis.selectors import current_snapshot
    from mlops.training import _xy

    def emit(kind: str, **data):
        print("RESULT " + json.dumps({"kind": kind, "size": size, **data}), flush=True)

    snapshot = current_snapshot()
    process_peak = peak_mb()
    started = time.perf_counter()
    per_disease = max(1, round(size / len(snapshot.diseases)))
    cases = generate_cases(snapshot, per_disease, SCALING_SEED)
    generate_s = time.perf_counter() - started
    started = time.perf_counter()
    # The same featurisation as mlops.training.train_candidate; the case list stays alive, as there.
    X, y = _xy(cases, snapshot.symptoms)
    featurise_s = time.perf_counter() - started
    data_peak = peak_mb()
    process_peak = max(process_peak, data_peak)
    emit(
        "data",
        cases=len(cases),
        per_disease=per_disease,
        features=int(X.shape[1]),
        x_mb=X.nbytes / 2**20,
        generate_s=generate_s,
        featurise_s=featurise_s,
        peak_mb=data_peak,
    )

    def on_alarm(signum, frame):
        raise FitTimeout()

    signal.signal(signal.SIGALRM, on_alarm)
    for algorithm in algorithms:
        gc.collect()
        resettable = reset_peak()
        estimator = make_estimator(algorithm, 0)
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        finished = True
        signal.setitimer(signal.ITIMER_REAL, fit_limit)
        try:
            estimator.fit(X, y)
        except FitTimeout:
            finished = False
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        seconds = time.perf_counter() - started
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        fit_peak = peak_mb()
        process_peak = max(process_peak, fit_peak)
        n_iter = getattr(estimator, "n_iter_", None) if finished else None
        if n_iter is not None:
            n_iter = int(np.max(n_iter))
        emit(
            "fit",
            algorithm=algorithm,
            finished=finished,
            seconds=seconds,
            cpu_s=(cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime),
            peak_mb=fit_peak,
            peak_is_per_fit=resettable,
            n_iter=n_iter,
            load=load_average(),
        )
        del estimator
    emit(
        "process",
        peak_mb=process_peak,
        ru_maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    return 0


def run_scaling_child(size: int, algorithms: list[str], fit_limit: float, progress) -> dict:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--scaling-child",
        str(size),
        "--algorithms",
        ",".join(algorithms),
        "--fit-limit",
        str(fit_limit),
    ]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, text=True)
    records: list[dict] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("RESULT "):
            record = json.loads(line[len("RESULT ") :])
            records.append(record)
            if record["kind"] == "fit":
                progress(
                    f"scaling {size}: {record['algorithm']} {record['seconds']:.1f} s, "
                    f"peak {record['peak_mb']:.0f} MB{'' if record['finished'] else ' (stopped at limit)'}"
                )
            elif record["kind"] == "data":
                progress(f"scaling {size}: data ready ({record['generate_s'] + record['featurise_s']:.1f} s)")
    returncode = proc.wait()
    return {
        "size": size,
        "returncode": returncode,
        "seconds": time.perf_counter() - started,
        "records": records,
    }


def part_b(report: Report, sizes: dict, progress) -> dict:
    results = []
    for size in sizes["scaling_sizes"]:
        algorithms = [a for a in SCALING_ALGORITHMS if a != "mlp" or size <= sizes["mlp_max_size"]]
        progress(f"scaling {size}: {', '.join(algorithms)} (fit limit {sizes['fit_limit_s']} s) ...")
        results.append(run_scaling_child(size, algorithms, sizes["fit_limit_s"], progress))

    report.section("B. Scaling: retrain time and peak memory by number of labelled cases")
    report.line(
        "Each size runs in its own child process: generate_cases(snapshot, per_disease=size/41) (SYNTHETIC), "
        "featurise as mlops.training does (float32, 156 symptom + 9 demographic columns), then fit each "
        "production estimator (diagnosis.engine.algorithms.make_estimator) on all rows. No deduplication, split "
        "or evaluation: this is the cost of the fit itself on that many rows."
    )
    report.line(
        "peak MB = the child's peak resident set (VmHWM from /proc/self/status, reset to the current RSS "
        "just before each fit), so it includes the interpreter, Django, the case list and the feature matrix "
        f"that are resident during the fit. Target: < {MEMORY_TARGET_MB} MB. {os.cpu_count()} CPUs; the machine "
        "is shared, so 'load' (1/5/15-minute load average after the fit) says how busy it was; wall seconds "
        "grow with it, CPU seconds much less."
    )
    report.line(
        f"A fit still running after {sizes['fit_limit_s']} s is stopped and reported as '> limit' with the "
        f"time and memory measured until then; the MLP is fitted only up to {sizes['mlp_max_size']:,} cases."
    )
    data_rows, fit_rows = [], []
    for res in results:
        by_kind: dict[str, list] = {}
        for rec in res["records"]:
            by_kind.setdefault(rec["kind"], []).append(rec)
        data = (by_kind.get("data") or [None])[0]
        process = (by_kind.get("process") or [None])[0]
        if data:
            data_rows.append(
                [
                    f"{res['size']:,}",
                    data["cases"],
                    f"{data['x_mb']:.0f}",
                    f"{data['generate_s']:.1f}",
                    f"{data['featurise_s']:.1f}",
                    f"{data['peak_mb']:.0f}",
                    f"{process['peak_mb']:.0f}" if process else "-",
                    f"{res['seconds']:.1f}",
                    res["returncode"],
                ]
            )
        for rec in by_kind.get("fit", []):
            fit_rows.append(
                [
                    f"{res['size']:,}",
                    rec["algorithm"],
                    f"{rec['seconds']:.1f}" if rec["finished"] else f"> {rec['seconds']:.0f} (limit)",
                    f"{rec['cpu_s']:.1f}",
                    rec["n_iter"] if rec["n_iter"] is not None else "-",
                    f"{rec['peak_mb']:.0f}",
                    "PASS" if rec["peak_mb"] < MEMORY_TARGET_MB else "FAIL",
                    rec["load"],
                ]
            )
        if res["returncode"] != 0:
            fit_rows.append(
                [
                    f"{res['size']:,}",
                    f"child exited with {res['returncode']}",
                    "-",
                    "-",
                    "-",
                    "-",
                    "FAIL",
                    "-",
                ]
            )
    report.line()
    report.line("Data (per size)")
    report.table(
        [
            "cases asked",
            "cases made",
            "X MB",
            "generate s",
            "featurise s",
            "peak MB after data",
            "child peak MB",
            "child total s",
            "exit",
        ],
        data_rows,
    )
    report.line()
    report.line("Fits")
    report.table(
        ["cases", "algorithm", "wall s", "CPU s", "iterations", "peak MB", "< 4 GB", "load after"], fit_rows
    )
    finished: dict[str, dict] = {}
    for res in results:
        for rec in res["records"]:
            if rec["kind"] != "fit":
                continue
            if rec["finished"]:
                finished[rec["algorithm"]] = rec
                continue
            base = finished.get(rec["algorithm"])
            text = (
                f"{rec['algorithm']} on {res['size']:,} cases did not finish within the limit "
                f"({rec['seconds']:.0f} s wall, {rec['cpu_s']:.0f} CPU s used; the peak above is the peak until "
                "it was stopped)."
            )
            if base:
                estimate = base["cpu_s"] * res["size"] / base["size"]
                text += (
                    f" Linear extrapolation from {base['size']:,} cases ({base['cpu_s']:.0f} CPU s, "
                    f"{base['n_iter'] or '?'} iterations): about {estimate:.0f} CPU s if it needs as many "
                    "iterations - an estimate, not a measurement."
                )
            report.line(text)
    return {"results": results}


# --- entry points ------------------------------------------------------------------------------------------


def run(args, out=sys.stdout, progress=None) -> dict:
    progress = progress or (lambda message: None)
    sizes = QUICK if args.quick else FULL
    report = Report(out)
    started = time.perf_counter()
    import sklearn
    from django.db import connection

    report.line(f"Command: {command_line(args)}")
    report.line(
        f"Mode: {'quick' if args.quick else 'full'}. Python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, {os.cpu_count()} CPUs, load average {load_average()} at start."
    )
    report.line(
        f"Throw-away database {connection.settings_dict['NAME']} (migrated and loaded with the shipped knowledge "
        "base at start, deleted at the end); all patients and cases are SYNTHETIC."
    )
    summary: dict = {"quick": args.quick}
    if not args.scaling_only:
        a = part_a(report, sizes, progress)
        summary["part_a"] = a
    if not args.no_scaling:
        b = part_b(report, sizes, progress)
        summary["part_b"] = b
    seconds = time.perf_counter() - started
    report.line()
    report.line(f"Finished in {seconds:.1f} s (load average {load_average()} at the end).")
    summary["seconds"] = seconds
    summary["text"] = report.text
    return summary


def _summary_line(summary: dict) -> str:
    short: dict = {"quick": summary["quick"], "seconds": round(summary["seconds"], 1)}
    a = summary.get("part_a")
    if a:
        short["rounds"] = [
            {
                k: (round(v, 4) if isinstance(v, float) else v)
                for k, v in r.items()
                if k
                in (
                    "round",
                    "confirmed_so_far",
                    "status",
                    "regional_top1",
                    "regional_top3",
                    "shifted_top1",
                    "frozen_top1",
                    "frozen_top3",
                    "safety_failures",
                )
            }
            for r in a["rounds"]
        ]
        short["regional_top1_before"] = a["rounds"][0]["regional_top1"]
        short["regional_top1_after"] = a["rounds"][-1]["regional_top1"]
        short["frozen_top1_before"] = a["rounds"][0]["frozen_top1"]
        short["frozen_top1_after"] = a["rounds"][-1]["frozen_top1"]
        short["regional_top1_gain"] = a["regional_top1_gain"]
        short["frozen_top1_drop"] = a["frozen_top1_drop"]
        short["worst_frozen_top1_drop"] = a["worst_frozen_top1_drop"]
        short["rejected_rounds"] = a["rejected_rounds"]
        short["shifted_top1_gain"] = a["rounds"][-1]["shifted_top1"] - a["rounds"][0]["shifted_top1"]
        short["control"] = {
            k: a["control"][k] for k in ("regional_top1", "shifted_top1", "unshifted_top1", "frozen_top1")
        }
    b = summary.get("part_b")
    if b:
        short["scaling"] = [
            {
                "size": res["size"],
                "returncode": res["returncode"],
                "fits": [
                    {
                        "algorithm": r["algorithm"],
                        "finished": r["finished"],
                        "seconds": round(r["seconds"], 1),
                        "peak_mb": round(r["peak_mb"]),
                    }
                    for r in res["records"]
                    if r["kind"] == "fit"
                ],
            }
            for res in b["results"]
        ]
    return "SUMMARY " + json.dumps(short)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes; about two minutes")
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("--scaling-only", action="store_true", help="only part B (scaling)")
    scope.add_argument("--no-scaling", action="store_true", help="only part A (the loop)")
    parser.add_argument("--output", help="write the tables here (default: the results file, full runs only)")
    parser.add_argument("--keep", action="store_true", help="keep the throw-away directory (for inspection)")
    # Internal: one scaling measurement in a child process.
    parser.add_argument("--scaling-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--algorithms", default=",".join(SCALING_ALGORITHMS), help=argparse.SUPPRESS)
    parser.add_argument("--fit-limit", type=float, default=FULL["fit_limit_s"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.scaling_child is not None:
        if not os.environ.get(TMP_ENV):
            parser.error("--scaling-child is internal (started by part B)")
        setup_django(create=False)
        return scaling_child(args.scaling_child, args.algorithms.split(","), args.fit_limit)

    def progress(message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    tmp = Path(tempfile.mkdtemp(prefix="medportal-ci-bench-"))
    try:
        throwaway_environment(tmp)
        progress(f"throw-away database and model store in {tmp}: migrate + load_knowledge_base ...")
        setup_django(create=True)
        summary = run(args, progress=progress)
    finally:
        if args.keep:
            progress(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    target = Path(args.output) if args.output else None
    if target is None and not args.quick and not args.scaling_only and not args.no_scaling:
        target = RESULTS_FILE
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            "# Continuous-improvement benchmark\n\nGenerated by `benchmarks/continuous_improvement.py`; "
            "all patients and cases are SYNTHETIC (see the regional-population assumption in section A1).\n\n"
            "```text\n" + summary["text"] + "```\n",
            encoding="utf-8",
        )
        progress(f"tables written to {target}")
    print(_summary_line(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
