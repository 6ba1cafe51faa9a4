"""Building the alarm-text artefact (``diagnosis/engine/alarm_text.py``) from the triage corpus.

The corpus's development sets are the training data; the held-out and fresh sets are never read
here. The threshold comes from cross-validation across development sets: each set in turn is
scored by a classifier fitted on the others, so the threshold is chosen on answers the classifier
did not train on, and on what the net would add to the rules (cases the rules already call
emergencies cannot be raised).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .engine import alarm_text
from .engine.check import run_check
from .engine.levels import TriageLevel
from .engine.predictor import current_model
from .selectors import current_snapshot
from .triage_corpus import CORPUS, case_subject, split_cases


@dataclass
class TrainingReport:
    cases: int
    splits: list[str]
    threshold: float | None
    rows: list[
        tuple[float, int, int, int, int]
    ]  # threshold, rule misses raised, rule misses, false raises, non-emergencies
    fingerprint: str


def training_cases(corpus: Path = CORPUS) -> list[dict]:
    """Every case of the development sets the net trains on, each with its split's name."""
    folders = [corpus / name for name in alarm_text.TRAINING_SPLITS if name not in alarm_text.NEVER_TRAIN]
    return [{**case, "split": folder.name} for folder in folders for case in split_cases(folder)]


def _rules_say_emergency(cases: list[dict]) -> np.ndarray:
    """Whether the rules alone (no net) answer each case with an emergency."""
    snapshot = dataclasses.replace(current_snapshot(), alarm_text=None)
    model = current_model(snapshot)
    out = []
    for case in cases:
        result = run_check(
            snapshot, model, text=case["text"], subject=case_subject(case), ask_questions=False
        )
        out.append(result.triage == TriageLevel.EMERGENCY)
    return np.asarray(out, dtype=bool)


def _out_of_set_probabilities(cases: list[dict], texts: list[str], labels: np.ndarray) -> np.ndarray:
    splits = np.asarray([c["split"] for c in cases])
    probabilities = np.zeros(len(cases))
    for split in sorted(set(splits)):
        held = splits == split
        transformers, classifier = alarm_text.fitted_pipeline(
            [t for t, h in zip(texts, held, strict=True) if not h], labels[~held]
        )
        probabilities[held] = alarm_text.pipeline_probabilities(
            transformers, classifier, [t for t, h in zip(texts, held, strict=True) if h]
        )
    return probabilities


def alarm_text_train(*, corpus: Path = CORPUS, out: Path = alarm_text.SHIPPED) -> TrainingReport:
    """Choose the threshold out of set, fit on every development set and write the artefact."""
    cases = training_cases(corpus)
    texts = [alarm_text.what_it_reads(c["text"]) for c in cases]
    labels = np.asarray([c["expected"] == TriageLevel.EMERGENCY for c in cases], dtype=bool)
    by_rules = _rules_say_emergency(cases)
    probabilities = _out_of_set_probabilities(cases, texts, labels)
    threshold = alarm_text.choose_threshold(probabilities, labels, by_rules)
    rows = [
        (
            t,
            int(((probabilities >= t) & labels & ~by_rules).sum()),
            int((labels & ~by_rules).sum()),
            int(((probabilities >= t) & ~labels & ~by_rules).sum()),
            int((~labels).sum()),
        )
        for t in alarm_text.THRESHOLD_GRID
    ]
    fingerprint = alarm_text.corpus_fingerprint(cases)
    report = TrainingReport(len(cases), sorted({c["split"] for c in cases}), threshold, rows, fingerprint)
    if threshold is not None:
        transformers, classifier = alarm_text.fitted_pipeline(texts, labels)
        model = alarm_text.compact(transformers, classifier, threshold=threshold, fingerprint=fingerprint)
        alarm_text.save(model, out)
    return report
