"""An immutable, array-shaped snapshot of the knowledge base for fast inference.

Rebuilt only when the knowledge-base version changes, so admin edits take effect on the
next check without a restart.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from .complaints import ComplaintCatalogue
from .resolver import SymptomIndex, normalise


@dataclass(frozen=True)
class RuleSpec:
    slug: str
    name: str
    level: str
    all_of: frozenset[str]
    any_of: frozenset[str]
    min_age: int | None
    max_age: int | None
    sex: str
    pregnant: bool | None
    instruction: str


@dataclass(frozen=True)
class DiseaseSpec:
    slug: str
    name: str
    icd10: str
    default_triage: str
    age_min: int
    age_max: int
    age_mode: int
    female_share: float
    description: str
    emergency_guidance: str


@dataclass(frozen=True)
class KnowledgeSnapshot:
    version: int
    symptoms: tuple[str, ...]  # column order of feature vectors
    symptom_names: dict[str, str]
    symptom_questions: dict[str, str]
    diseases: tuple[DiseaseSpec, ...]
    frequency: np.ndarray  # diseases x symptoms, 0 where not linked
    rules: tuple[RuleSpec, ...]
    index: SymptomIndex
    disease_aliases: dict[str, str]  # normalised alias or name -> disease slug
    complaints: ComplaintCatalogue = ComplaintCatalogue(())

    @property
    def disease_slugs(self) -> tuple[str, ...]:
        return tuple(d.slug for d in self.diseases)

    def disease(self, slug: str) -> DiseaseSpec:
        return self.diseases[self.disease_slugs.index(slug)]


def build_snapshot() -> KnowledgeSnapshot:
    """Read the knowledge-base tables once; the named steps below turn the rows into arrays and
    frozen specs without touching the database."""
    from diagnosis.models import (
        ComplaintConcept,
        Disease,
        DiseaseSymptom,
        PresentingComplaint,
        RedFlagRule,
        Symptom,
        SymptomSynonym,
    )

    from ..selectors import knowledge_base_version

    version = knowledge_base_version()
    symptoms = list(Symptom.objects.order_by("slug").values_list("slug", "name", "question"))
    slugs = tuple(s for s, _, _ in symptoms)
    names = {s: n for s, n, _ in symptoms}
    diseases = tuple(_disease_spec(d) for d in Disease.objects.order_by("slug"))
    links = DiseaseSymptom.objects.values_list("disease__slug", "symptom__slug", "frequency")
    phrases = {n: s for s, n in names.items()}
    phrases.update({s.replace("_", " "): s for s in slugs})
    phrases.update(dict(SymptomSynonym.objects.values_list("phrase", "symptom__slug")))
    rules = tuple(
        _rule_spec(rule)
        for rule in RedFlagRule.objects.filter(is_active=True).prefetch_related("all_of", "any_of")
    )
    complaints = PresentingComplaint.objects.filter(is_active=True).prefetch_related("discriminators")
    return KnowledgeSnapshot(
        version=version,
        symptoms=slugs,
        symptom_names=names,
        symptom_questions={s: q for s, _, q in symptoms},
        diseases=diseases,
        frequency=_frequency_matrix(diseases, slugs, links),
        rules=rules,
        index=SymptomIndex(
            phrases, names, never_suggest=frozenset(s for rule in rules for s in rule.all_of | rule.any_of)
        ),
        disease_aliases=_disease_aliases(Disease.objects.all()),  # by name: a later alias wins
        complaints=ComplaintCatalogue.from_dicts(
            [_complaint_dict(c) for c in complaints],
            dict(ComplaintConcept.objects.values_list("name", "terms")),
            skip_invalid=True,
        ),
    )


def _disease_spec(d) -> DiseaseSpec:
    return DiseaseSpec(
        slug=d.slug,
        name=d.name,
        icd10=d.icd10,
        default_triage=d.default_triage,
        age_min=d.age_min,
        age_max=d.age_max,
        age_mode=d.age_mode,
        female_share=d.female_share,
        description=d.description,
        emergency_guidance=d.emergency_guidance,
    )


def _frequency_matrix(diseases, symptom_slugs, links) -> np.ndarray:
    """Diseases x symptoms, from (disease slug, symptom slug, frequency) links; 0 where not linked."""
    d_index = {d.slug: i for i, d in enumerate(diseases)}
    s_index = {s: i for i, s in enumerate(symptom_slugs)}
    frequency = np.zeros((len(diseases), len(symptom_slugs)), dtype=np.float64)
    for d_slug, s_slug, f in links:
        frequency[d_index[d_slug], s_index[s_slug]] = f
    return frequency


def _rule_spec(rule) -> RuleSpec:
    return RuleSpec(
        slug=rule.slug,
        name=rule.name,
        level=rule.level,
        all_of=frozenset(s.slug for s in rule.all_of.all()),
        any_of=frozenset(s.slug for s in rule.any_of.all()),
        min_age=rule.min_age,
        max_age=rule.max_age,
        sex=rule.sex,
        pregnant=rule.pregnant,
        instruction=rule.instruction,
    )


def _disease_aliases(diseases) -> dict[str, str]:
    """Normalised name, slug and each alias of every disease -> its slug."""
    aliases: dict[str, str] = {}
    for d in diseases:
        for alias in [d.name, d.slug, d.slug.replace("_", " ")] + list(d.aliases or []):
            aliases[normalise(alias)] = d.slug
    return aliases


def _complaint_dict(complaint) -> dict:
    """A presenting complaint with its active discriminators, in the fixture files' shape."""
    return {
        "slug": complaint.slug,
        "name": complaint.name,
        "body_system": complaint.body_system,
        "level": complaint.level,
        "instruction": complaint.instruction,
        "safety_net": complaint.safety_net,
        "source": complaint.source,
        "terms": complaint.terms,
        "discriminators": [_discriminator_dict(d) for d in complaint.discriminators.all() if d.is_active],
    }


