"""Read, validate and load the knowledge-base fixture files (diagnosis/knowledge_base/).

The files are read once, here; each app validates and loads its own part of them (a ``Section``):
this module's ``SECTION`` takes the symptoms, conditions, red flags and presenting complaints, and
``recommendations.kb.SECTION`` the drug vocabulary, medicines and each condition's advice. The
sections, in load order, are named in ``settings.KNOWLEDGE_BASE_SECTIONS`` (the project wiring,
so diagnosis never imports the app above it); ``load_knowledge_base`` runs them all in one
transaction.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from medportal.upsert import deactivate_missing, upsert_rows

from .engine.complaints import CatalogueError, complaint_from_dict
from .engine.yaml_text import safe_load
from .models import (
    TRIAGE_ORDER,
    BodySystem,
    ComplaintConcept,
    ComplaintDiscriminator,
    Disease,
    DiseaseSymptom,
    KnowledgeBaseVersion,
    PresentingComplaint,
    RedFlagRule,
    Symptom,
    SymptomSynonym,
    TriageLevel,
)

ICD10_RE = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?$")
CONDITION_KEYS = {
    "slug",
    "name",
    "aliases",
    "icd10",
    "description",
    "default_triage",
    "source",
    "demographics",
    "symptoms",
    "warning_signs",
    "emergency_guidance",
    "medicines",
    "precautions",
    "diet",
    "activity",
}


class KnowledgeBaseError(ValueError):
    """The fixture files are inconsistent; nothing was loaded."""


@dataclass
class KnowledgeBaseFiles:
    symptoms: list[dict]
    red_flags: list[dict]
    medicines: list[dict]
    vocabulary: dict
    conditions: list[dict]
    content_hash: str
    complaints: list[dict] = field(default_factory=list)
    concepts: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _read_yaml(path: Path):
    try:
        return safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"{path.name}: not valid YAML ({exc.__class__.__name__})") from exc


def read_files(directory: Path | None = None) -> KnowledgeBaseFiles:
    directory = Path(directory or settings.KNOWLEDGE_BASE_DIR)
    if not (directory / "symptoms.yaml").exists():
        raise KnowledgeBaseError(f"no knowledge base at {directory} (symptoms.yaml missing)")
    paths = sorted(directory.glob("symptoms*.yaml")) + [
        directory / "red_flags.yaml",
        directory / "medicines.yaml",
        directory / "vocabulary.yaml",
    ]
    condition_paths = sorted((directory / "conditions").glob("*.yaml"))
    complaint_paths = sorted((directory / "complaints").glob("*.yaml"))
    digest = hashlib.sha256()
    for path in paths + condition_paths + complaint_paths:
        if not path.exists():
            raise KnowledgeBaseError(f"{path.name} is missing")
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    symptoms: list[dict] = []
    for path in sorted(directory.glob("symptoms*.yaml")):
        symptoms.extend(_read_yaml(path) or [])
    files = KnowledgeBaseFiles(
        symptoms=symptoms,
        red_flags=_read_yaml(directory / "red_flags.yaml") or [],
        medicines=_read_yaml(directory / "medicines.yaml") or [],
        vocabulary=_read_yaml(directory / "vocabulary.yaml") or {},
        conditions=[_read_yaml(p) for p in condition_paths],
        content_hash=digest.hexdigest(),
    )
    concept_errors = _read_complaints(files, complaint_paths)
    files.errors = concept_errors + validate(files)
    return files


def _read_complaints(files: KnowledgeBaseFiles, paths: list[Path]) -> list[str]:
    errors = []
    for path in paths:
        data = _read_yaml(path) or {}
        for name, terms in (data.get("concepts") or {}).items():
            if name in files.concepts:
                errors.append(f"concept @{name}: defined twice ({path.name})")
            files.concepts[name] = list(terms or [])
        files.complaints.extend(data.get("complaints") or [])
    return errors


COMPLAINT_KEYS = {"slug", "name", "body_system", "source", "terms", "level", "instruction", "safety_net"}
DISCRIMINATOR_KEYS = {"slug", "name", "level", "instruction"}
DISCRIMINATOR_OPTIONAL = {
    "all_of", "standalone", "sex", "sex_known", "pregnant", "age_below_months", "age_from_months",
    "age_from_subject", "min_temperature_c", "min_duration_days", "min_tablets",
}  # fmt: skip


_ALTERNATION = re.compile(r"\(([^)]*)\)")


def _term_problems(term: str) -> list[str]:
    """Term syntax the matcher would silently misread: multi-word options, short wildcards."""
    problems = []
    depth = 0
    for char in term:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth > 1 or depth < 0:
            problems.append(f"{term!r}: brackets inside brackets (or unbalanced) are not read")
            break
    if depth > 0 and not problems:
        problems.append(f"{term!r}: an unclosed bracket")
    for options in _ALTERNATION.findall(term):
        if any(not option.strip() for option in options.split("|")):
            problems.append(f"{term!r}: an empty ( | ) option")
    if re.search(r"[?+\[\]{}\\^$]", term):
        problems.append(f"{term!r}: ? + [ ] {{ }} are not term syntax (write the variants out)")
    for word in term.replace("(", " ").replace(")", " ").replace("|", " ").split():
        if word.endswith("*") and len(word.rstrip("*")) < 2:
            problems.append(f"{term!r}: a word* needs at least 2 characters")
    return problems


def validate_complaints(files: KnowledgeBaseFiles) -> list[str]:
    """Presenting complaints: complete, unique, valid levels, every @concept known."""
    errors: list[str] = []
    slugs: set[str] = set()
    for c in files.complaints:
        slug = c.get("slug")
        where = f"complaint {slug}"
        missing = COMPLAINT_KEYS - set(c)
        if missing:
            errors.append(f"{where}: missing {', '.join(sorted(missing))}")
            continue
        if slug in slugs:
            errors.append(f"{where}: slug used twice")
        slugs.add(slug)
        if c["level"] not in TriageLevel.values:
            errors.append(f"{where}: unknown level {c['level']!r}")
        if c["body_system"] not in BodySystem.values:
            errors.append(f"{where}: unknown body_system {c['body_system']!r}")
        if not c["terms"] or not c["safety_net"]:
            errors.append(f"{where}: needs terms and at least one safety_net line")
        for d in c.get("discriminators") or []:
            dwhere = f"{where} discriminator {d.get('slug')}"
            missing = DISCRIMINATOR_KEYS - set(d)
            unknown = set(d) - DISCRIMINATOR_KEYS - DISCRIMINATOR_OPTIONAL
            if missing or unknown:
                errors.append(f"{dwhere}: missing {sorted(missing)} / unknown keys {sorted(unknown)}")
                continue
            if d["slug"] in slugs:
                errors.append(f"{dwhere}: slug used twice")
            slugs.add(d["slug"])
            if d["level"] not in TriageLevel.values:
                errors.append(f"{dwhere}: unknown level {d['level']!r}")
            groups = d.get("all_of") or []
            if not isinstance(groups, list) or not all(isinstance(g, list) and g for g in groups):
                errors.append(f"{dwhere}: all_of must be a list of non-empty lists")
            if d.get("standalone") and not groups:
                errors.append(f"{dwhere}: a standalone discriminator needs all_of phrases")
            if d["level"] in TriageLevel.values and c["level"] in TriageLevel.values:
                if TRIAGE_ORDER[TriageLevel(d["level"])] > TRIAGE_ORDER[TriageLevel(c["level"])]:
                    errors.append(
                        f"{dwhere}: less urgent than its complaint, so it could never change a result"
                    )
            for term in [t for g in groups if isinstance(g, list) for t in g]:
                errors.extend(f"{dwhere}: {problem}" for problem in _term_problems(str(term)))
        for term in c["terms"] or []:
            errors.extend(f"{where}: {problem}" for problem in _term_problems(str(term)))
        try:
            complaint_from_dict(c, files.concepts)
        except (CatalogueError, KeyError, TypeError) as exc:
            errors.append(f"{where}: {exc}")
    return errors


@dataclass(frozen=True)
class Section:
    """One app's part of the knowledge base: ``validate`` returns human-readable problems (empty
    when sound); ``load`` upserts the app's rows (inside the loader's transaction, after the
    sections before it) and returns counts of what it loaded, for the command's summary."""

    name: str
    validate: Callable[[KnowledgeBaseFiles], list[str]]
    load: Callable[[KnowledgeBaseFiles], dict[str, int]]


