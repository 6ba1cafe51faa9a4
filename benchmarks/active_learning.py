"""Active learning for the clinician queue: which checks should clinicians label first?

    .venv/bin/python benchmarks/active_learning.py [--quick] [--seeds 3] [--algorithm naive_bayes]

All data is SYNTHETIC (diagnosis/engine/synthetic.py): no real patient is involved, and the shift
below is an assumption, not a measurement of any real population.

Set-up, per seed. A model is trained on knowledge-base patients (every condition equally often).
Checks then arrive from a SHIFTED stream: half are like the training patients, half come from an
older subgroup (aged 65-90) whose condition mix differs (the eight conditions of
benchmarks/continuous_improvement.REGIONAL_SHIFT make up 60% of it, with that benchmark's atypical
symptom frequencies; the rest are conditions seen at 65+). Each check is what a patient says first:
2-4 of their symptoms. Clinicians label ``batch`` checks at a time from the waiting pool; after each
batch the model is retrained on the training patients plus every label so far, and measured on a
fixed held-out sample of the same shifted stream (never labelled).

Orders compared (all within one urgency: the queue's urgency-first rule applies to each alike):
- oldest first: arrival order (the queue before this change);
- random;
- learning value: feedback.learning.learning_value, the function the queue uses, fed with the current
  model's top-5 probabilities, a split-conformal (LAC, 90%) set calibrated on knowledge-base
  patients, the top condition's usual urgency and the red-flag rules fired by the check's symptoms
  (the complaint layer reads free text, which synthetic checks do not have, so it is left out).
  Ties go to the oldest. The simulation has no clock, so the starvation rule is not exercised.

Output: a Markdown table (benchmarks/results/active_learning.md) and a plot
(benchmarks/results/active_learning.png): mean top-1 / top-3 accuracy against labels, with 95%
t-intervals over the seeds.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS_MD = ROOT / "benchmarks" / "results" / "active_learning.md"
RESULTS_PNG = ROOT / "benchmarks" / "results" / "active_learning.png"
STRATEGIES = ("learning value", "oldest first", "random")
FULL = {"base_per_disease": 20, "pool": 1000, "heldout": 800, "batch": 50, "budget": 500}
QUICK = {"base_per_disease": 8, "pool": 200, "heldout": 200, "batch": 50, "budget": 100}
SUBGROUP_AGES = (65, 90)
SUBGROUP_SHARE = 0.5
SHIFTED_SHARE = 0.6  # of the subgroup: the eight conditions with atypical presentations
COVERAGE = 0.9
TARGET_SHARE = 0.6  # the target: oldest-first's final accuracy with <= 60% of its labels
# 97.5% quantile of Student's t for 1..9 degrees of freedom (95% two-sided intervals).
_T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}


# --- pure helpers (unit-tested) -------------------------------------------------------------------


def pick(
    strategy: str, waiting: list[int], scores: dict[int, float], rng: np.random.Generator, n: int
) -> list[int]:
    """The next ``n`` checks clinicians label from ``waiting`` (arrival order, oldest first)."""
    if strategy == "oldest first":
        return waiting[:n]
    if strategy == "random":
        return [
            waiting[i] for i in sorted(rng.choice(len(waiting), size=min(n, len(waiting)), replace=False))
        ]
    if strategy == "learning value":
        # Highest score first; the stable sort keeps arrival order among equal scores.
        return sorted(waiting, key=lambda i: -scores[i])[:n]
    raise ValueError(f"unknown strategy {strategy!r}")


def mean_band(values: list[float]) -> tuple[float, float]:
    """Mean and half-width of the 95% t-interval (0 for a single value)."""
    arr = np.asarray(values, dtype=float)
    if arr.size < 2:
        return float(arr.mean()), 0.0
    t = _T975.get(arr.size - 1, 1.96)
    return float(arr.mean()), float(t * arr.std(ddof=1) / math.sqrt(arr.size))


def labels_to_reach(curve: list[tuple[int, float]], target: float) -> int | None:
    """The fewest labels at which a (labels, accuracy) curve reaches ``target`` (None: never)."""
    for labels, accuracy in curve:
        if accuracy >= target - 1e-12:
            return labels
    return None


def lac_threshold(p_true: np.ndarray, coverage: float) -> float:
    """Split-conformal (LAC) threshold: a condition is in the set when its probability >= this."""
    scores = np.sort(1.0 - p_true)
    n = scores.size
    rank = min(n - 1, math.ceil((n + 1) * coverage) - 1)
    return float(1.0 - scores[rank])


# --- the simulation --------------------------------------------------------------------------------


def _setup_django(tmp: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'benchmark.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "medportal.settings.dev"
    os.environ["MODEL_STORE_DIR"] = str(tmp / "models")
    os.environ["MODEL_CACHE_DIR"] = str(tmp / "model-cache")
    os.environ["REDIS_URL"] = "redis://127.0.0.1:1/0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    if not str(settings.DATABASES["default"]["NAME"]).startswith(str(tmp)):
        raise RuntimeError("refusing to run outside the throw-away database")
    call_command("migrate", verbosity=0)
    call_command("load_knowledge_base", stdout=open(os.devnull, "w"))  # noqa: SIM115


class _World:
    """The knowledge base, the shifted stream's generator and the featuriser for one run."""

    def __init__(self):
        from benchmarks.continuous_improvement import REGIONAL_SHIFT
        from diagnosis.selectors import current_snapshot

        self.s = current_snapshot()
        self.slugs = list(self.s.disease_slugs)
        col = {sym: i for i, sym in enumerate(self.s.symptoms)}
        self.shifted_freq = self.s.frequency.copy()
        for slug, changes in REGIONAL_SHIFT.items():
            for sym, f in changes.items():
                self.shifted_freq[self.slugs.index(slug), col[sym]] = f
        shifted = [self.slugs.index(slug) for slug in REGIONAL_SHIFT]
        older = [
            i for i, d in enumerate(self.s.diseases) if d.age_max >= SUBGROUP_AGES[0] and i not in shifted
        ]
        prior = np.zeros(len(self.slugs))
        prior[shifted] = SHIFTED_SHARE / len(shifted)
        prior[older] = (1 - SHIFTED_SHARE) / len(older)
        self.subgroup_prior = prior / prior.sum()
        self.level = {d.slug: d.default_triage for d in self.s.diseases}

    def stream(self, n: int, rng: np.random.Generator) -> list[tuple[object, bool]]:
        """``n`` checks as patients present them, each with whether it is from the subgroup."""
        from diagnosis.engine.synthetic import Case, partial_presentation, sample_patient

        out = []
        for _ in range(n):
            sub = rng.random() < SUBGROUP_SHARE
            if sub:
                d = int(rng.choice(len(self.slugs), p=self.subgroup_prior))
                case = sample_patient(self.s, d, rng, frequency=self.shifted_freq)
                case = Case(case.disease, case.symptoms, int(rng.integers(*SUBGROUP_AGES)), case.sex)
                freq = self.shifted_freq
            else:
                case = sample_patient(self.s, int(rng.integers(len(self.slugs))), rng)
                freq = None
            out.append(
                (partial_presentation(case, int(rng.integers(2, 5)), rng, self.s, frequency=freq), sub)
            )
        return out

    def xy(self, cases):
        from diagnosis.engine.features import featurise

        X = featurise(
            [c.symptoms for c in cases], [c.age for c in cases], [c.sex for c in cases], self.s.symptoms
        )
        return X, np.array([c.disease for c in cases])


