"""The safety filter: hard rules, never learned.

Profile words (allergies, long-term conditions, current medicines) are resolved to medicines,
drug classes and conditions from the knowledge base; every candidate medicine the profile
rules out is withheld with a reason the patient can read. Unknown words are reported back.

Free-text entries that mean pregnancy or breastfeeding set those flags (the one reader of the
knowledge base's words, `diagnosis.engine.profile_words`, which triage uses too), and medicines that imply a condition
(a reliever inhaler means asthma) bring that condition's rules with them.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from diagnosis.engine.profile_words import (
    ProfileLexicon,
    _entry_flags,
    flag_entries,
    shipped_profile_lexicon,
)
from diagnosis.engine.resolver import normalise
from diagnosis.selectors import knowledge_base_version

from .models import DrugClass, Medicine, OtherMedication, ProfileCondition

FUZZY_CUTOFF = 88
# Doses and amounts in a profile entry ("5mg", "500 mg", "2 x 20mg", "0.5ml").
_DOSE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:x\s*\d+(?:[.,]\d+)?\s*)?(?:mg|mcg|ug|µg|g|ml|iu|units?|%|puffs?|tablets?)?\b"
)
# Words never matched on their own: around a name they name nothing ("allergic to", "tablets",
# "mild"), or are too common to mean one thing ("heart", "pressure"). Inside a longer phrase they
# still count ("the pill", "blood thinners", "high blood pressure").
_NEVER_ALONE = {
    "a", "an", "the", "and", "or", "to", "of", "on", "in", "for", "with", "my", "i", "am", "im", "i'm",
    "allergic", "allergy", "allergies", "intolerant", "intolerance", "sensitive", "sensitivity",
    "reaction", "reactions", "taking", "take", "takes", "use", "using", "daily", "day",
    "once", "twice", "morning", "night", "nightly", "weekly", "tablet", "tablets", "pill", "pills",
    "capsule", "capsules", "inhaler", "cream", "mild", "moderate", "severe", "very", "bad", "since",
    "years", "year", "mg", "mcg", "ml", "dose", "doses", "when", "needed", "prn", "every", "per",
    "have", "has", "had", "got", "rash", "hives", "itching", "swelling", "makes", "me", "sick",
    "high", "low", "blood", "heart", "disease", "pressure", "type", "problem", "problems",
}  # fmt: skip
# What people type in a list box that has nothing to list: not a word to report as unrecognised.
_NOTHING_TO_LIST = {
    "none", "nil", "n a", "na", "nothing", "no", "not known", "unknown", "no allergies",
    "no known allergies", "nka", "nkda", "no known drug allergies", "no medication", "no medications",
    "no medicines", "no conditions", "none known",
}  # fmt: skip


@dataclass(frozen=True)
class MedicineSpec:
    slug: str
    name: str
    brand_names: tuple[str, ...]
    rx: bool
    drug_class: str
    drug_class_name: str
    allergy_classes: frozenset[str]
    pregnancy: str
    min_age_years: int
    contraindicated_conditions: frozenset[str]
    interacting_classes: frozenset[str]
    note: str
    breastfeeding: str = "caution"


@dataclass(frozen=True)
class SafetyVocabulary:
    version: int
    medicines: dict[str, MedicineSpec]
    class_names: dict[str, str]
    cross_reactive: dict[str, frozenset[str]]
    condition_names: dict[str, str]
    # normalised phrase -> ("medicine"|"class"|"other", slug, classes)
    drug_terms: dict[str, tuple[str, str, frozenset[str]]]
    condition_terms: dict[str, str]
    # What taking a medicine of a class, or one other medication, says about the person's conditions.
    class_implies: dict[str, frozenset[str]] = field(default_factory=dict)
    other_implies: dict[str, frozenset[str]] = field(default_factory=dict)

    def _lookup(self, table: dict, word: str):
        key = normalise(word)
        if key in table:
            return table[key]
        if key.endswith("s") and key[:-1] in table:
            return table[key[:-1]]
        if len(key) >= 5:
            best = process.extractOne(key, list(table), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if best:
                return table[best[0]]
        return None

    def _lookup_all(self, table: dict, entry: str) -> list:
        """Everything an entry names. People write "warfarin 5mg", "allergic to penicillin",
        "asthma (mild)" or "warfarin and aspirin": when the whole entry is not a known term, its
        words are searched (longest runs first) once doses are set aside, a word in _NEVER_ALONE
        only inside a longer run, so a dose or a few extra words never hide a contraindication."""
        whole = self._lookup(table, entry)
        if whole is not None:
            return [whole]
        words = _DOSE.sub(" ", normalise(entry)).split()
        hits, i = [], 0
        while i < len(words):
            for size in range(min(4, len(words) - i), 0, -1):
                phrase = " ".join(words[i : i + size])
                if size == 1 and (len(phrase) < 3 or phrase in _NEVER_ALONE):
                    continue
                hit = self._lookup(table, phrase)
                if hit is not None:
                    if hit not in hits:
                        hits.append(hit)
                    i += size
                    break
            else:
                i += 1
        return hits

    def drugs(self, entry: str) -> list[tuple[str, str, frozenset[str]]]:
        return self._lookup_all(self.drug_terms, entry)

    def conditions(self, entry: str) -> list[str]:
        return self._lookup_all(self.condition_terms, entry)

    def implied_conditions(self, kind: str, slug: str, classes) -> set[str]:
        """Profile conditions that taking this (a `drugs()` hit) implies."""
        out = set(self.other_implies.get(slug, frozenset())) if kind == "other" else set()
        for cls in classes:
            out |= self.class_implies.get(cls, frozenset())
        return out

    def with_cross_reactive(self, classes) -> set[str]:
        out = set(classes)
        for cls in classes:
            out |= self.cross_reactive.get(cls, frozenset())
        return out


def build_vocabulary() -> SafetyVocabulary:
    classes = list(DrugClass.objects.prefetch_related("cross_reactive", "implies_conditions"))
    other_implies: dict[str, frozenset[str]] = {}
    medicines = {}
    terms: dict[str, tuple[str, str, frozenset[str]]] = {}
    for c in classes:
        for phrase in _phrases(c.slug, c.name, c.synonyms):
            terms.setdefault(phrase, ("class", c.slug, frozenset({c.slug})))
    for om in OtherMedication.objects.prefetch_related("classes", "implies_conditions"):
        for phrase in _phrases(om.slug, om.name, om.synonyms):
            terms[phrase] = ("other", om.slug, frozenset(x.slug for x in om.classes.all()))
        if om.implies_conditions.all():
            other_implies[om.slug] = frozenset(x.slug for x in om.implies_conditions.all())
    qs = Medicine.objects.select_related("drug_class").prefetch_related(
        "allergy_classes", "contraindicated_conditions", "interacting_classes"
    )
    for m in qs:
        medicines[m.slug] = _medicine_spec(m)
        for phrase in _phrases(m.slug, m.name, m.brand_names):
            terms[phrase] = ("medicine", m.slug, frozenset({m.drug_class.slug}))
    conditions = list(ProfileCondition.objects.all())
    return SafetyVocabulary(
        version=knowledge_base_version(),
        medicines=medicines,
        class_names={c.slug: c.name for c in classes},
        cross_reactive={c.slug: frozenset(x.slug for x in c.cross_reactive.all()) for c in classes},
        condition_names={c.slug: c.name for c in conditions},
        drug_terms=terms,
        condition_terms={
            phrase: c.slug for c in conditions for phrase in _phrases(c.slug, c.name, c.synonyms)
        },
        class_implies={
            c.slug: frozenset(x.slug for x in c.implies_conditions.all())
            for c in classes
            if c.implies_conditions.all()
        },
        other_implies=other_implies,
    )


def _phrases(slug: str, name: str, synonyms) -> list[str]:
    """Every normalised way to name a row: its slug (with and without underscores), name, synonyms."""
    return [normalise(phrase) for phrase in [slug, slug.replace("_", " "), name, *synonyms]]


def _medicine_spec(m) -> MedicineSpec:
    return MedicineSpec(
        slug=m.slug,
        name=m.name,
        brand_names=tuple(m.brand_names),
        rx=m.rx,
        drug_class=m.drug_class.slug,
        drug_class_name=m.drug_class.name,
        allergy_classes=frozenset(c.slug for c in m.allergy_classes.all()) | {m.drug_class.slug},
        pregnancy=m.pregnancy,
        breastfeeding=m.breastfeeding,
        min_age_years=m.min_age_years,
        contraindicated_conditions=frozenset(c.slug for c in m.contraindicated_conditions.all()),
        interacting_classes=frozenset(c.slug for c in m.interacting_classes.all()),
        note=m.note,
    )


_lock = threading.Lock()
_cached: SafetyVocabulary | None = None


def current_vocabulary() -> SafetyVocabulary:
    global _cached
    version = knowledge_base_version()
    if _cached is None or _cached.version != version:
        with _lock:
            if _cached is None or _cached.version != version:
                _cached = build_vocabulary()
    return _cached


def _for_lookup(entry: str, allergy_only: dict[str, str] | None = None) -> str:
    """An entry ready for the term lookup: dashes, colons and the like split words ("penicillin—rash"),
    and in the allergies list abbreviations that only mean a medicine there are spelt out ("pen")."""
    text = re.sub("[\u2013\u2014:;!?,]", " ", entry)
    if allergy_only:
        text = " ".join(allergy_only.get(w, w) for w in normalise(text).split())
    return text


def safety_facts_validate(vocabulary: dict, medicines: list[dict]) -> list[str]:
    """Problems with the knowledge-base fields this module adds (breastfeeding, implies_conditions
    and the free-text profile words); human-readable, empty when the files are sound."""
    errors = []
    conditions = set((vocabulary.get("profile_conditions") or {}).keys())
    for section in ("drug_classes", "other_medications"):
        for slug, entry in (vocabulary.get(section) or {}).items():
            for cond in (entry or {}).get("implies_conditions") or []:
                if cond not in conditions:
                    errors.append(f"{section} {slug}: implies unknown profile condition {cond}")
    for m in medicines:
        if m.get("breastfeeding") not in ("ok", "caution", "avoid"):
            errors.append(f"medicine {m.get('slug')}: breastfeeding must be ok, caution or avoid")
    for key in ("pregnancy_words", "breastfeeding_words", "flag_denials", "flag_hedges"):
        value = vocabulary.get(key)
        if (
            not value
            or not isinstance(value, list)
            or not all(isinstance(w, str) and w.strip() for w in value)
        ):
            errors.append(f"{key} must be a non-empty list of words")
    allergy_only = vocabulary.get("allergy_only_words") or {}
    if not isinstance(allergy_only, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in allergy_only.items()
    ):
        errors.append("allergy_only_words must map a word to the word it stands for")
    return errors


# ------------------------------------------------------------------ profiles


@dataclass
class Profile:
    age: int | None = None
    sex: str = ""
    pregnant: bool = False
    allergies: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    medications: list[str] = field(default_factory=list)
    breastfeeding: bool = False


@dataclass
class ResolvedProfile:
    profile: Profile
    allergy_medicines: dict[str, str]  # medicine slug -> the word the patient typed
    allergy_classes: dict[str, str]  # class slug -> word
    conditions: dict[str, str]  # profile condition slug -> word (listed, or implied by a medicine)
    medication_classes: dict[str, str]  # class slug -> word
    unrecognised: dict[str, list[str]]  # field -> words
    pregnant: bool = False  # the profile's flag, or a free-text entry that means it
    breastfeeding: bool = False
    flag_words: dict[str, str] = field(default_factory=dict)  # "pregnancy"/"breastfeeding" -> the entry
    implied_by: dict[str, str] = field(default_factory=dict)  # condition slug -> the medicine word


def resolve_profile(
    vocab: SafetyVocabulary, profile: Profile, lexicon: ProfileLexicon | None = None
) -> ResolvedProfile:
    lexicon = lexicon or shipped_profile_lexicon()
    unrecognised: dict[str, list[str]] = {"allergies": [], "conditions": [], "medications": []}
    allergies, conditions, medications = (
        _listed(profile.allergies),
        _listed(profile.conditions),
        _listed(profile.medications),
    )
    everything = [*allergies, *conditions, *medications]
    pregnancy_word, breastfeeding_word = flag_entries(everything, lexicon)
    # Entries about pregnancy or breastfeeding, said or denied, are understood: never "unrecognised".
    flagging = {w for w in everything if _entry_flags(w, lexicon)[2]}
    allergy_medicines, allergy_classes = _resolve_allergies(vocab, allergies, lexicon, flagging, unrecognised)
    condition_words = _resolve_conditions(vocab, conditions, flagging, unrecognised)
    medication_classes, implied_by = _resolve_medications(
        vocab, medications, flagging, unrecognised, condition_words
    )
    flag_words = {
        k: v for k, v in (("pregnancy", pregnancy_word), ("breastfeeding", breastfeeding_word)) if v
    }
    return ResolvedProfile(
        profile,
        allergy_medicines,
        allergy_classes,
        condition_words,
        medication_classes,
        unrecognised,
        pregnant=bool(profile.pregnant or pregnancy_word),
        breastfeeding=bool(profile.breastfeeding or breastfeeding_word),
        flag_words=flag_words,
        implied_by=implied_by,
    )


def _listed(words) -> list[str]:
    return [w for w in words if normalise(w) not in _NOTHING_TO_LIST]


def _drug_hits(vocab: SafetyVocabulary, word: str, allergy_only=None):
    text = _for_lookup(word, allergy_only)
    hits = vocab.drugs(text)
    if not hits and "-" in text:  # "penicillin-rash": only now, since "co-codamol" needs its hyphen
        hits = vocab.drugs(text.replace("-", " "))
    return hits


def _resolve_allergies(
    vocab, words, lexicon, flagging, unrecognised
) -> tuple[dict[str, str], dict[str, str]]:
    """Medicines and drug classes the person is allergic to, each with the word that said so."""
    allergy_medicines: dict[str, str] = {}
    allergy_classes: dict[str, str] = {}
    for word in words:
        hits = _drug_hits(vocab, word, lexicon.allergy_only)
        if not hits and word not in flagging:
            unrecognised["allergies"].append(word)
        for kind, slug, classes in hits:
            if kind == "medicine":
                allergy_medicines.setdefault(slug, word)
            # An allergy to one medicine is treated as an allergy to its class and cross-reacting classes.
            for cls in vocab.with_cross_reactive(classes):
                allergy_classes.setdefault(cls, word)
    return allergy_medicines, allergy_classes


def _resolve_conditions(vocab, words, flagging, unrecognised) -> dict[str, str]:
    conditions: dict[str, str] = {}
    for word in words:
        slugs = vocab.conditions(_for_lookup(word))
        if not slugs and word not in flagging:
            unrecognised["conditions"].append(word)
        for slug in slugs:
            conditions.setdefault(slug, word)
    return conditions


def _resolve_medications(
    vocab, words, flagging, unrecognised, conditions
) -> tuple[dict[str, str], dict[str, str]]:
    """The drug classes the person takes, and the conditions those medicines imply (added to
    ``conditions`` when not already there, with ``implied_by`` naming the medicine's word)."""
    medication_classes: dict[str, str] = {}
    implied_by: dict[str, str] = {}
    for word in words:
        hits = _drug_hits(vocab, word)
        if not hits and word not in flagging:
            unrecognised["medications"].append(word)
        for kind, slug, classes in hits:
            for cls in classes:
                medication_classes.setdefault(cls, word)
            for cond in sorted(vocab.implied_conditions(kind, slug, classes)):
                if cond not in conditions:
                    conditions[cond] = word
                    implied_by[cond] = word
    return medication_classes, implied_by


def _quoting(rp: ResolvedProfile, flag: str) -> str:
    word = rp.flag_words.get(flag)
    return f' ("{word}" in your profile)' if word else ""


def withhold_reason(vocab: SafetyVocabulary, med: MedicineSpec, rp: ResolvedProfile) -> str | None:
    """Why this medicine must not be offered to this person, or None if nothing rules it out."""
    if med.slug in rp.allergy_medicines:
        return f"you told us you are allergic to {rp.allergy_medicines[med.slug]}"
    for cls in sorted(med.allergy_classes):
        if cls in rp.allergy_classes:
            return (
                f"you told us you are allergic to {rp.allergy_classes[cls]}, and {med.name} belongs to "
                f"or reacts with the same group ({vocab.class_names.get(cls, cls)})"
            )
    if rp.pregnant and med.pregnancy == "avoid":
        return "it is not recommended in pregnancy" + _quoting(rp, "pregnancy")
    if rp.breastfeeding and med.breastfeeding == "avoid":
        return "it is not recommended while breastfeeding" + _quoting(rp, "breastfeeding")
    age = rp.profile.age
    if age is not None and age < med.min_age_years:
        return f"it is not for people under {med.min_age_years}"
    for cond in sorted(med.contraindicated_conditions):
        if cond in rp.conditions:
            name = vocab.condition_names.get(cond, cond).lower()
            if cond in rp.implied_by:
                return (
                    f"it is not suitable for people with {name}, and {rp.implied_by[cond]}, "
                    f"which you take, is usually a treatment for it"
                )
            return f"it is not suitable for people with {name}"
    if med.drug_class in rp.medication_classes:
        return (
            f"you already take {rp.medication_classes[med.drug_class]}, which is the same kind of medicine "
            f"({vocab.class_names.get(med.drug_class, med.drug_class)}): taking both risks a double dose"
        )
    for cls in sorted(med.interacting_classes):
        if cls in rp.medication_classes:
            return f"it can interact seriously with {rp.medication_classes[cls]}, which you take"
    return None


def caution_notes(med: MedicineSpec, rp: ResolvedProfile) -> list[str]:
    """Things to check that do not rule the medicine out."""
    notes = []
    if rp.pregnant and med.pregnancy == "caution":
        notes.append("In pregnancy, only use it if a doctor or pharmacist agrees.")
    if rp.breastfeeding and med.breastfeeding == "caution":
        notes.append("While breastfeeding, only use it if a doctor or pharmacist agrees.")
    if rp.profile.age is None and med.min_age_years > 0:
        notes.append(f"Not for people under {med.min_age_years}.")
    return notes
