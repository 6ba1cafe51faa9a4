"""One symptom check: resolve → red flags → model → explanation → next question.

Pure computation over a knowledge snapshot and a loaded model; storing it is the services'
job, so the same code serves the portal, the API and `manage.py predict`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from diagnosis.models import TriageLevel

from .knowledge import KnowledgeSnapshot
from .predictor import LoadedModel
from .questions import apply_denials, best_question, likelihood_matrix
from .triage import fired_red_flags, most_urgent

MAX_CONDITIONS = 5
MAX_QUESTIONS = 5
# Below this top probability the result says "not enough information" (tests/diagnosis/test_check.py).
LOW_CONFIDENCE = 0.40
# Stop asking once the leading condition is this likely.
CONFIDENT = 0.75
# A condition this likely contributes its default triage level (safety: the most urgent wins).
TRIAGE_CONTRIBUTION = 0.20


@dataclass
class ConditionResult:
    slug: str
    name: str
    icd10: str
    probability: float
    default_triage: str
    supporting: list[str] = field(default_factory=list)
    typical_not_reported: list[str] = field(default_factory=list)
    against: list[str] = field(default_factory=list)


@dataclass
class CheckResult:
    present: list[str]
    negated: list[str]
    unrecognised: list[str]
    suggestions: dict[str, list[str]]
    conditions: list[ConditionResult]
    triage: str
    red_flags: list[dict]
    low_confidence: bool
    next_question: str | None
    model_label: str
    model_version_id: int | None
    kb_version: int
    fallback_reason: str = ""

    @property
    def is_emergency(self) -> bool:
        return self.triage == TriageLevel.EMERGENCY

    def as_dict(self) -> dict:
        return asdict(self)


def run_check(
    snapshot: KnowledgeSnapshot,
    model: LoadedModel,
    *,
    text: str = "",
    chips=(),
    age: int | None = None,
    sex: str = "",
    pregnant: bool = False,
    answers: list[dict] | None = None,
    ask_questions: bool = True,
) -> CheckResult:
    resolution = snapshot.index.resolve(text, chips)
    present, negated = list(resolution.present), list(resolution.negated)
    asked: list[str] = []
    for answer in answers or []:
        slug, value = answer.get("symptom"), answer.get("answer")
        asked.append(slug)
        if value == "yes" and slug not in present:
            present.append(slug)
            if slug in negated:
                negated.remove(slug)
        elif value == "no" and slug not in negated and slug not in present:
            negated.append(slug)

    fired = fired_red_flags(snapshot.rules, present, age=age, sex=sex, pregnant=pregnant)
    conditions: list[ConditionResult] = []
    next_question = None
    low_confidence = True
    probabilities = None
    if present:
        probabilities = _posterior(snapshot, model, present, negated, age, sex)
        order = np.argsort(-probabilities)[:MAX_CONDITIONS]
        col = {s: i for i, s in enumerate(snapshot.symptoms)}
        for d in order:
            p = float(probabilities[d])
            if p < 0.01 and conditions:
                break
            conditions.append(_explain(snapshot, int(d), p, present, negated, col))
        top = conditions[0].probability if conditions else 0.0
        low_confidence = top < LOW_CONFIDENCE
        if ask_questions and len(asked) < MAX_QUESTIONS and top < CONFIDENT and not fired:
            likelihood = likelihood_matrix(snapshot.frequency)
            exclude = {col[s] for s in present + negated + asked if s in col}
            q = best_question(probabilities, likelihood, exclude)
            next_question = snapshot.symptoms[q] if q is not None else None

    levels = [f.level for f in fired]
    if conditions:
        levels.append(conditions[0].default_triage)
        levels += [c.default_triage for c in conditions if c.probability >= TRIAGE_CONTRIBUTION]
    if low_confidence and not fired:
        # Unsure results never say "just self-care".
        levels.append(TriageLevel.GP)
    return CheckResult(
        present=present,
        negated=negated,
        unrecognised=resolution.unrecognised,
        suggestions=resolution.suggestions,
        conditions=conditions,
        triage=most_urgent(levels),
        red_flags=[asdict(f) for f in fired],
        low_confidence=low_confidence,
        next_question=next_question,
        model_label=model.label,
        model_version_id=model.version_id,
        kb_version=snapshot.version,
        fallback_reason=model.fallback_reason,
    )


def _posterior(snapshot, model, present, negated, age, sex) -> np.ndarray:
    """Model probabilities mapped onto the snapshot's conditions, then denied symptoms applied."""
    raw = model.predict_proba([present], [age], [sex])[0]
    p = np.zeros(len(snapshot.diseases))
    index = {slug: i for i, slug in enumerate(snapshot.disease_slugs)}
    for cls, prob in zip(model.classes, raw, strict=True):
        if cls in index:
            p[index[cls]] = prob
    if p.sum() <= 0:
        p[:] = 1.0
    p /= p.sum()
    if negated:
        col = {s: i for i, s in enumerate(snapshot.symptoms)}
        p = apply_denials(p, likelihood_matrix(snapshot.frequency), [col[s] for s in negated if s in col])
    return p


def _explain(snapshot, d: int, p: float, present, negated, col) -> ConditionResult:
    spec = snapshot.diseases[d]
    freq = snapshot.frequency[d]
    names = snapshot.symptom_names
    supporting = sorted((s for s in present if s in col and freq[col[s]] > 0), key=lambda s: -freq[col[s]])
    against = [s for s in negated if s in col and freq[col[s]] >= 0.3]
    typical = [snapshot.symptoms[i] for i in np.argsort(-freq)[:6] if freq[i] >= 0.3]
    missing = [s for s in typical if s not in present and s not in negated][:3]
    return ConditionResult(
        slug=spec.slug,
        name=spec.name,
        icd10=spec.icd10,
        probability=round(p, 4),
        default_triage=spec.default_triage,
        supporting=[names[s] for s in supporting],
        typical_not_reported=[names[s] for s in missing],
        against=[names[s] for s in against],
    )
