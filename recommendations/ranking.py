"""Ordering the medicines the safety filter allows: the promoted ranker (the hybrid MF model or the
stratified mean, whichever won its held-out evaluation), else KB order.

The ranker never adds or removes an item; it only reorders what it is given.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from accounts.models import age_band_for
from diagnosis.engine.artefacts import ArtefactError

from .hybrid import HybridMF, RatingRow, item_features, user_features
from .models import Medicine
from .ranker_eval import (
    HYBRID_MF,
    METHODS,
    MedicineRating,
    StratifiedMean,
    evaluate,
    rated_lists,
    split_lists,
)
from .ranker_source import ranker_provider
from .safety import current_vocabulary, resolve_profile

logger = logging.getLogger(__name__)

RANKER_NAME = "ranker"
# Below this many medicine ratings the learned order is noise: keep the knowledge-base order.
MIN_RATINGS = 50


class KnowledgeBaseOrder:
    label = "knowledge-base order"
    version_id = None

    def order(self, items, *, profile=None, disease=None, resolved=None):
        return list(items)


class HybridRanker:
    def __init__(self, model: HybridMF, label: str, version_id: int | None):
        self.model, self.label, self.version_id = model, label, version_id

    def order(self, items, *, profile=None, disease=None, resolved=None):
        """`resolved`: the profile already resolved against the safety vocabulary (the caller
        has it from the safety filter), so it is not resolved a second time."""
        if not items:
            return []
        if resolved is None and profile is not None:
            resolved = resolve_profile(current_vocabulary(), profile)
        conditions = sorted(resolved.conditions) if resolved is not None else []
        ufeats = user_features(
            age_band=age_band_for(getattr(profile, "age", None)),
            sex=getattr(profile, "sex", ""),
            conditions=conditions,
        )
        ifeats = [
            item_features(medicine=i.slug, drug_class=i.drug_class, rx=i.rx, disease=disease.slug)
            for i in items
        ]
        scores = self.model.predict(ufeats, ifeats)
        # Highest predicted rating first; the knowledge-base order breaks ties.
        ranked = sorted(range(len(items)), key=lambda j: (-round(float(scores[j]), 3), j))
        return [items[j] for j in ranked]


class StratifiedRanker:
    """Orders by the stratified mean (``ranker_eval.StratifiedMean``) of the patient's age band and
    sex for the condition: what people like them rated these medicines."""

    def __init__(self, model: StratifiedMean, label: str, version_id: int | None):
        self.model, self.label, self.version_id = model, label, version_id

    def order(self, items, *, profile=None, disease=None, resolved=None):
        if not items:
            return []
        scores = self.model.scores(
            age_band=age_band_for(getattr(profile, "age", None)),
            sex=getattr(profile, "sex", ""),
            disease=disease.slug,
            medicines=[i.slug for i in items],
        )
        # Highest score first; the knowledge-base order breaks ties (as HybridRanker does).
        ranked = sorted(range(len(items)), key=lambda j: (-round(float(scores[j]), 3), j))
        return [items[j] for j in ranked]


def ranker_from_payload(payload: dict, label: str, version_id: int | None):
    """The serving ranker for a registered artefact: its ``kind`` says which method won."""
    if payload.get("kind") == StratifiedMean.kind:
        return StratifiedRanker(StratifiedMean.from_payload(payload), label, version_id)
    return HybridRanker(HybridMF.from_payload(payload), label, version_id)


def rating_rows(ratings: Iterable[MedicineRating]) -> list[RatingRow]:
    """Training rows of the hybrid model from consented ratings (gathered by the layer that stores
    them, ``feedback.selectors.consented_medicine_ratings``); ratings of unknown medicines are
    skipped."""
    meds = {m.slug: (m.drug_class.slug, m.rx) for m in Medicine.objects.select_related("drug_class")}
    rows = []
    for r in ratings:
        if r.medicine not in meds:
            continue
        cls, rx = meds[r.medicine]
        rows.append(
            RatingRow(
                user_features(age_band=r.age_band, sex=r.sex, conditions=r.profile_conditions),
                item_features(medicine=r.medicine, drug_class=cls, rx=rx, disease=r.disease),
                float(r.rating),
            )
        )
    return rows


@dataclass
class RankerFit:
    """A trained ranker ready to be registered: what won, its artefact and what the registry records."""

    method: str
    payload: dict
    algorithm: str
    params: dict
    metrics: dict
    data_fingerprint: str
    data_sources: dict
    n_ratings: int


def _ratings_fingerprint(rows) -> str:
    """A hash of the training ratings: two versions trained on the same ratings share it."""
    return hashlib.sha256(
        repr(sorted((r.user_features, r.item_features, r.rating) for r in rows)).encode()
    ).hexdigest()


def _ranker_artefact(chosen: str, hybrid, train) -> tuple[dict, str, dict]:
    """The payload, algorithm name and parameters of the method that won: the fitted hybrid
    model, or the stratified mean fitted on the same training lists."""
    if chosen == HYBRID_MF:
        return hybrid.to_payload(), "hybrid_mf", {"k": hybrid.k, "reg": hybrid.reg}
    stratified = StratifiedMean().fit_lists(train)
    return stratified.to_payload(), "stratified_mean", {"prior_weight": stratified.prior_weight}


def ranker_fit(
    ratings: Iterable[MedicineRating], *, min_ratings: int | None = None, method: str | None = None
) -> RankerFit | None:
    """Train both ranking methods (the hybrid MF model and the stratified mean) on consented
    medicine ratings and measure them on held-out rating lists against knowledge-base order, the
    per-condition mean and each other (``ranker_eval``); the winner (or ``method``, when named) is
    returned for registration. Both are trained because on data where users' taste is mostly their
    own the simpler stratified mean beats the hybrid model. None when there are too few ratings.

    Pure training on plain data: the registry that stores, gates and serves the result is mlops
    (``mlops.services.ranker_train``), a layer above this app. The returned artefact is the one
    trained without the held-out lists: the one that was measured."""
    if method is not None and method not in METHODS:
        raise ValueError(f"unknown ranking method {method!r}; one of {', '.join(METHODS)}")
    lists = rated_lists(ratings)
    n_ratings = sum(x.n_ratings for x in lists)
    if n_ratings < (MIN_RATINGS if min_ratings is None else min_ratings):
        return None
    train, heldout = split_lists(lists)
    rows = [row for x in train for row in x.rows()]
    started = time.perf_counter()
    hybrid = HybridMF().fit(rows)
    seconds = time.perf_counter() - started
    heldout_metrics = evaluate(hybrid, train, heldout, method=method)
    # With too few lists to hold out there is no winner; the gate refuses whichever is registered.
    chosen = heldout_metrics["method"] or HYBRID_MF
    payload, algorithm, params = _ranker_artefact(chosen, hybrid, train)
    return RankerFit(
        method=chosen,
        payload=payload,
        algorithm=algorithm,
        params=params,
        # Training figures of the registered model only (the stratified mean is a table of means).
        metrics={"train_rmse": hybrid.train_rmse_, "train_seconds": seconds, "heldout": heldout_metrics}
        if chosen == HYBRID_MF
        else {"heldout": heldout_metrics},
        data_fingerprint=_ratings_fingerprint(rows),
        data_sources={
            "medicine_ratings": n_ratings,
            "rated_lists": len(lists),
            "heldout_lists": len(heldout),
        },
        n_ratings=n_ratings,
    )


_lock = threading.Lock()
_cache: dict = {}


def current_ranker():
    """The champion ranker, loaded once per process and version. Every call asks the registered
    provider (``ranker_source``; mlops's registry) for the champion's key (one indexed query), so a
    ranker promoted on any host is used here on the next request; its artefact comes through this
    host's cache. No provider or no champion: knowledge-base order."""
    provider = ranker_provider()
    key = provider.champion_key() if provider is not None else None
    if key is None:
        return KnowledgeBaseOrder()
    with _lock:
        # Keyed by the provider's key (the version's id and checksum: a version id can come back
        # with another artefact behind it, a test database rolled back), and the method (hybrid
        # MF, stratified mean) may differ.
        if key not in _cache:
            champion = provider.champion(key)
            if champion is None:  # demoted in between: the next request sees the new champion
                return KnowledgeBaseOrder()
            try:
                payload = champion.load_payload()
                _cache.clear()
                _cache[key] = ranker_from_payload(payload, champion.label, champion.version_id)
            except (ArtefactError, KeyError, ValueError) as exc:
                logger.error("ranker %s not loaded (%s): using knowledge-base order", champion.label, exc)
                return KnowledgeBaseOrder()
        return _cache[key]