def _discriminator_dict(d) -> dict:
    return {
        "slug": d.slug,
        "name": d.name,
        "level": d.level,
        "instruction": d.instruction,
        "all_of": d.all_of,
        "standalone": d.standalone,
        "sex": d.sex,
        "pregnant": d.pregnant,
        "age_below_months": d.age_below_months,
        "age_from_months": d.age_from_months,
        "min_temperature_c": d.min_temperature_c,
        "min_duration_days": d.min_duration_days,
        "min_tablets": d.min_tablets,
    }


_lock = threading.Lock()
_cached: KnowledgeSnapshot | None = None


def current_snapshot() -> KnowledgeSnapshot:
    """The snapshot for the current knowledge-base version (one cheap query to check)."""
    global _cached
    from ..selectors import knowledge_base_version

    version = knowledge_base_version()
    snapshot = _cached
    if snapshot is not None and snapshot.version == version:
        return snapshot
    with _lock:
        if _cached is None or _cached.version != version:
            _cached = build_snapshot()
        return _cached


def snapshot_for_version(version: int) -> KnowledgeSnapshot:
    """The cached snapshot if it is ``version``, without the version query; else the current one.

    A check's response shows the check just stored, run on the cached snapshot a moment ago:
    its names come from that snapshot without asking the database again."""
    snapshot = _cached
    if snapshot is not None and snapshot.version == version:
        return snapshot
    return current_snapshot()


def warm_reading() -> None:
    """Load what reading a check's words would otherwise load on a process's first check:
    wordfreq's English word list (typo correction) and the pregnancy and breastfeeding lexicon
    (vocabulary.yaml). gunicorn calls this in the master before forking, so a new or recycled
    worker does not spend several hundred CPU ms of its first request on it."""
    from .context import is_real_word
    from .profile_words import shipped_profile_lexicon

    is_real_word("headache")
    shipped_profile_lexicon()


def clear_snapshot() -> None:
    global _cached
    _cached = None