def sections() -> list[Section]:
    """The sections named in ``settings.KNOWLEDGE_BASE_SECTIONS``, in load order."""
    return [import_string(path) for path in settings.KNOWLEDGE_BASE_SECTIONS]


def validate(files: KnowledgeBaseFiles) -> list[str]:
    """Every referential and completeness rule the sections rely on; returns human-readable errors."""
    return [error for section in sections() for error in section.validate(files)]


def validate_diagnosis(files: KnowledgeBaseFiles) -> list[str]:
    """This app's rules: symptoms, red flags, conditions, presenting complaints."""
    symptom_slugs, errors = _validate_symptoms(files.symptoms)
    errors += _validate_red_flags(files.red_flags, symptom_slugs)
    errors += _validate_conditions(files.conditions, symptom_slugs)
    return errors + validate_complaints(files)


def _validate_symptoms(symptoms: list[dict]) -> tuple[set[str], list[str]]:
    """Unique slugs, known body systems, and no phrase naming two symptoms; returns the slugs too."""
    errors: list[str] = []
    symptom_slugs: set[str] = set()
    phrases: dict[str, str] = {}
    for s in symptoms:
        slug = s.get("slug")
        if slug in symptom_slugs:
            errors.append(f"symptom {slug}: defined twice")
        symptom_slugs.add(slug)
        if s.get("body_system") not in BodySystem.values:
            errors.append(f"symptom {slug}: unknown body_system {s.get('body_system')!r}")
        for phrase in [s.get("name", "")] + list(s.get("synonyms") or []):
            key = " ".join(str(phrase).lower().split())
            if key in phrases and phrases[key] != slug:
                errors.append(f"phrase {key!r} points at both {phrases[key]} and {slug}")
            phrases[key] = slug
    return symptom_slugs, errors


