"""Importing "wide" symptom CSVs (one 0/1 column per symptom, a `prognosis` label column).

Public datasets of this shape carry typos, trailing spaces and duplicated columns; names are
normalised and matched to the knowledge base through synonyms and fuzzy matching, and
everything that does not match is reported rather than guessed.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from rapidfuzz import fuzz, process

from diagnosis.engine.resolver import normalise
from diagnosis.selectors import current_snapshot

from .cases import training_fingerprint
from .models import TrainingCase

LABEL_COLUMNS = ("prognosis", "disease", "diagnosis", "label")
LABEL_FUZZY_CUTOFF = 85
TRUE_VALUES = {"1", "1.0", "true", "yes", "y", "t"}


class ImportFailed(ValueError):
    pass


@dataclass
class ImportReport:
    source: str
    rows: int = 0
    imported: int = 0
    skipped_no_symptoms: int = 0
    duplicate_rows: int = 0
    column_map: dict[str, str] = field(default_factory=dict)
    unmatched_columns: list[str] = field(default_factory=list)
    label_map: dict[str, str] = field(default_factory=dict)
    unmatched_labels: dict[str, int] = field(default_factory=dict)


def _match_column(snapshot, header: str) -> str | None:
    # pandas-style suffixes of duplicated columns ("fluid_overload.1") mean the same symptom.
    phrase = normalise(re.sub(r"\.\d+$", "", header.strip()).replace("_", " "))
    if not phrase:
        return None
    slug = snapshot.index.phrases.get(phrase)
    if slug:
        return slug
    best = process.extractOne(phrase, list(snapshot.index.phrases), scorer=fuzz.ratio, score_cutoff=88)
    return snapshot.index.phrases[best[0]] if best else None


def _match_label(snapshot, label: str) -> str | None:
    key = normalise(label)
    if key in snapshot.disease_aliases:
        return snapshot.disease_aliases[key]
    best = process.extractOne(
        key, list(snapshot.disease_aliases), scorer=fuzz.ratio, score_cutoff=LABEL_FUZZY_CUTOFF
    )
    return snapshot.disease_aliases[best[0]] if best else None


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    """The header and the rows; a file that is empty, not UTF-8 or not CSV is an ImportFailed."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if not header:
                raise ImportFailed(f"{path.name} is empty")
            return header, list(reader)
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{path.name} is not UTF-8 text") from exc
    except csv.Error as exc:
        raise ImportFailed(f"{path.name} is not a readable CSV ({exc})") from exc


def import_symptom_csv(path: Path, *, source: str | None = None) -> ImportReport:
    path = Path(path)
    if not path.exists():
        raise ImportFailed(f"no such file: {path}")
    snapshot = current_snapshot()
    if not snapshot.diseases:
        raise ImportFailed("the knowledge base is empty: run `python manage.py load_knowledge_base` first")
    source = source or path.name
    report = ImportReport(source=source)
    header, rows = _read_csv(path)
    cleaned = [normalise(h.replace("_", " ")) for h in header]
    label_idx = next((i for i, h in enumerate(cleaned) if h in LABEL_COLUMNS), None)
    if label_idx is None:
        raise ImportFailed(f"{path.name} has no 'prognosis' label column")
    columns: dict[int, str] = {}
    for i, raw in enumerate(header):
        if i == label_idx or not raw.strip():
            continue
        slug = _match_column(snapshot, raw)
        if slug:
            columns[i] = slug
            report.column_map[raw] = slug
        else:
            report.unmatched_columns.append(raw.strip())
    cases: list[TrainingCase] = []
    seen: set[str] = set()
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        report.rows += 1
        label = row[label_idx].strip() if label_idx < len(row) else ""
        slug = report.label_map.get(label) or _match_label(snapshot, label)
        if not slug:
            report.unmatched_labels[label] = report.unmatched_labels.get(label, 0) + 1
            continue
        report.label_map[label] = slug
        symptoms = sorted(
            {s for i, s in columns.items() if i < len(row) and row[i].strip().lower() in TRUE_VALUES}
        )
        if not symptoms:
            report.skipped_no_symptoms += 1
            continue
        fp = training_fingerprint(condition=slug, symptoms=symptoms)
        if fp in seen:
            report.duplicate_rows += 1
        seen.add(fp)
        cases.append(TrainingCase(source=source, condition=slug, symptoms=symptoms, fingerprint=fp))
    if not cases:
        raise ImportFailed(f"{path.name}: no row could be matched to the knowledge base")
    with transaction.atomic():
        # Importing the same file again replaces its rows (idempotent).
        TrainingCase.objects.filter(source=source).delete()
        TrainingCase.objects.bulk_create(cases, batch_size=1000)
    report.imported = len(cases)
    return report
