"""Benchmark of the medicine ranking methods on a SYNTHETIC patient population (NDCG@5).

    .venv/bin/python benchmarks/recommendations.py [--quick] [--output PATH]

Reads the knowledge base only (a guard rejects any write statement). Simulated patients rate some
of the medicines the safety filter shows them (so never a contraindicated one) for 1-3 conditions.
Their ratings follow the made-up world below, in which every user has a TASTE OF THEIR OWN that no
feature the ranker sees expresses, on top of group effects by age band, sex and condition. Four
methods order the same held-out lists:

  (a) knowledge-base order (ConditionMedicine.rank),
  (b) per-condition mean: each medicine's mean training rating for the condition,
  (c) stratified mean: the mean of its (age band, sex, condition, medicine) cell shrunk to (b)
      (recommendations.ranker_eval.StratifiedMean, what the ranker job can ship),
  (d) the hybrid MF ranker as recommendations.ranking.ranker_fit trains it (HybridMF() on age
      band, sex and listed conditions; no per-user feature), ordering through the production code
      path (recommendations.ranking.HybridRanker.order).

Per seed a new world and population are drawn and split once: cold-start users (a fifth of users,
none of their ratings in training) and known users (whole (user, condition) lists holding ~20% of
the other users' ratings, each user keeping at least one list in training). Means over seeds are
given with their spread; the two best methods are compared list by list (sign test and a bootstrap
95% interval of the mean difference). A sensitivity check repeats every seed in a world without the
group interaction terms (see make_world). A quick run writes no results file unless --output is given.
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

from benchmarks._common import load_average, read_only_database  # noqa: E402
from recommendations.ranker_eval import ndcg_at_k  # noqa: E402  (the metric the ranker gate uses)

RESULTS_PATH = ROOT / "benchmarks" / "results" / "recommendations.md"

# ======================================================================================
# SIMULATED WORLD. AN ASSUMPTION MADE UP FOR BENCHMARKING, NOT MEDICAL FACT OR ADVICE.
#
# Each medicine m has N_ATTRIBUTES hidden attributes h[m] ~ N(0, 1/N_ATTRIBUTES) (think form,
# taste, dosing schedule: nothing the ranker's features name). For user u rating medicine m shown
# at knowledge-base position kb_rank for condition d:
#
#   latent = quality[m] + quality[d, m] - KB_RANK_SLOPE * kb_rank        population level
#          + (G_band[band] + G_sex[sex] + G_cell[band, sex] + G_cond[band, sex, d]) . h[m]
#                                                                        group effects
#          + CONDITION_RELATED per listed long-term condition "related" to m's drug class
#            (the class has a medicine the knowledge base contraindicates for that condition; the
#            contraindicated one itself is withheld by the safety filter, never rated)
#          + taste[u] . h[m]                                             the user's own taste
#   rating = clip(round(BASE + latent + bias[u] + noise), 1, 5)
#
# with quality ~ N(0, QUALITY_SD), quality[d, m] ~ N(0, CONDITION_QUALITY_SD), each G ~ N(0, its
# SD) per attribute, taste[u] ~ N(0, TASTE_SD) per attribute, bias[u] ~ N(0, USER_BIAS_SD) (how
# generously a user rates; no effect on order) and noise ~ N(0, NOISE_SD) per rating. No method
# sees taste[u]: production has no per-user feature, so known users are ranked like new ones.
# ======================================================================================
AGE_BANDS = ("0-11", "12-17", "18-39", "40-64", "65+")
AGE_BAND_WEIGHTS = (0.12, 0.10, 0.30, 0.30, 0.18)
AGE_RANGES = {"0-11": (2, 11), "12-17": (12, 17), "18-39": (18, 39), "40-64": (40, 64), "65+": (65, 90)}
SEXES = ("f", "m")

N_ATTRIBUTES = 4
QUALITY_SD = 0.4
CONDITION_QUALITY_SD = 0.3
KB_RANK_SLOPE = 0.1
G_BAND_SD = 0.4
G_SEX_SD = 0.25
G_CELL_SD = 0.3  # age band x sex interaction: an additive model of band and sex cannot express it
G_COND_SD = 0.3  # age band x sex x condition
CONDITION_RELATED = -0.8
TASTE_SD = 0.7
BASE = 3.4
USER_BIAS_SD = 0.3
NOISE_SD = 0.4

# ======================================================================================
# Population and benchmark settings.
# ======================================================================================
SEEDS = {"quick": (1, 2), "full": (1, 2, 3, 4, 5, 6, 7, 8)}
N_USERS = {"quick": 800, "full": 3000}
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
COLD_FRACTION = 0.2
WARM_FRACTION = 0.2
MIN_LIST = 3  # lists with fewer rated medicines are trained on but not scored
BOOTSTRAP = 2000


@dataclass(frozen=True)
class SimMedicine:
    slug: str
    name: str
    drug_class: str
    rx: bool


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
    latent: float  # noise-free preference, for the ceiling only
    population: float  # latent without the user's own taste, for the "features at best" ceiling


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
        m.slug: SimMedicine(m.slug, m.name, m.drug_class.slug, m.rx)
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
def make_world(kb: dict, seed: int, interactions: bool = True) -> dict:
    """The seed's hidden medicine attributes, qualities and group effects. ``interactions=False``
    (the sensitivity check) drops the band x sex and band x sex x condition terms: group effects
    are then a sum of a band's and a sex's, the shape the hybrid model's features can express."""
    rng = np.random.default_rng([seed, 1])
    meds, diseases = sorted(kb["medicines"]), list(kb["lists"])
    a = N_ATTRIBUTES
    cell_sd, cond_sd = (G_CELL_SD, G_COND_SD) if interactions else (0.0, 0.0)
    return {
        "h": {m: rng.normal(0, 1 / np.sqrt(a), a) for m in meds},
        "quality": {m: float(rng.normal(0, QUALITY_SD)) for m in meds},
        "cond_quality": {(d, m): float(rng.normal(0, CONDITION_QUALITY_SD)) for d in diseases for m in meds},
        "g_band": {b: rng.normal(0, G_BAND_SD, a) for b in AGE_BANDS},
        "g_sex": {s: rng.normal(0, G_SEX_SD, a) for s in SEXES},
        "g_cell": {(b, s): rng.normal(0, cell_sd, a) for b in AGE_BANDS for s in SEXES},
        "g_cond": {(b, s, d): rng.normal(0, cond_sd, a) for b in AGE_BANDS for s in SEXES for d in diseases},
    }