def _accuracy(model, X, y) -> tuple[float, float]:
    proba = model.predict_proba(X)
    order = np.argsort(-proba, axis=1)
    classes = model.classes_
    top1 = classes[order[:, 0]] == y
    top3 = np.array([t in classes[o[:3]] for t, o in zip(y, order[:, :3], strict=True)])
    return float(top1.mean()), float(top3.mean())


def _scores(world: _World, model, threshold: float, X, cases) -> list[float]:
    from diagnosis.engine.triage import fired_red_flags
    from feedback.learning import learning_value, rules_level

    proba = model.predict_proba(X)
    classes = list(model.classes_)
    out = []
    for row, case in zip(proba, cases, strict=True):
        order = np.argsort(-row)
        top = [(classes[i], float(row[i])) for i in order[:5]]
        in_set = [classes[i] for i in order if row[i] >= threshold]
        fired = fired_red_flags(world.s.rules, case.symptoms, age=case.age, sex=case.sex, pregnant=False)
        value = learning_value(
            conditions=top,
            prediction_set=in_set,
            model_level=world.level[top[0][0]],
            rules_level=rules_level([{"level": f.level} for f in fired], []),
        )
        out.append(value.score)
    return out


def run_seed(world: _World, seed: int, sizes: dict, algorithm: str, progress) -> dict:
    """Accuracy curves of every strategy for one seed: {strategy: [(labels, top1, top3, sub_top1)]}."""
    from diagnosis.engine.algorithms import make_estimator
    from diagnosis.engine.synthetic import generate_cases, partial_presentation

    base = generate_cases(world.s, sizes["base_per_disease"], seed)
    calib_rng = np.random.default_rng(seed + 1)
    calibration = [
        partial_presentation(c, int(calib_rng.integers(2, 5)), calib_rng, world.s)
        for c in generate_cases(world.s, 5, seed + 1)
    ]
    pool = world.stream(sizes["pool"], np.random.default_rng(seed + 2))
    heldout = world.stream(sizes["heldout"], np.random.default_rng(seed + 3))
    Xb, yb = world.xy(base)
    Xc, yc = world.xy(calibration)
    Xp, yp = world.xy([c for c, _ in pool])
    Xh, yh = world.xy([c for c, _ in heldout])
    sub = np.array([s for _, s in heldout])

    def fit(labelled: list[int]):
        X = np.vstack([Xb, Xp[labelled]]) if labelled else Xb
        y = np.concatenate([yb, yp[labelled]]) if labelled else yb
        return make_estimator(algorithm, seed).fit(X, y)

    def measure(model, labels: int) -> tuple:
        top1, top3 = _accuracy(model, Xh, yh)
        sub1, _ = _accuracy(model, Xh[sub], yh[sub])
        return (labels, top1, top3, sub1)

    start = fit([])
    curves = {}
    for strategy in STRATEGIES:
        model, labelled = start, []
        waiting = list(range(len(pool)))
        order_rng = np.random.default_rng(seed + 4)
        curve = [measure(model, 0)]
        while len(labelled) < sizes["budget"]:
            scores = {}
            if strategy == "learning value":
                index = {str(c): i for i, c in enumerate(model.classes_)}
                p_cal = model.predict_proba(Xc)
                p_true = np.array(
                    [p_cal[r, index[str(t)]] if str(t) in index else 0.0 for r, t in enumerate(yc)]
                )
                threshold = lac_threshold(p_true, COVERAGE)
                values = _scores(world, model, threshold, Xp[waiting], [pool[i][0] for i in waiting])
                scores = dict(zip(waiting, values, strict=True))
            chosen = pick(strategy, waiting, scores, order_rng, sizes["batch"])
            labelled += chosen
            taken = set(chosen)
            waiting = [i for i in waiting if i not in taken]
            model = fit(labelled)
            curve.append(measure(model, len(labelled)))
        curves[strategy] = curve
        progress(f"seed {seed}: {strategy} done (top-1 {curve[0][1]:.3f} -> {curve[-1][1]:.3f})")
    return curves


