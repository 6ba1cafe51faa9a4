"""Building personalised, safety-filtered advice for a condition or a finished check."""

from __future__ import annotations

from dataclasses import dataclass, field

from diagnosis.models import Disease, TriageLevel

from .safety import (
    Profile,
    ResolvedProfile,
    SafetyVocabulary,
    caution_notes,
    current_vocabulary,
    resolve_profile,
    withhold_reason,
)
from .selectors import advice_for_disease

MAX_MEDICINES = 5
# The runner-up's advice is shown too when it is at least this likely relative to the leader.
RUNNER_UP_RATIO = 0.6


@dataclass
class MedicineItem:
    slug: str
    name: str
    rx: bool
    drug_class: str
    reason: str
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return "prescription only — talk to a doctor" if self.rx else "available without prescription"


@dataclass
class Advice:
    condition: str
    condition_slug: str
    emergency: bool
    emergency_guidance: str = ""
    medicines: list[MedicineItem] = field(default_factory=list)
    withheld: list[dict] = field(default_factory=list)
    precautions: list[str] = field(default_factory=list)
    diet: list[str] = field(default_factory=list)
    activity: list[str] = field(default_factory=list)
    unrecognised_profile_words: dict[str, list[str]] = field(default_factory=dict)

    def as_contract(self) -> dict:
        """The `recommend --json` output shape of ../shared/DESIGN.md."""
        return {
            "medicines": [
                {"name": m.name, "rx": m.rx, "drug_class": m.drug_class, "reason": m.reason}
                for m in self.medicines
            ],
            "withheld": self.withheld,
            "precautions": self.precautions,
            "diet": self.diet,
            "activity": self.activity,
            "emergency": self.emergency,
        }


def advice_build(
    *,
    disease: Disease,
    profile: Profile,
    emergency: bool = False,
    ranker=None,
    vocab: SafetyVocabulary | None = None,
    resolved: ResolvedProfile | None = None,
) -> Advice:
    """Advice for one condition. Emergencies get the emergency guidance only: no medicine list,
    and no precautions, diet or activity (long-term advice such as "after a heart attack, attend
    cardiac rehabilitation" only distracts from calling for help).

    `vocab` and `resolved` (the profile resolved against that vocabulary) may be passed in when
    advice for several conditions is built for the same person."""
    emergency = emergency or disease.default_triage == TriageLevel.EMERGENCY
    kb = advice_for_disease(disease)
    advice = Advice(
        condition=disease.name,
        condition_slug=disease.slug,
        emergency=emergency,
        emergency_guidance=disease.emergency_guidance,
        precautions=[] if emergency else kb["precautions"],
        diet=[] if emergency else kb["diet"],
        activity=[] if emergency else kb["activity"],
    )
    if vocab is None:
        vocab = current_vocabulary()
    if resolved is None:
        resolved = resolve_profile(vocab, profile)
    advice.unrecognised_profile_words = {k: v for k, v in resolved.unrecognised.items() if v}
    if emergency:
        return advice
    allowed: list[MedicineItem] = []
    for slug, reason in kb["medicines"]:
        med = vocab.medicines.get(slug)
        if med is None:
            continue
        why_not = withhold_reason(vocab, med, resolved)
        if why_not:
            advice.withheld.append({"name": med.name, "reason": why_not})
            continue
        allowed.append(
            MedicineItem(
                slug=med.slug,
                name=med.name,
                rx=med.rx,
                drug_class=med.drug_class,
                reason=reason,
                notes=caution_notes(med, resolved) + ([med.note] if med.note else []),
            )
        )
    if ranker is not None:
        allowed = ranker.order(allowed, profile=profile, disease=disease, resolved=resolved)
    advice.medicines = allowed[:MAX_MEDICINES]
    return advice


def profile_from_user(user) -> Profile:
    from accounts.models import Pregnancy
    from accounts.selectors import health_profile_for_user

    hp = health_profile_for_user(user=user)
    if hp is None:
        return Profile()
    return Profile(
        age=hp.age(),
        sex=hp.sex,
        pregnant=hp.pregnancy in (Pregnancy.YES, Pregnancy.UNSURE),
        allergies=list(hp.allergies or []),
        conditions=list(hp.conditions or []),
        medications=list(hp.medications or []),
    )


def recommendations_for_session(*, session, user) -> list[Advice]:
    """Advice for the leading condition, and the runner-up when the two are close."""
    conditions = session.conditions or []
    if not conditions:
        return []
    chosen = [conditions[0]]
    if len(conditions) > 1 and conditions[1]["probability"] >= RUNNER_UP_RATIO * conditions[0]["probability"]:
        chosen.append(conditions[1])
    profile = profile_from_user(user)
    diseases = {d.slug: d for d in Disease.objects.filter(slug__in=[c["slug"] for c in chosen])}
    from .ranking import current_ranker

    ranker = current_ranker()
    vocab = current_vocabulary()
    resolved = resolve_profile(vocab, profile)
    return [
        advice_build(
            disease=diseases[c["slug"]],
            profile=profile,
            emergency=session.is_emergency,
            ranker=ranker,
            vocab=vocab,
            resolved=resolved,
        )
        for c in chosen
        if c["slug"] in diseases
    ]


def ranker_train(*, min_ratings: int | None = None, promote: bool = True):
    """Train the hybrid ranker on the medicine ratings of consenting users; None when there are too few."""
    import hashlib
    import time

    from django.conf import settings

    from diagnosis.selectors import knowledge_base_version
    from mlops.services import model_version_promote, model_version_save_and_register

    from .hybrid import HybridMF
    from .ranking import MIN_RATINGS, RANKER_NAME, rating_rows

    rows = rating_rows()
    if len(rows) < (MIN_RATINGS if min_ratings is None else min_ratings):
        return None
    started = time.perf_counter()
    model = HybridMF().fit(rows)
    seconds = time.perf_counter() - started
    fingerprint = hashlib.sha256(
        repr(sorted((r.user_features, r.item_features, r.rating) for r in rows)).encode()
    ).hexdigest()
    mv = model_version_save_and_register(
        payload=model.to_payload(),
        model_dir=settings.MODEL_STORE_DIR,
        name=RANKER_NAME,
        algorithm="hybrid_mf",
        params={"k": model.k, "reg": model.reg},
        data_fingerprint=fingerprint,
        data_sources={"medicine_ratings": len(rows)},
        metrics={"train_rmse": model.train_rmse_, "train_seconds": seconds},
        kb_version=knowledge_base_version(),
    )
    if promote:
        model_version_promote(model_version=mv, reason=f"trained on {len(rows)} ratings")
    return mv