def _validate_red_flags(red_flags: list[dict], symptom_slugs: set[str]) -> list[str]:
    errors: list[str] = []
    for rule in red_flags:
        if rule.get("level") not in ("emergency", "urgent"):
            errors.append(f"red flag {rule.get('slug')}: level must be emergency or urgent")
        if not rule.get("all_of"):
            errors.append(f"red flag {rule.get('slug')}: all_of is empty")
        for s in (rule.get("all_of") or []) + (rule.get("any_of") or []):
            if s not in symptom_slugs:
                errors.append(f"red flag {rule.get('slug')}: unknown symptom {s}")
    return errors


def _validate_conditions(conditions: list[dict], symptom_slugs: set[str]) -> list[str]:
    """Complete, unique conditions with a well-formed ICD-10 code and 5-15 known symptoms (their
    advice is ``recommendations.kb``'s to check)."""
    errors: list[str] = []
    disease_slugs: set[str] = set()
    for c in conditions:
        slug = c.get("slug")
        where = f"condition {slug}"
        if slug in disease_slugs:
            errors.append(f"{where}: defined twice")
        disease_slugs.add(slug)
        missing = CONDITION_KEYS - set(c)
        if missing:
            errors.append(f"{where}: missing {', '.join(sorted(missing))}")
            continue
        if not ICD10_RE.match(str(c["icd10"])):
            errors.append(f"{where}: ICD-10 code {c['icd10']!r} is malformed")
        if c["default_triage"] not in TriageLevel.values:
            errors.append(f"{where}: unknown triage {c['default_triage']}")
        if not 5 <= len(c["symptoms"]) <= 15:
            errors.append(f"{where}: needs 5-15 symptoms, has {len(c['symptoms'])}")
        for link in c["symptoms"]:
            if link.get("symptom") not in symptom_slugs:
                errors.append(f"{where}: unknown symptom {link.get('symptom')}")
            if not 0 < float(link.get("frequency", 0)) <= 1:
                errors.append(f"{where}: frequency of {link.get('symptom')} must be in (0, 1]")
        if len(c["warning_signs"] or []) < 2:
            errors.append(f"{where}: needs at least 2 warning_signs")
        if c["default_triage"] == TriageLevel.EMERGENCY and not c["emergency_guidance"]:
            errors.append(f"{where}: emergency conditions need emergency_guidance")
    return errors