def population_preference(world: dict, kb: dict, user: SimUser, disease: str, slug: str, rank: int) -> float:
    """Noise-free preference of `user` for `slug` at `rank` of `disease`, without their own taste."""
    b, s = user.age_band, user.sex
    group = (
        world["g_band"][b] + world["g_sex"][s] + world["g_cell"][(b, s)] + world["g_cond"][(b, s, disease)]
    )
    score = world["quality"][slug] + world["cond_quality"][(disease, slug)] - KB_RANK_SLOPE * rank
    score += float(group @ world["h"][slug])
    drug_class = kb["medicines"][slug].drug_class
    score += CONDITION_RELATED * sum(drug_class in kb["related"].get(c, ()) for c in user.conditions)
    return score


def simulate(kb: dict, world: dict, n_users: int, seed: int) -> tuple[list[SimUser], list[Rating]]:
    from recommendations.safety import Profile, resolve_profile, withhold_reason

    lists, vocab = kb["lists"], kb["vocab"]
    rng = np.random.default_rng([seed, 2])
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
        user = SimUser(f"sim{u}", int(rng.integers(lo, hi + 1)), band, SEXES[int(rng.random() < 0.5)], conds)
        users.append(user)
        resolved = resolve_profile(vocab, Profile(age=user.age, sex=user.sex, conditions=list(conds)))
        taste = rng.normal(0, TASTE_SD, N_ATTRIBUTES)
        bias = rng.normal(0, USER_BIAS_SD)
        n_d = 1 + int(rng.choice(3, p=N_RATED_CONDITIONS_P))
        for d in rng.choice(diseases, size=n_d, replace=False):
            d = str(d)
            # What the safety filter shows this patient, in knowledge-base order: a withheld
            # (contraindicated) medicine is never shown, so never rated.
            shown = [
                (rank, slug)
                for rank, slug in enumerate(lists[d])
                if slug in vocab.medicines and withhold_reason(vocab, vocab.medicines[slug], resolved) is None
            ]
            if not shown:
                continue
            n_rated = int(rng.integers(min(2, len(shown)), len(shown) + 1))
            for j in sorted(rng.choice(len(shown), size=n_rated, replace=False)):
                rank, slug = shown[j]
                pop = population_preference(world, kb, user, d, slug, rank)
                latent = pop + float(taste @ world["h"][slug])
                r = int(np.clip(np.rint(BASE + latent + bias + rng.normal(0, NOISE_SD)), 1, 5))
                ratings.append(Rating(u, d, slug, rank, r, latent, pop))
    return users, ratings


