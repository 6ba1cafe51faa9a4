"""An immutable, array-shaped snapshot of the knowledge base for fast inference.

Built from plain rows by ``snapshot_from_data``; ``diagnosis.selectors.current_snapshot`` reads
the tables and rebuilds it only when the knowledge-base version changes, so admin edits take
effect on the next check without a restart.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from . import alarm_text
from .alarm_text import AlarmTextModel
from .complaints import ComplaintCatalogue
from .context import is_real_word
from .profile_words import recheck_profile_lexicon, shipped_profile_lexicon
from .questions import likelihood_matrix
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
    # The safety net under the rules (alarm_text.py); None = the rules alone.
    alarm_text: AlarmTextModel | None = None

    @property
    def disease_slugs(self) -> tuple[str, ...]:
        return self._disease_slugs

    # Derived once per snapshot (it is immutable) rather than on every check.
    @functools.cached_property
    def _disease_slugs(self) -> tuple[str, ...]:
        return tuple(d.slug for d in self.diseases)

    @functools.cached_property
    def symptom_columns(self) -> dict[str, int]:
        """Symptom slug -> its column in `symptoms` and `frequency`."""
        return {s: i for i, s in enumerate(self.symptoms)}

    @functools.cached_property
    def disease_rows(self) -> dict[str, int]:
        """Disease slug -> its row in `diseases` and `frequency`."""
        return {slug: i for i, slug in enumerate(self.disease_slugs)}

    @functools.cached_property
    def disease_names(self) -> dict[str, str]:
        return {d.slug: d.name for d in self.diseases}

    @functools.cached_property
    def likelihood(self) -> np.ndarray:
        """`questions.likelihood_matrix(frequency)`, read-only so no caller can change it for the next."""
        matrix = likelihood_matrix(self.frequency)
        matrix.setflags(write=False)
        return matrix

    def disease(self, slug: str) -> DiseaseSpec:
        return self.diseases[self.disease_slugs.index(slug)]


def snapshot_from_data(
    *,
    version: int,
    symptoms: list[tuple[str, str, str]],
    synonyms: dict[str, str],
    diseases: tuple[DiseaseSpec, ...],
    links,
    rules: tuple[RuleSpec, ...],
    disease_names: list[tuple[str, str, list[str]]],
    complaints: list[dict],
    concepts: dict[str, list[str]],
) -> KnowledgeSnapshot:
    """Turn the knowledge base, as plain rows, into arrays and frozen specs: ``symptoms`` are
    (slug, name, question) in column order, ``synonyms`` phrase -> symptom slug, ``links``
    (disease slug, symptom slug, frequency), ``disease_names`` (name, slug, aliases) in the order
    a later alias wins, ``complaints`` in the fixture files' shape. Reading the tables is
    ``diagnosis.selectors.knowledge_snapshot``'s job, so this runs without a database."""
    recheck_profile_lexicon()  # a new knowledge-base version: vocabulary.yaml may have changed too
    slugs = tuple(s for s, _, _ in symptoms)
    names = {s: n for s, n, _ in symptoms}
    phrases = {n: s for s, n in names.items()}
    phrases.update({s.replace("_", " "): s for s in slugs})
    phrases.update(synonyms)
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
        disease_aliases=_disease_aliases(disease_names),
        complaints=ComplaintCatalogue.from_dicts(complaints, concepts, skip_invalid=True),
        alarm_text=alarm_text.shipped(),
    )


def _frequency_matrix(diseases, symptom_slugs, links) -> np.ndarray:
    """Diseases x symptoms, from (disease slug, symptom slug, frequency) links; 0 where not linked."""
    d_index = {d.slug: i for i, d in enumerate(diseases)}
    s_index = {s: i for i, s in enumerate(symptom_slugs)}
    frequency = np.zeros((len(diseases), len(symptom_slugs)), dtype=np.float64)
    for d_slug, s_slug, f in links:
        frequency[d_index[d_slug], s_index[s_slug]] = f
    return frequency


def _disease_aliases(disease_names) -> dict[str, str]:
    """Normalised name, slug and each alias of every disease -> its slug (a later alias wins)."""
    aliases: dict[str, str] = {}
    for name, slug, more in disease_names:
        for alias in [name, slug, slug.replace("_", " ")] + list(more or []):
            aliases[normalise(alias)] = slug
    return aliases


def warm_reading() -> None:
    """Load what reading a check's words would otherwise load on a process's first check:
    wordfreq's English word list (typo correction) and the pregnancy and breastfeeding lexicon
    (vocabulary.yaml). gunicorn calls this in the master before forking, so a new or recycled
    worker does not spend several hundred CPU ms of its first request on it."""
    is_real_word("headache")
    shipped_profile_lexicon()
