"""This app's part of the knowledge base (a ``diagnosis.kb_loader.Section``): the drug vocabulary
(drug classes, profile conditions, other medications), the medicines with their safety facts, and
each condition's advice (medicines, precautions, diet, activity).

``diagnosis.kb_loader`` reads the files and runs the sections named in
``settings.KNOWLEDGE_BASE_SECTIONS``; this one runs after diagnosis's, so every condition is a
``Disease`` row by the time its advice is stored.
"""

from __future__ import annotations

from diagnosis.kb_loader import KnowledgeBaseFiles, Section
from diagnosis.models import Disease, TriageLevel
from medportal.upsert import upsert_rows

from .models import (
    ActivityAdvice,
    ConditionMedicine,
    DietAdvice,
    DrugClass,
    Medicine,
    OtherMedication,
    Precaution,
    ProfileCondition,
)
from .safety import safety_facts_validate
from .services import safety_facts_load

ADVICE_KEYS = {"slug", "default_triage", "medicines", "precautions", "diet", "activity"}
ADVICE_MINIMUM = (("precautions", 4), ("diet", 4), ("activity", 3))
ADVICE_MODELS = ((Precaution, "precautions"), (DietAdvice, "diet"), (ActivityAdvice, "activity"))


def validate(files: KnowledgeBaseFiles) -> list[str]:
    """The vocabulary, the medicines, each condition's advice and the safety facts."""
    classes = set((files.vocabulary.get("drug_classes") or {}).keys())
    profile_conditions = set((files.vocabulary.get("profile_conditions") or {}).keys())
    errors = _validate_vocabulary(files.vocabulary, classes)
    medicine_slugs, medicine_errors = _validate_medicines(files.medicines, classes, profile_conditions)
    errors += medicine_errors
    errors += _validate_advice(files.conditions, medicine_slugs)
    return errors + safety_facts_validate(files.vocabulary, files.medicines)


def _validate_vocabulary(vocab: dict, classes: set[str]) -> list[str]:
    errors = []
    for slug, entry in (vocab.get("drug_classes") or {}).items():
        for other in entry.get("cross_reactive") or []:
            if other not in classes:
                errors.append(f"drug class {slug}: cross_reactive {other} is not a drug class")
    for slug, entry in (vocab.get("other_medications") or {}).items():
        for cls in entry.get("classes") or []:
            if cls not in classes:
                errors.append(f"other medication {slug}: unknown class {cls}")
    return errors


def _validate_medicines(
    medicines: list[dict], classes: set[str], profile_conditions: set[str]
) -> tuple[set[str], list[str]]:
    """Unique medicines whose classes and conditions are in the vocabulary; returns the slugs too."""
    errors: list[str] = []
    medicine_slugs: set[str] = set()
    for m in medicines:
        slug = m.get("slug")
        if slug in medicine_slugs:
            errors.append(f"medicine {slug}: defined twice")
        medicine_slugs.add(slug)
        if m.get("drug_class") not in classes:
            errors.append(f"medicine {slug}: unknown drug_class {m.get('drug_class')}")
        if not isinstance(m.get("rx"), bool):
            errors.append(f"medicine {slug}: rx must be true or false")
        if m.get("pregnancy") not in ("ok", "caution", "avoid"):
            errors.append(f"medicine {slug}: pregnancy must be ok, caution or avoid")
        for cls in m.get("allergy_classes") or []:
            if cls not in classes and cls != slug:
                errors.append(f"medicine {slug}: unknown allergy class {cls}")
        for cls in m.get("interacting_classes") or []:
            if cls not in classes:
                errors.append(f"medicine {slug}: unknown interacting class {cls}")
        for cond in m.get("contraindicated_conditions") or []:
            if cond not in profile_conditions:
                errors.append(f"medicine {slug}: unknown profile condition {cond}")
    return medicine_slugs, errors


def _validate_advice(conditions: list[dict], medicine_slugs: set[str]) -> list[str]:
    """Known medicines, enough advice, and no self-care medicine for an emergency. A condition
    missing keys is skipped: diagnosis's section reports it."""
    errors = []
    for c in conditions:
        if not ADVICE_KEYS <= set(c):
            continue
        where = f"condition {c['slug']}"
        for link in c["medicines"] or []:
            if link.get("medicine") not in medicine_slugs:
                errors.append(f"{where}: unknown medicine {link.get('medicine')}")
        for key, minimum in ADVICE_MINIMUM:
            if len(c[key] or []) < minimum:
                errors.append(f"{where}: needs at least {minimum} {key}")
        if c["default_triage"] == TriageLevel.EMERGENCY and c["medicines"]:
            errors.append(f"{where}: emergency conditions must not list self-care medicines")
    return errors