def split(users: list[SimUser], ratings: list[Rating], seed: int):
    """-> (train ratings, cold-start lists, known-user lists); a list is the [Rating] of one
    (user, condition)."""
    rng = np.random.default_rng([seed, 3])
    cold_users = set(rng.permutation(len(users))[: int(round(COLD_FRACTION * len(users)))].tolist())
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
    return train, cold, [by_list[k] for k in known_keys if k in held]


# ======================================================================================
# Methods (scored with recommendations.ranker_eval.ndcg_at_k, the ranker gate's metric).
# ======================================================================================
METHODS = [
    ("kb", "(a) knowledge-base order"),
    ("condition_mean", "(b) per-condition mean"),
    ("stratified", "(c) stratified mean: (age band, sex, condition, medicine) shrunk to (b)"),
    ("hybrid", "(d) hybrid MF ranker (production training)"),
]
REFERENCES = [
    ("hybrid_reg0001", "reference: hybrid MF with reg=0.001 (production trains reg=0.01)"),
    ("random", "reference: random order"),
    ("population", "reference: true preference without the user's taste (best any feature can do)"),
    ("oracle", "reference: true preference with the user's taste (ceiling)"),
]


def _by_score(lst: list[Rating], scores) -> list[int]:
    """Ratings ordered by descending score (rounded like HybridRanker.order), ties in KB order."""
    ranked = sorted(range(len(lst)), key=lambda j: (-round(float(scores[j]), 3), j))
    return [lst[j].rating for j in ranked]


def score_lists(lists, users, kb, models: dict, rng) -> dict:
    """NDCG@5 of every method on every list with >= MIN_LIST rated medicines: {method: [score, ...]}."""
    from recommendations.safety import Profile

    meds = kb["medicines"]
    scores = defaultdict(list)
    for lst in lists:
        if len(lst) < MIN_LIST:
            continue
        lst = sorted(lst, key=lambda r: r.kb_rank)
        user, disease = users[lst[0].user], lst[0].disease
        names = [r.medicine for r in lst]
        scores["kb"].append(ndcg_at_k([r.rating for r in lst]))
        scores["condition_mean"].append(
            ndcg_at_k(_by_score(lst, models["stratified"].condition_means(disease=disease, medicines=names)))
        )
        stratified = models["stratified"].scores(
            age_band=user.age_band, sex=user.sex, disease=disease, medicines=names
        )
        scores["stratified"].append(ndcg_at_k(_by_score(lst, stratified)))
        # The production path: it sees only the age band, sex and listed conditions.
        items = [_Item(m, meds[m].name, meds[m].rx, meds[m].drug_class) for m in names]
        profile = Profile(age=user.age, sex=user.sex, conditions=list(user.conditions))
        true = {r.medicine: r.rating for r in lst}
        ordered = models["hybrid"].order(items, profile=profile, disease=kb["diseases"][disease])
        scores["hybrid"].append(ndcg_at_k([true[i.slug] for i in ordered]))
        ordered = models["hybrid_reg0001"].order(items, profile=profile, disease=kb["diseases"][disease])
        scores["hybrid_reg0001"].append(ndcg_at_k([true[i.slug] for i in ordered]))
        scores["random"].append(ndcg_at_k([lst[j].rating for j in rng.permutation(len(lst))]))
        scores["population"].append(ndcg_at_k(_by_score(lst, [r.population for r in lst])))
        scores["oracle"].append(ndcg_at_k(_by_score(lst, [r.latent for r in lst])))
    return scores


