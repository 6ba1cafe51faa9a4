"""Held-out evaluation of the medicine ranker on consented ratings (NDCG@5): two candidate
methods against two baselines.

A *list* is what one user rated for one condition: the medicines they rated (several ratings of
one medicine averaged), in knowledge-base order, as the safety filter showed them. A fifth of the
lists (at least two medicines each) are held out whole, so no rating of a held-out list trains the
model. Two candidates are trained on the rest and order each held-out list:

- the hybrid MF model (``hybrid.HybridMF``), and
- the stratified mean (``StratifiedMean``): each medicine's mean training rating for the condition
  among users of the same age band and sex, shrunk towards its per-condition mean;

the one with the higher mean NDCG@5 is the method that is registered (a tie goes to the stratified
mean: simpler, and explainable to a patient). On a synthetic population whose users have a taste the
features do not express, the stratified mean beat the hybrid model (benchmarks/recommendations.py),
so the hybrid model serves only where it measurably wins. Both are compared with

- knowledge-base order (what serves without a ranker), and
- the per-condition mean: each medicine's mean training rating for that condition (medicines
  never rated for it get the overall mean), ties in knowledge-base order.

NDCG@5 uses the list's own ratings as graded relevance (gain 2^r - 1), as benchmarks/recommendations.py
does. The chosen method wins against a baseline when its mean NDCG@5 is higher *and* a one-sided sign test
on the lists where the two differ says it is not chance (p < ``SIGNIFICANCE``), so a ranker fitted
to noise is refused at most about one time in twenty.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.stats import binomtest

from .hybrid import HybridMF, RatingRow, item_features, user_features
from .models import ConditionMedicine, Medicine

TOP_K = 5
HELDOUT_SHARE = 0.2
# Fewer held-out lists than this: no evaluation (the gate then refuses: nothing shows a win).
MIN_HELDOUT_LISTS = 10
SIGNIFICANCE = 0.05
KB_ORDER = "knowledge-base order"
CONDITION_MEAN = "per-condition mean"
HYBRID_MF = "hybrid MF"
STRATIFIED_MEAN = "stratified mean"
METHODS = (HYBRID_MF, STRATIFIED_MEAN)
# How many ratings' worth of pull a cell's mean gets towards the per-condition mean: a cell with 5
# ratings is half its own mean, half the condition's. Fixed in advance, not tuned on held-out lists.
PRIOR_WEIGHT = 5.0


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


@dataclass(frozen=True)
class MedicineRating:
    """One consented medicine rating as plain data. Ratings are stored by feedback, a layer above
    this app: it gathers them (``feedback.selectors.consented_medicine_ratings``, oldest user
    first, each user's ratings oldest first) and hands them down, so training and evaluation here
    never read another app's tables."""

    user_id: int
    disease: str  # condition slug
    medicine: str  # medicine slug
    rating: float
    age_band: str = ""
    sex: str = ""
    profile_conditions: tuple[str, ...] = ()


def rated_lists(ratings: Iterable[MedicineRating]) -> list[RatedList]:
    """Consented medicine ratings grouped into one list per (user, condition), in the order given
    (oldest user first).

    The list key is a hash, so nothing here names a user."""
    meds = {m.slug: (m.drug_class.slug, m.rx) for m in Medicine.objects.select_related("drug_class")}
    ranks = {
        (d, m): r
        for d, m, r in ConditionMedicine.objects.values_list("disease__slug", "medicine__slug", "rank")
    }
    groups: dict[tuple, dict] = defaultdict(lambda: {"ratings": defaultdict(list), "user": None})
    for r in ratings:
        if r.medicine not in meds:
            continue
        group = groups[(r.user_id, r.disease)]
        group["ratings"][r.medicine].append(float(r.rating))
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


def band_and_sex(user_feats: tuple[str, ...]) -> tuple[str, str]:
    """The age band and sex in ``hybrid.user_features`` ("unknown" when not given)."""
    found = dict(f.split(":", 1) for f in user_feats if f.startswith(("age:", "sex:")))
    return found.get("age", "unknown"), found.get("sex", "unknown")


class StratifiedMean:
    """Mean rating of each (age band, sex, condition, medicine) cell shrunk to the per-condition mean:

        score = (sum of the cell's ratings + PRIOR_WEIGHT * condition mean) / (cell count + PRIOR_WEIGHT)

    where the condition mean is the medicine's mean rating for the condition (the overall mean when
    nobody rated it there). Why: a group's taste shows once the group has rated enough, and a thin
    group falls back on everybody's, with no model to fit or explain."""

    kind = "stratified_mean"

    def __init__(self, prior_weight: float = PRIOR_WEIGHT):
        self.prior_weight = prior_weight

    def fit(self, rows) -> StratifiedMean:
        """``rows``: (age band, sex, condition, medicine, rating) tuples."""
        cells: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        conds: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        total = []
        for band, sex, disease, medicine, rating in rows:
            for table, key in (
                (cells, f"{band}|{sex}|{disease}|{medicine}"),
                (conds, f"{disease}|{medicine}"),
            ):
                table[key][0] += rating
                table[key][1] += 1
            total.append(rating)
        self.overall_ = float(np.mean(total)) if total else 3.0
        self.cells_ = {k: (float(v[0]), float(v[1])) for k, v in cells.items()}
        self.conditions_ = {k: (float(v[0]), float(v[1])) for k, v in conds.items()}
        return self

    def fit_lists(self, lists: list[RatedList]) -> StratifiedMean:
        rows = []
        for x in lists:
            band, sex = band_and_sex(x.user_features)
            rows += [(band, sex, x.disease, m, r) for m, r in zip(x.medicines, x.ratings, strict=True)]
        return self.fit(rows)

    def condition_means(self, *, disease: str, medicines: list[str]) -> np.ndarray:
        """The per-condition mean baseline: each medicine's mean rating for the condition."""
        out = []
        for m in medicines:
            c_sum, c_n = self.conditions_.get(f"{disease}|{m}", (0.0, 0.0))
            out.append(c_sum / c_n if c_n else self.overall_)
        return np.array(out)

    def scores(self, *, age_band: str, sex: str, disease: str, medicines: list[str]) -> np.ndarray:
        priors = self.condition_means(disease=disease, medicines=medicines)
        out = []
        for m, prior in zip(medicines, priors, strict=True):
            s, n = self.cells_.get(f"{age_band or 'unknown'}|{sex or 'unknown'}|{disease}|{m}", (0.0, 0.0))
            out.append((s + self.prior_weight * prior) / (n + self.prior_weight) if n else prior)
        return np.array(out)

    def score_list(self, x: RatedList) -> np.ndarray:
        band, sex = band_and_sex(x.user_features)
        return self.scores(age_band=band, sex=sex, disease=x.disease, medicines=x.medicines)

    def to_payload(self) -> dict:
        return {
            "kind": self.kind,
            "prior_weight": float(self.prior_weight),
            "overall": self.overall_,
            "cell_keys": list(self.cells_),
            "cell_sums_counts": np.array(list(self.cells_.values()), dtype=np.float64).reshape(-1, 2),
            "condition_keys": list(self.conditions_),
            "condition_sums_counts": np.array(list(self.conditions_.values()), dtype=np.float64).reshape(
                -1, 2
            ),
        }

    @classmethod
    def from_payload(cls, payload: dict) -> StratifiedMean:
        model = cls(prior_weight=float(payload["prior_weight"]))
        model.overall_ = float(payload["overall"])
        model.cells_ = {
            k: (float(s), float(n))
            for k, (s, n) in zip(payload["cell_keys"], payload["cell_sums_counts"], strict=True)
        }
        model.conditions_ = {
            k: (float(s), float(n))
            for k, (s, n) in zip(payload["condition_keys"], payload["condition_sums_counts"], strict=True)
        }
        return model


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


def _sign_test_p(a: np.ndarray, b: np.ndarray) -> float:
    """One-sided sign test that ``a`` beats ``b`` on the lists where they differ."""
    wins, losses = int((a > b + 1e-12).sum()), int((a < b - 1e-12).sum())
    return float(binomtest(wins, wins + losses, 0.5, alternative="greater").pvalue) if wins + losses else 1.0


def evaluate(
    model: HybridMF, train: list[RatedList], heldout: list[RatedList], *, method: str | None = None
) -> dict:
    """``metrics["heldout"]`` for the registry. Both candidates (the hybrid ``model`` and the
    stratified mean fitted on ``train``) order the held-out lists; ``method`` is the higher-scoring
    one (a tie goes to the stratified mean) unless the caller names one. ``ranker`` is its mean
    NDCG@5, ``baselines`` those of knowledge-base order and the per-condition mean with its sign
    test against each (``p_values``), ``rivals`` the other candidate's score, which it must not be
    below: the ranker gate reads all of them."""
    lists = [x for x in heldout if len(x.items) >= 2]
    if len(lists) < MIN_HELDOUT_LISTS:
        return {
            "metric": f"ndcg@{TOP_K}",
            "lists": len(lists),
            "method": method,
            "ranker": None,
            "baselines": {},
        }
    stratified = StratifiedMean().fit_lists(train)
    per_list = {HYBRID_MF: [], STRATIFIED_MEAN: [], KB_ORDER: [], CONDITION_MEAN: []}
    for x in lists:
        per_list[HYBRID_MF].append(ndcg_at_k(_ordered(x.ratings, model.predict(x.user_features, x.items))))
        per_list[STRATIFIED_MEAN].append(ndcg_at_k(_ordered(x.ratings, stratified.score_list(x))))
        per_list[KB_ORDER].append(ndcg_at_k(x.ratings))
        means = stratified.condition_means(disease=x.disease, medicines=x.medicines)
        per_list[CONDITION_MEAN].append(ndcg_at_k(_ordered(x.ratings, means)))
    arrays = {name: np.array(v) for name, v in per_list.items()}
    means_by = {name: round(float(v.mean()), 4) for name, v in arrays.items()}
    if method is None:
        method = HYBRID_MF if means_by[HYBRID_MF] > means_by[STRATIFIED_MEAN] else STRATIFIED_MEAN
    rival = STRATIFIED_MEAN if method == HYBRID_MF else HYBRID_MF
    return {
        "metric": f"ndcg@{TOP_K}",
        "lists": len(lists),
        "method": method,
        "ranker": means_by[method],
        "baselines": {name: means_by[name] for name in (KB_ORDER, CONDITION_MEAN)},
        "p_values": {
            name: round(_sign_test_p(arrays[method], arrays[name]), 4) for name in (KB_ORDER, CONDITION_MEAN)
        },
        "rivals": {rival: means_by[rival]},
        "rival_p_value": round(_sign_test_p(arrays[method], arrays[rival]), 4),
        "significance": SIGNIFICANCE,
    }
