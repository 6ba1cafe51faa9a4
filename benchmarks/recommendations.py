"""Benchmark of the medicine ranker on a SYNTHETIC patient population (NDCG@5).

    cd /work/main && .venv/bin/python benchmarks/recommendations.py [--quick] [--output PATH]

Reads the knowledge base only (a guard rejects any write statement). Simulated patients rate the
medicines the safety filter shows them for 1-3 conditions; their "true" taste follows the made-up
preference function below. Three orderings of held-out lists are scored against those ratings:

  (a) knowledge-base order (ConditionMedicine.rank),
  (b) popularity (mean training rating per medicine, ties by knowledge-base order),
  (c) the hybrid ranker: HybridMF trained on the training ratings, ordering through the production
      code path (recommendations.ranking.HybridRanker.order -> predict(user_features, item_features)).

Two held-out cases, over a 5-fold split of users (each user is a cold-start user in one fold):
cold-start users (1/5 of users, none of their ratings in training: the ranker knows only their
age band, sex and conditions) and known users (whole (user, condition) lists holding ~20% of the
other users' ratings, each user keeping at least one list in training). Per fold one model is
trained per HybridMF setting and serves both cases. Seeds are fixed, so a run is reproducible.
A quick run writes no results file unless --output is given (so it cannot overwrite the full
run's results/recommendations.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._common import read_only_database  # noqa: E402
from recommendations.ranker_eval import ndcg_at_k  # noqa: E402  (the metric the ranker gate uses)

RESULTS_PATH = ROOT / "benchmarks" / "results" / "recommendations.md"

# ======================================================================================
# SIMULATED PREFERENCE FUNCTION.
# AN ASSUMPTION MADE UP FOR BENCHMARKING THE RANKER, NOT MEDICAL FACT OR ADVICE.
#
#   latent(user, medicine, condition) =
#         quality[medicine]                       per-medicine global quality ~ N(0, QUALITY_SD)
#       - KB_RANK_SLOPE * kb_rank                 first-line (low-rank) choices liked a bit more
#       + OLDER_TOPICAL      if age 65+ and the medicine is a topical/local form
#       + OLDER_SEDATING     if age 65+ and its class is a sedating antihistamine
#       + MINOR_OTC          if age < 18 and it is over the counter
#       + MINOR_RX           if age < 18 and it is prescription only
#       + YOUNG_WOMEN_CLASS  if female, 18-39, and its class is FAVOURED_CLASS
#       + CONDITION_RELATED  for each listed profile condition "related" to its drug class, where
#                            related = the class has a medicine the knowledge base contraindicates
#                            for that condition (the contraindicated medicine itself is withheld by
#                            the safety filter; its class-mates are shown but liked less)
#   rating = clip(round(BASE + latent + user_bias + noise), 1, 5)
#       user_bias ~ N(0, USER_BIAS_SD) per user (how generously they rate; no effect on order)
#       noise     ~ N(0, NOISE_SD) per rating (idiosyncratic; no model can predict it)
# The simulated rating is both the training signal and the graded relevance (gain 2^r - 1).
# ======================================================================================
AGE_BANDS = ("0-11", "12-17", "18-39", "40-64", "65+")
AGE_BAND_WEIGHTS = (0.12, 0.10, 0.30, 0.30, 0.18)
AGE_RANGES = {"0-11": (2, 11), "12-17": (12, 17), "18-39": (18, 39), "40-64": (40, 64), "65+": (65, 90)}
TOPICAL_SUFFIXES = (
    "_cream",
    "_gel",
    "_ointment",
    "_lotion",
    "_nasal_spray",
    "_eye_drops",
    "_inhaler",
    "_rectal",
)
TOPICAL_SLUGS = frozenset({"adapalene", "azelaic_acid", "benzoyl_peroxide", "calcipotriol", "coal_tar"})
NOT_TOPICAL = frozenset({"glucose_gel"})  # swallowed sugar, not a local treatment
SEDATING_CLASSES = frozenset({"sedating_antihistamine"})
FAVOURED_CLASS = "nsaid"

QUALITY_SD = 0.5
KB_RANK_SLOPE = 0.15
OLDER_TOPICAL = 0.9
OLDER_SEDATING = -1.5
MINOR_OTC = 0.6
MINOR_RX = -0.6
YOUNG_WOMEN_CLASS = 1.0
CONDITION_RELATED = -1.0
BASE = 3.5
USER_BIAS_SD = 0.3
NOISE_SD = 0.4


def is_topical(slug: str) -> bool:
    """Creams, gels, ointments, lotions, nasal sprays, eye drops, inhalers, rectal forms (by slug)."""
    return (slug.endswith(TOPICAL_SUFFIXES) or slug in TOPICAL_SLUGS) and slug not in NOT_TOPICAL


def preference(user: SimUser, med: SimMedicine, kb_rank: int, quality: float, related: dict) -> float:
    """Noise-free latent preference of `user` for `med` shown at position `kb_rank` of a condition."""
    score = quality - KB_RANK_SLOPE * kb_rank
    if user.age_band == "65+":
        score += OLDER_TOPICAL * med.topical + OLDER_SEDATING * (med.drug_class in SEDATING_CLASSES)
    if user.age < 18:
        score += MINOR_RX if med.rx else MINOR_OTC
    if user.sex == "f" and user.age_band == "18-39" and med.drug_class == FAVOURED_CLASS:
        score += YOUNG_WOMEN_CLASS
    for cond in user.conditions:
        if med.drug_class in related.get(cond, ()):
            score += CONDITION_RELATED
    return score


# ======================================================================================
# Population and benchmark settings.
# ======================================================================================
SEED = 20240611
N_USERS = {"quick": 600, "full": 3000}
N_PROFILE_CONDITIONS_P = (0.45, 0.35, 0.20)  # P(0, 1, 2 listed long-term conditions)
# Common long-term conditions are listed more often; every other ProfileCondition has weight 1.
PROFILE_CONDITION_WEIGHTS = {
    "hypertension": 4,
    "asthma": 3,
    "diabetes": 3,
    "depression": 2,
    "kidney_disease": 2,
    "heart_disease": 2,
    "peptic_ulcer": 2,
}
N_RATED_CONDITIONS_P = (0.5, 0.35, 0.15)  # P(rated medicines of 1, 2, 3 conditions)
N_FOLDS = 5  # cold-start users: 1/N_FOLDS of users per fold; every user is held out once
WARM_FRACTION = 0.2
MIN_LIST = 3
# The production defaults (recommendations.services.ranker_train uses HybridMF()).
HYBRID_PARAMS = {"k": 8, "iterations": 300, "learning_rate": 0.05, "reg": 0.01, "seed": 0}


@dataclass(frozen=True)
class SimMedicine:
    slug: str
    name: str
    drug_class: str
    rx: bool
    topical: bool


@dataclass(frozen=True)
class SimUser:
    key: str
    age: int
    age_band: str
    sex: str
    conditions: tuple[str, ...]


@dataclass(frozen=True)
class Rating:
    user: int
    disease: str
    medicine: str
    kb_rank: int
    rating: int
    latent: float  # noise-free preference, for the reference upper bound only


@dataclass
class _Item:
    """What HybridRanker.order reads from a shown medicine (same fields as services.MedicineItem)."""

    slug: str
    name: str
    rx: bool
    drug_class: str


# ======================================================================================
# Knowledge base (read only).
# ======================================================================================
def load_knowledge_base() -> dict:
    from diagnosis.models import Disease
    from recommendations.models import ConditionMedicine, Medicine, ProfileCondition
    from recommendations.safety import build_vocabulary

    medicines = {
        m.slug: SimMedicine(m.slug, m.name, m.drug_class.slug, m.rx, is_topical(m.slug))
        for m in Medicine.objects.select_related("drug_class")
    }
    lists: dict[str, list[str]] = defaultdict(list)
    for disease_slug, med_slug in ConditionMedicine.objects.order_by(
        "disease__slug", "rank", "id"
    ).values_list("disease__slug", "medicine__slug"):
        lists[disease_slug].append(med_slug)
    lists = {d: meds for d, meds in sorted(lists.items()) if len(meds) >= MIN_LIST}
    related: dict[str, set[str]] = defaultdict(set)
    for med in Medicine.objects.select_related("drug_class").prefetch_related("contraindicated_conditions"):
        for cond in med.contraindicated_conditions.all():
            related[cond.slug].add(med.drug_class.slug)
    return {
        "medicines": medicines,
        "lists": lists,
        "diseases": {d.slug: d for d in Disease.objects.filter(slug__in=list(lists))},
        "profile_conditions": sorted(ProfileCondition.objects.values_list("slug", flat=True)),
        "related": {c: frozenset(v) for c, v in related.items()},
        "vocab": build_vocabulary(),
    }


# ======================================================================================
# Simulation.
# ======================================================================================
def simulate(kb: dict, n_users: int) -> tuple[list[SimUser], list[Rating]]:
    from recommendations.safety import Profile, resolve_profile, withhold_reason

    meds, lists, vocab, related = kb["medicines"], kb["lists"], kb["vocab"], kb["related"]
    # Medicine quality from its own stream, so quick and full runs share the same "world".
    q_rng = np.random.default_rng([SEED, 1])
    quality = {slug: float(q_rng.normal(0, QUALITY_SD)) for slug in sorted(meds)}
    rng = np.random.default_rng([SEED, 2])
    pcs = kb["profile_conditions"]
    pc_w = np.array([PROFILE_CONDITION_WEIGHTS.get(c, 1) for c in pcs], dtype=float)
    pc_w /= pc_w.sum()
    diseases = list(lists)
    users, ratings = [], []
    for u in range(n_users):
        band = AGE_BANDS[rng.choice(len(AGE_BANDS), p=AGE_BAND_WEIGHTS)]
        lo, hi = AGE_RANGES[band]
        n_pc = int(rng.choice(3, p=N_PROFILE_CONDITIONS_P))
        conds = tuple(sorted(rng.choice(pcs, size=n_pc, replace=False, p=pc_w))) if n_pc else ()
        user = SimUser(
            f"sim{u}", int(rng.integers(lo, hi + 1)), band, "f" if rng.random() < 0.5 else "m", conds
        )
        users.append(user)
        resolved = resolve_profile(vocab, Profile(age=user.age, sex=user.sex, conditions=list(conds)))
        bias = rng.normal(0, USER_BIAS_SD)
        n_d = 1 + int(rng.choice(3, p=N_RATED_CONDITIONS_P))
        for d in rng.choice(diseases, size=n_d, replace=False):
            # What the safety filter shows this patient, in knowledge-base order.
            shown = [
                (rank, slug)
                for rank, slug in enumerate(lists[d])
                if slug in vocab.medicines and withhold_reason(vocab, vocab.medicines[slug], resolved) is None
            ]
            if not shown:
                continue
            n_rated = int(rng.integers(min(2, len(shown)), len(shown) + 1))
            picked = sorted(rng.choice(len(shown), size=n_rated, replace=False))
            for j in picked:
                rank, slug = shown[j]
                latent = preference(user, meds[slug], rank, quality[slug], related)
                r = int(np.clip(np.rint(BASE + latent + bias + rng.normal(0, NOISE_SD)), 1, 5))
                ratings.append(Rating(u, str(d), slug, rank, r, latent))
    return users, ratings


def split(users: list[SimUser], ratings: list[Rating], fold: int = 0):
    """Fold `fold` of N_FOLDS -> (train ratings, cold-start lists, known-user lists).

    The users are cut into N_FOLDS equal parts (the same cut for every fold); fold f holds out part
    f as cold-start users. A list is the [Rating] of one (user, condition).
    """
    order = np.random.default_rng([SEED, 3]).permutation(len(users))
    cold_users = set(np.array_split(order, N_FOLDS)[fold].tolist())
    rng = np.random.default_rng([SEED, 3, fold])
    by_list: dict[tuple[int, str], list[Rating]] = defaultdict(list)
    for r in ratings:
        by_list[(r.user, r.disease)].append(r)
    cold = [v for (u, _), v in by_list.items() if u in cold_users]
    known_keys = [k for k in by_list if k[0] not in cold_users]
    known_total = sum(len(by_list[k]) for k in known_keys)
    lists_left = defaultdict(int)
    for u, _ in known_keys:
        lists_left[u] += 1
    held, held_n = set(), 0
    for idx in rng.permutation(len(known_keys)):
        if held_n >= WARM_FRACTION * known_total:
            break
        key = known_keys[idx]
        if lists_left[key[0]] > 1:  # the user stays "known": another of their lists is in training
            held.add(key)
            lists_left[key[0]] -= 1
            held_n += len(by_list[key])
    train = [r for k in known_keys if k not in held for r in by_list[k]]
    warm = [by_list[k] for k in known_keys if k in held]
    return train, cold, warm


# ======================================================================================
# Orderings (scored with recommendations.ranker_eval.ndcg_at_k, the ranker gate's metric).
# ======================================================================================
def score_lists(lists, users, kb, rankers: dict, popularity: dict, global_mean: float, rng) -> dict:
    """NDCG@5 of every method on every list with >= MIN_LIST rated medicines: {method: [score, ...]}."""
    from recommendations.safety import Profile

    meds = kb["medicines"]
    scores = defaultdict(list)
    for lst in lists:
        if len(lst) < MIN_LIST:
            continue
        lst = sorted(lst, key=lambda r: r.kb_rank)  # (a) knowledge-base order
        true = {r.medicine: r.rating for r in lst}
        user = users[lst[0].user]
        scores["kb"].append(ndcg_at_k([r.rating for r in lst]))
        pop = sorted(range(len(lst)), key=lambda j: (-popularity.get(lst[j].medicine, global_mean), j))
        scores["popularity"].append(ndcg_at_k([lst[j].rating for j in pop]))
        # (c) through the production path; it sees only age band, sex and conditions of the user.
        items = [
            _Item(r.medicine, meds[r.medicine].name, meds[r.medicine].rx, meds[r.medicine].drug_class)
            for r in lst
        ]
        profile = Profile(age=user.age, sex=user.sex, conditions=list(user.conditions))
        disease = kb["diseases"][lst[0].disease]
        for key, ranker in rankers.items():
            scores[key].append(
                ndcg_at_k([true[i.slug] for i in ranker.order(items, profile=profile, disease=disease)])
            )
        scores["random"].append(ndcg_at_k([lst[j].rating for j in rng.permutation(len(lst))]))
        oracle = sorted(range(len(lst)), key=lambda j: (-lst[j].latent, j))
        scores["oracle"].append(ndcg_at_k([lst[j].rating for j in oracle]))
    return scores


# ======================================================================================
# Entry points.
# ======================================================================================
# (key, label, HybridMF constructor overrides); the first is "the hybrid ranker" the test checks.
HYBRID_CONFIGS = [
    ("hybrid", "(c) HybridMF, production defaults", {}),
    ("hybrid_reg0001", "(c) HybridMF, reg=0.001", {"reg": 0.001}),
]
BASELINES = [("kb", "(a) knowledge-base order"), ("popularity", "(b) popularity (mean training rating)")]
REFERENCES = [
    ("random", "reference: random order"),
    ("oracle", "reference: noise-free true preference (ceiling)"),
]


def _params(overrides: dict) -> dict:
    return {**HYBRID_PARAMS, **overrides}


def _table(result: dict) -> str:
    m = result["methods"]
    lines = [
        f"## Medicine ranker benchmark — SYNTHETIC population ({result['mode']} run)",
        "",
        "SYNTHETIC DATA: simulated patients whose preferences follow an assumed function",
        "(top of benchmarks/recommendations.py), not real ratings and not medical fact.",
        "",
        "| method | NDCG@5 cold-start users | NDCG@5 known users | number of lists (cold / known) |",
        "|---|---|---|---|",
    ]
    for row in m.values():
        lines.append(
            f"| {row['label']} | {row['cold']:.4f} | {row['known']:.4f} | {row['cold_lists']} / {row['known_lists']} |"
        )
    lines += [
        "",
        f"- {result['n_users']} simulated users, {result['n_ratings']} ratings; {N_FOLDS}-fold split by user: "
        f"each fold holds out 1/{N_FOLDS} of users as cold-start users and ~{WARM_FRACTION:.0%} of the other "
        f"users' ratings as whole (user, condition) lists; mean {result['train_ratings_per_fold']:.0f} "
        "training ratings per fold",
    ]
    for key, _, _ in HYBRID_CONFIGS:
        p, d = result["hybrid"][key]["params"], result["hybrid"][key]
        lines.append(
            f"- {key}: HybridMF(k={p['k']}, iterations={p['iterations']}, learning_rate={p['learning_rate']}, "
            f"reg={p['reg']}, seed={p['seed']}): train time {d['train_seconds_per_fold']:.2f} s per fold, "
            f"train RMSE {d['train_rmse']:.3f}; NDCG@5 minus best baseline: "
            f"cold {d['margin_cold']:+.4f} ± {d['se_cold']:.4f}, known {d['margin_known']:+.4f} ± {d['se_known']:.4f} (± 1 SE, paired)"
        )
    lines.append(
        f"- lists scored: (user, condition) pairs with >= {MIN_LIST} rated medicines, in every fold; "
        f"gain 2^rating - 1; seed {SEED}; total time {result['total_seconds']:.1f} s"
    )
    return "\n".join(lines) + "\n"


def _margin(scores: dict, key: str) -> tuple[float, float]:
    """Mean and standard error of (method - best baseline by mean) over the same lists."""
    best = max((b for b, _ in BASELINES), key=lambda b: np.mean(scores[b]))
    diff = np.asarray(scores[key]) - np.asarray(scores[best])
    return float(diff.mean()), float(diff.std(ddof=1) / np.sqrt(len(diff)))


def run(quick: bool, out=sys.stdout) -> dict:
    """Simulate, train, evaluate; print the table to `out` and return the numbers."""

    from recommendations.hybrid import HybridMF, RatingRow, item_features, user_features
    from recommendations.ranking import HybridRanker

    started = time.perf_counter()
    with read_only_database():
        kb = load_knowledge_base()
        meds = kb["medicines"]
        users, ratings = simulate(kb, N_USERS["quick" if quick else "full"])
        scores = {"cold": defaultdict(list), "known": defaultdict(list)}
        fits = {key: {"seconds": [], "rmse": []} for key, _, _ in HYBRID_CONFIGS}
        n_train = []
        for fold in range(N_FOLDS):
            train, cold, known = split(users, ratings, fold)
            n_train.append(len(train))
            rows = []
            for r in train:
                u, med = users[r.user], meds[r.medicine]
                rows.append(
                    RatingRow(
                        user_features(age_band=u.age_band, sex=u.sex, conditions=u.conditions),
                        item_features(
                            medicine=r.medicine, drug_class=med.drug_class, rx=med.rx, disease=r.disease
                        ),
                        float(r.rating),
                    )
                )
            rankers = {}
            for key, label, overrides in HYBRID_CONFIGS:
                t0 = time.perf_counter()
                model = HybridMF(**_params(overrides)).fit(rows)
                fits[key]["seconds"].append(time.perf_counter() - t0)
                fits[key]["rmse"].append(model.train_rmse_)
                rankers[key] = HybridRanker(model, label, None)
            sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
            for r in train:
                sums[r.medicine][0] += r.rating
                sums[r.medicine][1] += 1
            popularity = {med: total / count for med, (total, count) in sums.items()}
            global_mean = float(np.mean([r.rating for r in train]))
            rng = np.random.default_rng([SEED, 4, fold])
            for case, lists in (("cold", cold), ("known", known)):
                for key, vals in score_lists(lists, users, kb, rankers, popularity, global_mean, rng).items():
                    scores[case][key] += vals
    labels = dict(BASELINES + [(k, label) for k, label, _ in HYBRID_CONFIGS] + REFERENCES)
    result = {
        "mode": "quick" if quick else "full",
        "synthetic": True,
        "n_users": len(users),
        "n_ratings": len(ratings),
        "train_ratings_per_fold": float(np.mean(n_train)),
        "methods": {
            key: {
                "label": label,
                "cold": float(np.mean(scores["cold"][key])),
                "known": float(np.mean(scores["known"][key])),
                "cold_lists": len(scores["cold"][key]),
                "known_lists": len(scores["known"][key]),
            }
            for key, label in labels.items()
        },
        "hybrid": {},
    }
    for key, _, overrides in HYBRID_CONFIGS:
        (mc, sc), (mk, sk) = _margin(scores["cold"], key), _margin(scores["known"], key)
        result["hybrid"][key] = {
            "params": _params(overrides),
            "train_seconds_per_fold": float(np.mean(fits[key]["seconds"])),
            "train_rmse": float(np.mean(fits[key]["rmse"])),
            "margin_cold": mc,
            "se_cold": sc,
            "margin_known": mk,
            "se_known": sk,
        }
    result["total_seconds"] = time.perf_counter() - started
    result["table"] = _table(result)
    print(result["table"], file=out, end="")
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help=f"{N_USERS['quick']} users instead of {N_USERS['full']}"
    )
    parser.add_argument(
        "--output",
        type=Path,
        help=f"write the table here (default for a full run: {RESULTS_PATH.relative_to(ROOT)}; "
        "a quick run writes no file unless given one)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medportal.settings.dev")
    import django

    django.setup()
    result = run(args.quick)
    output = args.output or (None if args.quick else RESULTS_PATH)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(result["table"])
        print(f"\nwritten to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