def fit_models(train: list[Rating], users: list[SimUser], kb: dict) -> dict:
    from recommendations.hybrid import HybridMF, RatingRow, item_features, user_features
    from recommendations.ranker_eval import StratifiedMean
    from recommendations.ranking import HybridRanker

    meds = kb["medicines"]
    rows, strat_rows = [], []
    for r in train:
        u, med = users[r.user], meds[r.medicine]
        rows.append(
            RatingRow(
                user_features(age_band=u.age_band, sex=u.sex, conditions=u.conditions),
                item_features(medicine=r.medicine, drug_class=med.drug_class, rx=med.rx, disease=r.disease),
                float(r.rating),
            )
        )
        strat_rows.append((u.age_band, u.sex, r.disease, r.medicine, float(r.rating)))
    t0 = time.perf_counter()
    hybrid = HybridMF().fit(rows)  # recommendations.ranking.ranker_fit's settings
    seconds = time.perf_counter() - t0
    return {
        "hybrid": HybridRanker(hybrid, "hybrid", None),
        "hybrid_reg0001": HybridRanker(HybridMF(reg=0.001).fit(rows), "hybrid reg=0.001", None),
        "stratified": StratifiedMean().fit(strat_rows),  # also holds (b), its per-condition means
        "hybrid_seconds": seconds,
    }


# ======================================================================================
# Statistics and report.
# ======================================================================================
def compare(a: np.ndarray, b: np.ndarray, seed: int) -> dict:
    """Paired comparison of two methods' per-list NDCG@5: mean difference, bootstrap 95% CI over
    lists, one-sided sign test that a beats b on the lists where they differ."""
    from scipy.stats import binomtest

    diff = a - b
    rng = np.random.default_rng([seed, 5])
    boot = np.array([diff[rng.integers(0, len(diff), len(diff))].mean() for _ in range(BOOTSTRAP)])
    wins, losses = int((diff > 1e-12).sum()), int((diff < -1e-12).sum())
    return {
        "diff": float(diff.mean()),
        "ci": (float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5))),
        "wins": wins,
        "losses": losses,
        "p": float(binomtest(wins, wins + losses, 0.5, alternative="greater").pvalue)
        if wins + losses
        else 1.0,
    }


