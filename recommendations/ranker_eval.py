"""Held-out evaluation of the medicine ranker on consented ratings (NDCG@5), against two baselines.

A *list* is what one user rated for one condition: the medicines they rated (several ratings of
one medicine averaged), in knowledge-base order, as the safety filter showed them. A fifth of the
lists (at least two medicines each) are held out whole, so no rating of a held-out list trains the
model; the ranker trained on the rest orders each held-out list and so do

- knowledge-base order (what serves without a ranker), and
- the per-condition mean: each medicine's mean training rating for that condition (medicines
  never rated for it get the overall mean), ties in knowledge-base order.

NDCG@5 uses the list's own ratings as graded relevance (gain 2^r - 1), as benchmarks/recommendations.py
does. The ranker wins against a baseline when its mean NDCG@5 is higher *and* a one-sided sign test
on the lists where the two differ says it is not chance (p < ``SIGNIFICANCE``), so a ranker fitted
to noise is refused at most about one time in twenty.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .hybrid import HybridMF, RatingRow, item_features, user_features

TOP_K = 5
HELDOUT_SHARE = 0.2
# Fewer held-out lists than this: no evaluation (the gate then refuses: nothing shows a win).
MIN_HELDOUT_LISTS = 10
SIGNIFICANCE = 0.05
KB_ORDER = "knowledge-base order"
CONDITION_MEAN = "per-condition mean"


@dataclass
class RatedList:
    key: str
    disease: str
    user_features: tuple[str, ...]
    items: list[tuple[str, ...]]  # item features, in knowledge-base order
    medicines: list[str]
    ratings: list[float]  # the list's own mean rating of each item
    n_ratings: int = 0

    def rows(self) -> list[RatingRow]:
        return [RatingRow(self.user_features, i, r) for i, r in zip(self.items, self.ratings, strict=True)]


def rated_lists() -> list[RatedList]:
    """Consented medicine ratings grouped into one list per (user, condition), oldest user first.

    The list key is a hash, so nothing here names a user."""
    from feedback.models import ItemRating

    from .models import ConditionMedicine, Medicine

    meds = {m.slug: (m.drug_class.slug, m.rx) for m in Medicine.objects.select_related("drug_class")}
    ranks = {
        (d, m): r
        for d, m, r in ConditionMedicine.objects.values_list("disease__slug", "medicine__slug", "rank")
    }
    groups: dict[tuple, dict] = defaultdict(lambda: {"ratings": defaultdict(list), "user": None})
    consented = ItemRating.objects.filter(item_type="medicine", user__health_profile__training_consent=True)
    for r in consented.select_related("disease").order_by("user_id", "created_at", "id").iterator():
        if r.item_key not in meds:
            continue
        group = groups[(r.user_id, r.disease.slug)]
        group["ratings"][r.item_key].append(float(r.rating))
        # The newest rating's profile facts describe the user for this list.
        group["user"] = user_features(age_band=r.age_band, sex=r.sex, conditions=r.profile_conditions)
    lists = []
    for (user_id, disease), group in groups.items():
        order = sorted(group["ratings"], key=lambda m: (ranks.get((disease, m), 10_000), m))
        lists.append(
            RatedList(
                key=hashlib.sha256(f"{user_id}:{disease}".encode()).hexdigest()[:16],
                disease=disease,
                user_features=group["user"],
                items=[
                    item_features(medicine=m, drug_class=meds[m][0], rx=meds[m][1], disease=disease)
                    for m in order
                ],
                medicines=order,
                ratings=[float(np.mean(group["ratings"][m])) for m in order],
                n_ratings=sum(len(v) for v in group["ratings"].values()),
            )
        )
    return lists


def split_lists(lists: list[RatedList], seed: int = 0) -> tuple[list[RatedList], list[RatedList]]:
    """(training lists, held-out lists): a seeded fifth of the lists with two or more medicines."""
    rankable = sorted((x for x in lists if len(x.items) >= 2), key=lambda x: x.key)
    rng = np.random.default_rng(seed)
    n_out = int(round(HELDOUT_SHARE * len(rankable)))
    out_keys = (
        {rankable[i].key for i in rng.choice(len(rankable), size=n_out, replace=False)} if n_out else set()
    )
    return [x for x in lists if x.key not in out_keys], [x for x in lists if x.key in out_keys]


def ndcg_at_k(ordered_ratings, k: int = TOP_K) -> float:
    """NDCG@k of ratings in the order shown, gain 2^rating - 1, discount log2(position + 1)."""

    def dcg(rs):
        return sum((2.0**r - 1) / np.log2(i + 2) for i, r in enumerate(rs[:k]))

    ideal = dcg(sorted(ordered_ratings, reverse=True))
    return float(dcg(list(ordered_ratings)) / ideal) if ideal > 0 else 0.0


def _ordered(ratings: list[float], scores) -> list[float]:
    """The ratings in order of descending score (rounded like HybridRanker.order), ties in KB order."""
    ranked = sorted(range(len(ratings)), key=lambda j: (-round(float(scores[j]), 3), j))
    return [ratings[j] for j in ranked]


def evaluate(model: HybridMF, train: list[RatedList], heldout: list[RatedList]) -> dict:
    """``metrics["heldout"]`` for the registry: mean NDCG@5 of the ranker and of each baseline on
    the held-out lists, and the sign test's p-value of the ranker against each baseline."""
    from scipy.stats import binomtest

    lists = [x for x in heldout if len(x.items) >= 2]
    if len(lists) < MIN_HELDOUT_LISTS:
        return {"metric": f"ndcg@{TOP_K}", "lists": len(lists), "ranker": None, "baselines": {}}
    sums: dict[tuple[str, str], list[float]] = defaultdict(list)
    all_ratings = []
    for x in train:
        for m, r in zip(x.medicines, x.ratings, strict=True):
            sums[(x.disease, m)].append(r)
            all_ratings.append(r)
    overall = float(np.mean(all_ratings)) if all_ratings else 3.0
    per_list = {"ranker": [], KB_ORDER: [], CONDITION_MEAN: []}
    for x in lists:
        per_list["ranker"].append(ndcg_at_k(_ordered(x.ratings, model.predict(x.user_features, x.items))))
        per_list[KB_ORDER].append(ndcg_at_k(x.ratings))
        means = [
            float(np.mean(sums[(x.disease, m)])) if sums.get((x.disease, m)) else overall for m in x.medicines
        ]
        per_list[CONDITION_MEAN].append(ndcg_at_k(_ordered(x.ratings, means)))
    ranker = np.array(per_list["ranker"])
    p_values = {}
    for name in (KB_ORDER, CONDITION_MEAN):
        other = np.array(per_list[name])
        wins, losses = int((ranker > other + 1e-12).sum()), int((ranker < other - 1e-12).sum())
        p_values[name] = (
            float(binomtest(wins, wins + losses, 0.5, alternative="greater").pvalue) if wins + losses else 1.0
        )
    return {
        "metric": f"ndcg@{TOP_K}",
        "lists": len(lists),
        "ranker": round(float(ranker.mean()), 4),
        "baselines": {name: round(float(np.mean(per_list[name])), 4) for name in (KB_ORDER, CONDITION_MEAN)},
        "p_values": {name: round(p, 4) for name, p in p_values.items()},
        "significance": SIGNIFICANCE,
    }