def load(files: KnowledgeBaseFiles) -> dict[str, int]:
    """Upsert the vocabulary, the medicines (with their safety facts) and each condition's advice."""
    classes = _load_drug_classes(files.vocabulary)
    conditions = _load_profile_conditions(files.vocabulary)
    _load_other_medications(files.vocabulary, classes)
    medicines = _load_medicines(files.medicines, classes, conditions)
    safety_facts_load(vocabulary=files.vocabulary, medicines=files.medicines)
    _load_advice(files.conditions, medicines)
    return {"medicines": len(medicines)}


def _load_drug_classes(vocab: dict) -> dict[str, DrugClass]:
    entries = vocab.get("drug_classes") or {}
    classes = upsert_rows(
        DrugClass,
        "slug",
        {
            slug: {"name": e.get("name", slug), "synonyms": e.get("synonyms") or []}
            for slug, e in entries.items()
        },
    )
    for slug, entry in entries.items():
        classes[slug].cross_reactive.set([classes[o] for o in entry.get("cross_reactive") or []])
    return classes


def _load_profile_conditions(vocab: dict) -> dict[str, ProfileCondition]:
    entries = vocab.get("profile_conditions") or {}
    return upsert_rows(
        ProfileCondition,
        "slug",
        {
            slug: {"name": e.get("name", slug), "synonyms": e.get("synonyms") or []}
            for slug, e in entries.items()
        },
    )


def _load_other_medications(vocab: dict, classes: dict[str, DrugClass]) -> None:
    entries = vocab.get("other_medications") or {}
    medications = upsert_rows(
        OtherMedication,
        "slug",
        {
            slug: {
                "name": e.get("name") or slug.replace("_", " ").capitalize(),
                "synonyms": e.get("synonyms") or [],
            }
            for slug, e in entries.items()
        },
    )
    for slug, entry in entries.items():
        medications[slug].classes.set([classes[c] for c in entry.get("classes") or []])


def _load_medicines(
    rows: list[dict], classes: dict[str, DrugClass], conditions: dict[str, ProfileCondition]
) -> dict[str, Medicine]:
    medicines = upsert_rows(
        Medicine,
        "slug",
        {
            m["slug"]: {
                "name": m["name"],
                "brand_names": m.get("brand_names") or [],
                "rx": m["rx"],
                "drug_class": classes[m["drug_class"]],
                "pregnancy": m["pregnancy"],
                "min_age_years": m.get("min_age_years") or 0,
                "note": m.get("note") or "",
            }
            for m in rows
        },
    )
    for m in rows:
        medicine = medicines[m["slug"]]
        medicine.allergy_classes.set([classes[c] for c in m.get("allergy_classes") or [] if c in classes])
        medicine.interacting_classes.set([classes[c] for c in m.get("interacting_classes") or []])
        medicine.contraindicated_conditions.set(
            [conditions[c] for c in m.get("contraindicated_conditions") or []]
        )
    return medicines


def _load_advice(rows: list[dict], medicines: dict[str, Medicine]) -> None:
    """Replace each condition's ranked medicines, precautions, diet and activity advice (one delete
    and one bulk insert per table for all the conditions in the files)."""
    diseases = Disease.objects.in_bulk([c["slug"] for c in rows], field_name="slug")
    _replace_children(
        ConditionMedicine,
        diseases,
        {
            c["slug"]: [
                {"medicine": medicines[link["medicine"]], "reason": link["reason"].strip(), "rank": i}
                for i, link in enumerate(c["medicines"] or [])
            ]
            for c in rows
        },
    )
    for model, key in ADVICE_MODELS:
        _replace_children(
            model,
            diseases,
            {c["slug"]: [{"text": t.strip(), "rank": i} for i, t in enumerate(c[key])] for c in rows},
        )


def _replace_children(model, diseases: dict[str, Disease], rows: dict[str, list[dict]]) -> None:
    model.objects.filter(disease__in=[diseases[slug] for slug in rows]).delete()
    model.objects.bulk_create(
        model(disease=diseases[slug], **row) for slug, children in rows.items() for row in children
    )


SECTION = Section(name="recommendations", validate=validate, load=load)
