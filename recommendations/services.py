"""Building personalised, safety-filtered advice for a condition or a finished check."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Pregnancy
from accounts.selectors import health_profile_for_user
from diagnosis.models import Disease, TriageLevel

from .models import DrugClass, Medicine, OtherMedication, ProfileCondition
from .ranking import current_ranker
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
    # About the whole list, e.g. that a check for someone else could not use their allergies.
    notes: list[str] = field(default_factory=list)

    def as_contract(self) -> dict:
        """The `recommend --json` output shape (management/commands/recommend.py); safety evaluation
        reads it, so fields are only ever added."""
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
            "unrecognised_profile": [w for words in self.unrecognised_profile_words.values() for w in words],
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


def _said_yes(value) -> bool | None:
    """A subject's "yes" / "no" / "unsure" ("unsure" counts as yes); None when not given."""
    if value is True or value in ("yes", "unsure"):
        return True
    if value is False or value == "no":
        return False
    return None


def _years(months) -> int | None:
    """Whole years from an age in months (rounded down, so a child is never taken as older)."""
    if months is None or isinstance(months, bool):
        return None
    try:
        months = float(months)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(months) or months < 0:
        return None
    return int(months // 12)


def profile_for_session(*, session, user) -> tuple[Profile, list[str]]:
    """The profile the safety filter applies to a check, and notes for its advice.

    A check about a child or another adult uses what the check says about them (age, sex,
    pregnancy, breastfeeding), never the account holder's allergies, conditions or medicines,
    and says that their own are unknown. A check about the account holder uses their profile,
    with what the check itself says taking precedence over its fields (a pregnancy written in
    the profile's lists still counts: conservative, and the reason quotes it so it can be
    corrected). Sessions from before checks had a subject have none (or an empty one) and
    mean the account holder. A guest's check (``user`` None or anonymous) has no profile: only
    what the check says, as for someone else."""
    subject = getattr(session, "subject", None) or {}
    if not isinstance(subject, dict):
        subject = {}
    sex = subject.get("sex") if subject.get("sex") in ("f", "m") else ""
    pregnant = _said_yes(subject.get("pregnant"))
    breastfeeding = _said_yes(subject.get("breastfeeding"))
    age = _years(subject.get("age_months"))
    who = subject.get("for")
    guest = user is None or not getattr(user, "is_authenticated", False)
    if who in ("child", "other") or guest:
        profile = Profile(age=age, sex=sex, pregnant=bool(pregnant), breastfeeding=bool(breastfeeding))
        if who == "child":
            note = _(
                "We don't know this child's allergies, conditions or medicines: "
                "check with a pharmacist before giving any medicine."
            )
        elif who == "other":
            note = _(
                "We don't know this person's allergies, conditions or medicines: "
                "check with a pharmacist before giving any medicine."
            )
        else:  # a guest's check about themselves: there is no profile to read
            note = _(
                "We don't know your allergies, conditions or medicines: "
                "check with a pharmacist before taking any medicine."
            )
        return profile, [note]
    profile = profile_from_user(user)
    if age is not None:
        profile.age = age
    if sex:
        profile.sex = sex
    if pregnant is not None:
        profile.pregnant = pregnant
    if breastfeeding is not None:
        profile.breastfeeding = breastfeeding
    return profile, []


def recommendations_for_session(*, session, user) -> list[Advice]:
    """Advice for the leading condition, and the runner-up when the two are close, for whoever
    the check is about (see `profile_for_session`)."""
    conditions = session.conditions or []
    if not conditions:
        return []
    chosen = [conditions[0]]
    if len(conditions) > 1 and conditions[1]["probability"] >= RUNNER_UP_RATIO * conditions[0]["probability"]:
        chosen.append(conditions[1])
    profile, notes = profile_for_session(session=session, user=user)
    diseases = {d.slug: d for d in Disease.objects.filter(slug__in=[c["slug"] for c in chosen])}
    ranker = current_ranker()
    vocab = current_vocabulary()
    resolved = resolve_profile(vocab, profile)
    advice = [
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
    for a in advice:
        if not a.emergency:
            a.notes = [*notes, *a.notes]
    return advice


@transaction.atomic
def safety_facts_load(*, vocabulary: dict, medicines: list[dict]) -> None:
    """Store the safety facts of the knowledge-base files that the generic loader does not know:
    each medicine's `breastfeeding` level and the conditions drug classes and other medications
    imply (`implies_conditions`). Idempotent; to be called by the knowledge-base loader after it
    has upserted the medicines and the vocabulary (``recommendations.kb.load``). Only rows that
    change are saved, so the admin history shows real edits only."""
    conditions = {c.slug: c for c in ProfileCondition.objects.all()}
    for model, section in ((DrugClass, "drug_classes"), (OtherMedication, "other_medications")):
        rows = {r.slug: r for r in model.objects.prefetch_related("implies_conditions")}
        for slug, entry in (vocabulary.get(section) or {}).items():
            row = rows.get(slug)
            if row is None:
                continue
            wanted = {c for c in (entry or {}).get("implies_conditions") or [] if c in conditions}
            if wanted != {c.slug for c in row.implies_conditions.all()}:
                row.implies_conditions.set([conditions[c] for c in sorted(wanted)])
    levels = {m["slug"]: m.get("breastfeeding") or Medicine.Breastfeeding.CAUTION for m in medicines}
    for med in Medicine.objects.filter(slug__in=list(levels)):
        if med.breastfeeding != levels[med.slug]:
            med.breastfeeding = levels[med.slug]
            med.full_clean()
            med.save()