@dataclass
class LoadResult:
    changed: bool
    version: int | None
    counts: dict[str, int]


def load_knowledge_base(directory: Path | str | None = None, *, force: bool = False) -> LoadResult:
    """Read the files in ``directory`` (default ``settings.KNOWLEDGE_BASE_DIR``) and load them."""
    return load(read_files(directory), force=force)


@transaction.atomic
def load(files: KnowledgeBaseFiles, *, force: bool = False) -> LoadResult:
    """Upsert the fixture content, section by section. Unchanged files since the last load are
    skipped unless ``force``.

    Skipping keeps knowledge-base edits made in admin when `make run` starts again.
    """
    if files.errors:
        raise KnowledgeBaseError(f"{len(files.errors)} problem(s), first: {files.errors[0]}")
    last = KnowledgeBaseVersion.objects.exclude(content_hash="").order_by("-id").first()
    if last and last.content_hash == files.content_hash and not force:
        return LoadResult(
            changed=False, version=KnowledgeBaseVersion.objects.order_by("-id").first().pk, counts={}
        )
    counts: dict[str, int] = {}
    for section in sections():
        counts.update(section.load(files))
    version = KnowledgeBaseVersion.objects.create(
        reason="loaded fixture files", content_hash=files.content_hash
    )
    return LoadResult(changed=True, version=version.pk, counts=counts)


def load_diagnosis(files: KnowledgeBaseFiles) -> dict[str, int]:
    """This app's rows: symptoms and their synonyms, conditions, red flags, presenting complaints."""
    symptoms = _load_symptoms(files.symptoms)
    synonyms = _load_synonyms(files.symptoms, symptoms)
    _load_conditions(files.conditions, symptoms)
    _load_red_flags(files.red_flags, symptoms)
    _load_complaints(files)
    return {
        "symptoms": len(symptoms),
        "synonyms": synonyms,
        "conditions": len(files.conditions),
        "red_flags": len(files.red_flags),
        "complaints": len(files.complaints),
    }


def _load_symptoms(rows: list[dict]) -> dict[str, Symptom]:
    return upsert_rows(
        Symptom,
        "slug",
        {
            s["slug"]: {
                "name": s["name"],
                "body_system": s["body_system"],
                "question": s.get("question", ""),
                "is_reviewed": True,
            }
            for s in rows
        },
    )


def _load_synonyms(rows: list[dict], symptoms: dict[str, Symptom]) -> int:
    """Each synonym phrase points at its symptom; a phrase the files moved to another symptom is
    re-pointed. Returns how many phrases the files hold."""
    wanted = {" ".join(p.lower().split()): s["slug"] for s in rows for p in s.get("synonyms") or []}
    SymptomSynonym.objects.filter(phrase__in=list(wanted)).exclude(symptom__slug__in=list(symptoms)).delete()
    upsert_rows(
        SymptomSynonym, "phrase", {phrase: {"symptom": symptoms[slug]} for phrase, slug in wanted.items()}
    )
    return len(wanted)


