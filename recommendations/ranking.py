"""Ordering the medicines the safety filter allows: the promoted ranker (the hybrid MF model or the
stratified mean, whichever won its held-out evaluation), else KB order.

The ranker never adds or removes an item; it only reorders what it is given.
"""

from __future__ import annotations

import logging
import threading

from .hybrid import HybridMF, RatingRow, item_features, user_features
from .ranker_eval import StratifiedMean

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
        from accounts.models import age_band_for

        from .safety import current_vocabulary, resolve_profile

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
        from accounts.models import age_band_for

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


def rating_rows() -> list[RatingRow]:
    from feedback.models import ItemRating

    from .models import Medicine

    meds = {m.slug: (m.drug_class.slug, m.rx) for m in Medicine.objects.select_related("drug_class")}
    rows = []
    # Ratings carry profile facts (age band, sex, long-term conditions): like confirmed outcomes,
    # they train a model only for people who allowed it, and stop the moment they withdraw.
    consented = ItemRating.objects.filter(item_type="medicine", user__health_profile__training_consent=True)
    for r in consented.select_related("disease").iterator():
        if r.item_key not in meds:
            continue
        cls, rx = meds[r.item_key]
        rows.append(
            RatingRow(
                user_features(age_band=r.age_band, sex=r.sex, conditions=r.profile_conditions),
                item_features(medicine=r.item_key, drug_class=cls, rx=rx, disease=r.disease.slug),
                float(r.rating),
            )
        )
    return rows


_lock = threading.Lock()
_cache: dict = {}


def current_ranker():
    """The champion ranker, loaded once per process and version. Every call asks the registry for
    the champion's id and checksum (one indexed query of two columns), so a ranker promoted on any
    host is used here on the next request; its artefact comes through this host's cache."""
    from diagnosis.engine.artefacts import ArtefactError
    from diagnosis.engine.predictor import load_payload
    from mlops.models import ModelVersion

    champions = ModelVersion.objects.filter(name=RANKER_NAME, alias=ModelVersion.Alias.CHAMPION)
    key = champions.values_list("id", "checksum").first()
    if key is None:
        return KnowledgeBaseOrder()
    with _lock:
        # Keyed by id and checksum: a version id can come back with another artefact behind it
        # (a test database rolled back), and the method (hybrid MF, stratified mean) may differ.
        if key not in _cache:
            mv = champions.filter(pk=key[0]).first()
            if mv is None:  # demoted in between: the next request sees the new champion
                return KnowledgeBaseOrder()
            try:
                payload = load_payload(mv)
                _cache.clear()
                _cache[key] = ranker_from_payload(payload, mv.label, mv.pk)
            except (ArtefactError, KeyError, ValueError) as exc:
                logger.error("ranker %s not loaded (%s): using knowledge-base order", mv.label, exc)
                return KnowledgeBaseOrder()
        return _cache[key]