def _table(result: dict) -> str:
    lines = [
        f"## Medicine ranking benchmark — SYNTHETIC population ({result['mode']} run)",
        "",
        "SYNTHETIC DATA: simulated patients whose ratings follow an assumed world (top of",
        "benchmarks/recommendations.py): per-user taste that no feature expresses, group effects by",
        "age band, sex and condition, rating noise. Not real ratings and not medical fact.",
        "",
        f"NDCG@5 on held-out lists, mean ± standard deviation over {len(result['seeds'])} seeds "
        "(a new world and population per seed):",
        "",
        "| method | cold-start users | known users |",
        "|---|---|---|",
    ]
    for row in result["methods"].values():
        lines.append(
            f"| {row['label']} | {row['cold']:.4f} ± {row['cold_sd']:.4f} | {row['known']:.4f} ± {row['known_sd']:.4f} |"
        )
    lines += ["", "Best against second best, list by list over all seeds:", ""]
    lines += [
        "| users | best | second | difference (95% bootstrap CI) | lists better / worse | sign test p | seeds won |"
    ]
    lines += ["|---|---|---|---|---|---|---|"]
    for case in ("cold", "known"):
        c = result["comparison"][case]
        lines.append(
            f"| {case} | {c['best']} | {c['second']} | {c['diff']:+.4f} ({c['ci'][0]:+.4f} to {c['ci'][1]:+.4f}) "
            f"| {c['wins']} / {c['losses']} | {c['p']:.2g} | {c['seeds_won']} of {len(result['seeds'])} |"
        )
    a = result["additive"]
    lines += [
        "",
        f"**Winner: {result['winner']}**. {result['verdict']}",
        "",
        "Sensitivity check, the same seeds in a world WITHOUT the band x sex and band x sex x condition",
        "terms (group effects a sum of a band's and a sex's, which the hybrid model's features can",
        "express; everything else, the user's own taste included, unchanged):",
        "",
        "| method | cold-start users | known users |",
        "|---|---|---|",
    ]
    for key, _ in METHODS + REFERENCES[:1]:
        row = a["methods"][key]
        lines.append(
            f"| {row['label']} | {row['cold']:.4f} ± {row['cold_sd']:.4f} | {row['known']:.4f} ± {row['known_sd']:.4f} |"
        )
    lines.append("")
    for case in ("cold", "known"):
        c = a["comparison"][case]
        lines.append(
            f"- {case}: {c['best']} ahead of {c['second']} by {c['diff']:+.4f} ({c['ci'][0]:+.4f} to "
            f"{c['ci'][1]:+.4f}), lists {c['wins']} / {c['losses']}, sign test p {c['p']:.2g}, "
            f"{c['seeds_won']} of {len(result['seeds'])} seeds"
        )
    lines += [
        "",
        f"- seeds {', '.join(map(str, result['seeds']))}; {result['n_users']} simulated users and "
        f"{result['n_ratings']:.0f} ratings per seed (mean); {COLD_FRACTION:.0%} of users held out as cold-start "
        f"users, ~{WARM_FRACTION:.0%} of the other users' ratings held out as whole (user, condition) lists; "
        f"lists scored: >= {MIN_LIST} rated medicines ({result['cold_lists']} cold / {result['known_lists']} known "
        "over all seeds); gain 2^rating - 1",
        "- world: "
        f"{N_ATTRIBUTES} hidden attributes; SDs quality {QUALITY_SD}, per condition {CONDITION_QUALITY_SD}, "
        f"group band {G_BAND_SD} / sex {G_SEX_SD} / band x sex {G_CELL_SD} / band x sex x condition {G_COND_SD}, "
        f"user taste {TASTE_SD}, user bias {USER_BIAS_SD}, noise {NOISE_SD}; listed-condition effect "
        f"{CONDITION_RELATED}; knowledge-base rank slope {KB_RANK_SLOPE}",
        f"- (c) prior weight {result['prior_weight']:g} ratings (fixed in advance); (d) HybridMF() defaults "
        f"(k=8, 300 iterations, reg=0.01), {result['hybrid_seconds']:.2f} s to train per seed",
        f"- total time {result['total_seconds']:.1f} s (load average {result['load']})",
    ]
    return "\n".join(lines) + "\n"