def _load_conditions(rows: list[dict], symptoms: dict[str, Symptom]) -> None:
    """Each condition and its symptom frequencies (its advice is ``recommendations.kb``'s)."""
    for c in rows:
        demo = c.get("demographics") or {}
        disease, _ = Disease.objects.update_or_create(
            slug=c["slug"],
            defaults={
                "name": c["name"],
                "lay_name": (c.get("lay_name") or "").strip(),
                "aliases": c.get("aliases") or [],
                "icd10": c["icd10"],
                "description": c["description"].strip(),
                "default_triage": c["default_triage"],
                "source": c["source"].strip(),
                "age_min": demo.get("age_min", 0),
                "age_max": demo.get("age_max", 100),
                "age_mode": demo.get("age_mode", 35),
                "female_share": demo.get("female_share", 0.5),
                "warning_signs": c["warning_signs"] or [],
                "emergency_guidance": (c["emergency_guidance"] or "").strip(),
                "is_reviewed": True,
            },
        )
        DiseaseSymptom.objects.filter(disease=disease).delete()
        DiseaseSymptom.objects.bulk_create(
            DiseaseSymptom(
                disease=disease, symptom=symptoms[link["symptom"]], frequency=float(link["frequency"])
            )
            for link in c["symptoms"]
        )


def _load_red_flags(rows: list[dict], symptoms: dict[str, Symptom]) -> None:
    # A rule taken out of the files stops firing (kept, inactive, with its history).
    deactivate_missing(RedFlagRule, "slug", [r["slug"] for r in rows])
    for r in rows:
        rule, _ = RedFlagRule.objects.update_or_create(
            slug=r["slug"],
            defaults={
                "name": r["name"],
                "level": r["level"],
                "min_age": r.get("min_age"),
                "max_age": r.get("max_age"),
                "sex": r.get("sex") or "",
                "pregnant": r.get("pregnant"),
                "instruction": r["instruction"].strip(),
                "is_active": True,
            },
        )
        rule.all_of.set([symptoms[s] for s in r["all_of"]])
        rule.any_of.set([symptoms[s] for s in r.get("any_of") or []])


def _load_complaints(files: KnowledgeBaseFiles) -> None:
    upsert_rows(ComplaintConcept, "name", {name: {"terms": terms} for name, terms in files.concepts.items()})
    complaints = upsert_rows(
        PresentingComplaint,
        "slug",
        {
            c["slug"]: {
                "name": c["name"],
                "body_system": c["body_system"],
                "level": c["level"],
                "instruction": c["instruction"].strip(),
                "safety_net": [line.strip() for line in c["safety_net"]],
                "source": c["source"].strip(),
                "terms": [str(t) for t in c["terms"]],
                "is_active": True,
            }
            for c in files.complaints
        },
    )
    # A complaint taken out of the files stops triaging (kept, inactive, with its history).
    deactivate_missing(PresentingComplaint, "slug", complaints)
    discriminators = {}
    for c in files.complaints:
        complaint = complaints[c["slug"]]
        wanted = [d["slug"] for d in c.get("discriminators") or []]
        complaint.discriminators.exclude(slug__in=wanted).delete()
        for d in c.get("discriminators") or []:
            discriminators[d["slug"]] = {
                "complaint": complaint,
                "name": d["name"],
                "level": d["level"],
                "instruction": d["instruction"].strip(),
                "all_of": [[str(t) for t in group] for group in d.get("all_of") or []],
                "standalone": bool(d.get("standalone")),
                "sex": d.get("sex") or "",
                "sex_known": bool(d.get("sex_known")),
                "pregnant": bool(d.get("pregnant")),
                "age_below_months": d.get("age_below_months"),
                "age_from_months": d.get("age_from_months"),
                "age_from_subject": bool(d.get("age_from_subject")),
                "min_temperature_c": d.get("min_temperature_c"),
                "min_duration_days": d.get("min_duration_days"),
                "min_tablets": d.get("min_tablets"),
                "is_active": True,
            }
    upsert_rows(ComplaintDiscriminator, "slug", discriminators)


SECTION = Section(name="diagnosis", validate=validate_diagnosis, load=load_diagnosis)