def summarise(per_seed: list[dict]) -> dict:
    """{strategy: [(labels, (top1 mean, band), (top3 mean, band), (subgroup top1 mean, band))]}."""
    out = {}
    for strategy in STRATEGIES:
        rows = []
        for step in range(len(per_seed[0][strategy])):
            points = [curves[strategy][step] for curves in per_seed]
            rows.append((points[0][0], *(mean_band([p[k] for p in points]) for k in (1, 2, 3))))
        out[strategy] = rows
    return out


def verdict(summary: dict) -> dict:
    """Labels the learning-value order needs to reach oldest-first's accuracy at the full budget."""
    oldest = summary["oldest first"]
    budget = oldest[-1][0]
    result = {"budget": budget}
    for name, k in (("top1", 1), ("top3", 2)):
        target = oldest[-1][k][0]
        needed = labels_to_reach([(row[0], row[k][0]) for row in summary["learning value"]], target)
        result[name] = {
            "target": target,
            "labels": needed,
            "share": None if needed is None else needed / budget,
        }
    return result


def _pct(mean_and_band) -> str:
    mean, band = mean_and_band
    return f"{100 * mean:.1f} ± {100 * band:.1f}"


def markdown(summary: dict, result: dict, meta: dict) -> str:
    lines = [
        "# Active learning on the clinician queue (SYNTHETIC data)",
        "",
        f"`{meta['command']}` — {meta['seeds']} seeds, {meta['algorithm']}, pool {meta['pool']} checks, "
        f"held-out {meta['heldout']} checks of the same shifted stream (half from an older subgroup with "
        f"another condition mix), labels in batches of {meta['batch']}; {meta['seconds']:.0f} s, "
        f"load average {meta['load']}. Mean accuracy (%) ± 95% t-interval over seeds. "
        "All patients are synthetic: this shows the ordering adapts faster to a known, assumed shift, "
        "not how it would do on real patients.",
        "",
        "| labels | top-1 learning value | top-1 oldest first | top-1 random "
        "| top-3 learning value | top-3 oldest first | top-3 random | subgroup top-1 learning value "
        "| subgroup top-1 oldest first |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for step in range(len(summary["oldest first"])):
        lv, old, rnd = (summary[s][step] for s in STRATEGIES)
        lines.append(
            f"| {lv[0]} | {_pct(lv[1])} | {_pct(old[1])} | {_pct(rnd[1])} | {_pct(lv[2])} | {_pct(old[2])} "
            f"| {_pct(rnd[2])} | {_pct(lv[3])} | {_pct(old[3])} |"
        )
    lines.append("")
    for name in ("top1", "top3"):
        r = result[name]
        reached = (
            f"reached with {r['labels']} labels ({100 * r['share']:.0f}% of {result['budget']})"
            if r["labels"] is not None
            else f"not reached within {result['budget']} labels"
        )
        met = r["labels"] is not None and r["share"] <= TARGET_SHARE
        lines.append(
            f"- {name.replace('top', 'top-')}: oldest first's accuracy at {result['budget']} labels "
            f"({100 * r['target']:.1f}%) is {reached} by the learning-value order: target "
            f"(≤ {100 * TARGET_SHARE:.0f}% of the labels) {'met' if met else 'NOT met'}."
        )
    return "\n".join(lines) + "\n"


def plot(summary: dict, path: Path, meta: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, k, title in ((axes[0], 1, "top-1"), (axes[1], 2, "top-3")):
        for strategy in STRATEGIES:
            rows = summary[strategy]
            x = [r[0] for r in rows]
            mean = np.array([r[k][0] for r in rows]) * 100
            band = np.array([r[k][1] for r in rows]) * 100
            ax.plot(x, mean, marker="o", label=strategy)
            ax.fill_between(x, mean - band, mean + band, alpha=0.2)
        ax.set_xlabel("clinician labels")
        ax.set_ylabel(f"{title} accuracy on held-out shifted checks (%)")
        ax.set_title(f"{title} ({meta['seeds']} seeds, 95% bands)")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle("Active learning on the review queue — SYNTHETIC data", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--algorithm", default="naive_bayes")
    parser.add_argument("--no-write", action="store_true", help="print only; do not write the results files")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    sizes = QUICK if args.quick else FULL
    tmp = Path(tempfile.mkdtemp(prefix="medportal-al-"))
    started = time.perf_counter()
    try:
        _setup_django(tmp)
        world = _World()
        progress = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
        per_seed = [run_seed(world, 11 + seed, sizes, args.algorithm, progress) for seed in range(args.seeds)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    summary = summarise(per_seed)
    result = verdict(summary)
    from benchmarks._common import load_average

    flags = [f for f, on in (("--quick", args.quick),) if on]
    if args.seeds != 5:
        flags.append(f"--seeds {args.seeds}")
    if args.algorithm != "naive_bayes":
        flags.append(f"--algorithm {args.algorithm}")
    flags = " ".join(flags)
    meta = {
        "command": f".venv/bin/python benchmarks/active_learning.py {flags}".strip(),
        "seeds": args.seeds,
        "algorithm": args.algorithm,
        "seconds": time.perf_counter() - started,
        "load": load_average(),
        **{k: sizes[k] for k in ("pool", "heldout", "batch")},
    }
    text = markdown(summary, result, meta)
    print(text)
    if not args.no_write:
        RESULTS_MD.parent.mkdir(parents=True, exist_ok=True)
        RESULTS_MD.write_text(text)
        plot(summary, RESULTS_PNG, meta)
        print(f"wrote {RESULTS_MD.relative_to(ROOT)} and {RESULTS_PNG.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