def measure(kb: dict, mode: str, interactions: bool = True) -> dict:
    """Every seed of one world: per-method means over seeds (with their SD) and the list-by-list
    comparison of the two best methods."""
    keys = [k for k, _ in METHODS + REFERENCES]
    pooled = {case: defaultdict(list) for case in ("cold", "known")}
    per_seed = {case: {k: [] for k in keys} for case in ("cold", "known")}
    n_ratings, seconds = [], []
    for seed in SEEDS[mode]:
        world = make_world(kb, seed, interactions)
        users, ratings = simulate(kb, world, N_USERS[mode], seed)
        n_ratings.append(len(ratings))
        train, cold, known = split(users, ratings, seed)
        models = fit_models(train, users, kb)
        seconds.append(models["hybrid_seconds"])
        rng = np.random.default_rng([seed, 4])
        for case, lists in (("cold", cold), ("known", known)):
            s = score_lists(lists, users, kb, models, rng)
            for k in keys:
                pooled[case][k] += s[k]
                per_seed[case][k].append(float(np.mean(s[k])))
    labels = dict(METHODS + REFERENCES)
    methods = {
        k: {
            "label": labels[k],
            **{case: float(np.mean(per_seed[case][k])) for case in ("cold", "known")},
            **{f"{case}_sd": float(np.std(per_seed[case][k], ddof=1)) for case in ("cold", "known")},
        }
        for k in keys
    }
    comparison = {}
    for case in ("cold", "known"):
        ranked = sorted((k for k, _ in METHODS), key=lambda k: -methods[k][case])
        best, second = ranked[:2]
        c = compare(np.array(pooled[case][best]), np.array(pooled[case][second]), SEEDS[mode][0])
        c["seeds_won"] = sum(a > b for a, b in zip(per_seed[case][best], per_seed[case][second], strict=True))
        comparison[case] = {
            "best_key": best,
            "second_key": second,
            "best": labels[best],
            "second": labels[second],
            **c,
        }
    return {
        "methods": methods,
        "comparison": comparison,
        "n_ratings": float(np.mean(n_ratings)),
        "cold_lists": len(pooled["cold"]["kb"]),
        "known_lists": len(pooled["known"]["kb"]),
        "hybrid_seconds": float(np.mean(seconds)),
    }


def run(quick: bool, out=sys.stdout) -> dict:
    """Simulate, train, evaluate every seed of the world and of the sensitivity check (no
    interactions); print the tables to `out` and return the numbers."""
    from recommendations.ranker_eval import PRIOR_WEIGHT

    started = time.perf_counter()
    mode = "quick" if quick else "full"
    labels = dict(METHODS + REFERENCES)
    with read_only_database():
        kb = load_knowledge_base()
        main = measure(kb, mode)
        additive = measure(kb, mode, interactions=False)
    methods, comparison = main["methods"], main["comparison"]
    both = {comparison[c]["best_key"] for c in ("cold", "known")}
    winner_key = both.pop() if len(both) == 1 else None
    significant = all(comparison[c]["p"] < 0.05 and comparison[c]["ci"][0] > 0 for c in ("cold", "known"))
    if winner_key is None:
        winner, verdict = "none", "Different methods are best for cold-start and known users."
    else:
        winner = labels[winner_key]
        verdict = "It is best for both cold-start and known users" + (
            ", significantly (sign test p < 0.05 and the interval above 0)."
            if significant
            else ", but not significantly."
        )
    result = {
        "mode": mode,
        "synthetic": True,
        "seeds": list(SEEDS[mode]),
        "n_users": N_USERS[mode],
        "n_ratings": main["n_ratings"],
        "cold_lists": main["cold_lists"],
        "known_lists": main["known_lists"],
        "methods": methods,
        "comparison": comparison,
        "winner_key": winner_key,
        "winner": winner,
        "significant": significant,
        "verdict": verdict,
        "additive": additive,
        "prior_weight": PRIOR_WEIGHT,
        "hybrid_seconds": main["hybrid_seconds"],
        "load": load_average(),
    }
    result["total_seconds"] = time.perf_counter() - started
    result["table"] = _table(result)
    print(result["table"], file=out, end="")
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{len(SEEDS['quick'])} seeds of {N_USERS['quick']} users instead of "
        f"{len(SEEDS['full'])} of {N_USERS['full']}",
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
