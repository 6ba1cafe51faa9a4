"""One symptom check: complaints and red flags → resolve → model → explanation → next question.

Urgency is decided first by the complaint-first triage layer (complaints.py) and the symptom
red-flag rules; the condition model then ranks conditions where the presentation is in its scope
and can only add urgency, never lower it.

Pure computation over a knowledge snapshot and a loaded model; storing it is the services'
job, so the same code serves the portal, the API and `manage.py predict`.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from enum import Enum

import numpy as np

from .alarm_text import alarm_flag
from .complaints import Subject, TriageAssessment
from .conformal import coverage_setting
from .context import tokenise
from .knowledge import KnowledgeSnapshot
from .levels import TriageLevel
from .predictor import LoadedModel
from .questions import STIGMATISING, apply_denials, best_question
from .triage import fired_red_flags, most_urgent

MAX_CONDITIONS = 5
MAX_QUESTIONS = 5
# Below this top probability the result says "not enough information" (tests/diagnosis/test_check.py).
LOW_CONFIDENCE = 0.40
# Stop asking once the leading condition is this likely.
CONFIDENT = 0.75
# A condition this likely contributes its default triage level (safety: the most urgent wins).
TRIAGE_CONTRIBUTION = 0.20
# A condition below this probability is not shown: it would be noise, not a suggestion.
MIN_SHOWN = 0.05
# Below this top probability the evidence is too thin to name conditions at all: the result says
# so plainly and triage rests on the complaint layer (honest scope).
THIN_EVIDENCE = 0.20
# A conformal set larger than this (or empty) means the model cannot narrow things down: never self-care.
WIDE_SET = 4
# When to stop asking: "confidence" (the leading condition is CONFIDENT) or "conformal" (the
# conformal set holds at most SETTLED_SET conditions; models without a calibration use
# "confidence"). Chosen by benchmarks/questions.py.
QUESTION_STOP_RULE = "conformal"
SETTLED_SET = 2


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
    in_scope: bool = True
    complaints: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    subject: dict = field(default_factory=dict)
    safety_net: list[str] = field(default_factory=list)
    # Conformal prediction set (condition names, most likely first) and its target coverage;
    # None when the model version has no calibration.
    prediction_set: list[str] | None = None
    coverage: float | None = None

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
    subject: Subject | None = None,
    stop_rule: str | None = None,
) -> CheckResult:
    subject = subject or Subject(age_years=age, sex=sex or "", pregnant=True if pregnant else None)
    resolution = snapshot.index.resolve(text, chips)
    present, negated, asked = _with_answers(resolution.present, resolution.negated, answers or [])
    answered_yes = [a.get("symptom") for a in answers or [] if a.get("answer") == "yes"]
    assessment = _assess(snapshot, text, chips, answered_yes, subject)
    age_years = int(assessment.age_months // 12) if assessment.age_months is not None else None
    fired = fired_red_flags(
        snapshot.rules, present, age=age_years, sex=subject.sex, pregnant=assessment.pregnant
    )
    conditions: list[ConditionResult] = []
    prediction_set = coverage = probabilities = None
    if present:
        probabilities, conditions, prediction_set, coverage = _rank(
            snapshot, model, present, negated, age_years, subject.sex
        )
    top = conditions[0].probability if conditions else 0.0
    low_confidence = top < LOW_CONFIDENCE  # always so without any finding
    level = _triage(assessment, fired, conditions, present, low_confidence, prediction_set)
    triage, red_flags, decided = _decide(snapshot, text, assessment, fired, level)
    next_question = None
    if ask_questions and not decided:
        next_question = _question_after(
            snapshot, probabilities, top, prediction_set, present + negated, asked, stop_rule
        )
    return CheckResult(
        present=present,
        negated=negated,
        unrecognised=_still_unrecognised(resolution.unrecognised, assessment),
        suggestions={},  # on demand: selectors.suggestions_for (costly, only pages show them)
        conditions=conditions,
        triage=triage,
        red_flags=red_flags,
        low_confidence=low_confidence,
        next_question=next_question,
        model_label=model.label,
        model_version_id=model.version_id,
        kb_version=snapshot.version,
        fallback_reason=model.fallback_reason,
        in_scope=bool(conditions),
        complaints=[record(c) for c in assessment.complaints],
        findings=[record(f) for f in assessment.findings],
        subject=_subject_facts(subject, assessment),
        safety_net=_safety_net(assessment),
        prediction_set=prediction_set,
        coverage=coverage,
    )


_ATOMIC = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def record(obj) -> dict:
    """``dataclasses.asdict(obj)`` for the engine's result records (fired rules, complaints,
    findings), which hold text, numbers, enums and lists of them: asdict's generic recursion with a
    deepcopy of every string cost more than the rest of building a check's result. Same keys, order,
    values and fresh containers (tests/diagnosis/test_check_records.py); anything else is copied
    as asdict copies it."""
    names = _FIELD_NAMES.get(type(obj))
    if names is None:
        names = _FIELD_NAMES[type(obj)] = tuple(f.name for f in fields(obj))
    return {name: _plain(getattr(obj, name)) for name in names}


def _plain(value):
    kind = type(value)
    if kind in _ATOMIC or isinstance(value, Enum):  # deepcopy returns these themselves
        return value
    if kind is list:
        return [_plain(v) for v in value]
    if kind is tuple:
        return tuple(_plain(v) for v in value)
    if kind is dict:
        return {_plain(k): _plain(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return record(value)
    if isinstance(value, list | tuple | dict):  # subclasses (named tuples...): asdict's own rules
        return asdict(_Holder(value))["value"]
    return copy.deepcopy(value)


@dataclass
class _Holder:
    value: object


def _with_answers(present, negated, answers: list[dict]) -> tuple[list[str], list[str], list[str]]:
    """The findings after the answers to earlier questions: a "yes" is present (and no longer
    denied), a "no" denied unless present. Returns present, negated and the symptoms asked."""
    present, negated = list(present), list(negated)
    asked: list[str] = []
    for answer in answers:
        slug, value = answer.get("symptom"), answer.get("answer")
        asked.append(slug)
        if value == "yes" and slug not in present:
            present.append(slug)
            if slug in negated:
                negated.remove(slug)
        elif value == "no" and slug not in negated and slug not in present:
            negated.append(slug)
    return present, negated, asked


def _rank(snapshot, model, present, negated, age_years, sex):
    """The model's probabilities, the conditions shown (none when even the first has thin
    evidence), and the conformal set with its coverage when the model is calibrated."""
    probabilities = _posterior(snapshot, model, present, negated, age_years, sex)
    conditions = _shown_conditions(snapshot, probabilities, present, negated)
    prediction_set = coverage = None
    if model.conformal is not None:
        coverage = coverage_setting()
        prediction_set = _prediction_set(snapshot, model, probabilities, age_years, sex, coverage, present)
    if conditions and conditions[0].probability < THIN_EVIDENCE:
        conditions = []
    return probabilities, conditions, prediction_set, coverage


def _shown_conditions(snapshot, probabilities: np.ndarray, present, negated) -> list[ConditionResult]:
    """The most likely conditions, at most MAX_CONDITIONS, each above MIN_SHOWN and each supported
    by at least one finding (never a condition none of the findings supports)."""
    col = snapshot.symptom_columns
    conditions: list[ConditionResult] = []
    for d in np.argsort(-probabilities)[: MAX_CONDITIONS * 3]:
        p = float(probabilities[d])
        if p < MIN_SHOWN or len(conditions) == MAX_CONDITIONS:
            break
        explained = _explain(snapshot, int(d), p, present, negated, col)
        if explained.supporting:
            conditions.append(explained)
    return conditions


def _prediction_set(snapshot, model, probabilities, age_years, sex, coverage, present) -> list[str]:
    """The conformal set's condition names at ``coverage``."""
    slugs = model.conformal.prediction_set(
        probabilities, snapshot.disease_slugs, age_years, sex, coverage, findings=len(present)
    )
    names = snapshot.disease_names
    return [names[s] for s in slugs]


def _question_after(snapshot, probabilities, top, prediction_set, known, asked, stop_rule) -> str | None:
    """The next question, unless the budget is spent or the answer is clear. Asked also when no
    condition is shown yet for thin evidence: that is when a question helps most."""
    if probabilities is None or len(asked) >= MAX_QUESTIONS:
        return None
    if _settled(stop_rule or QUESTION_STOP_RULE, top, prediction_set):
        return None
    return _next_question(snapshot, probabilities, known + asked, first=not asked)


def _next_question(snapshot, probabilities, known: list[str], *, first: bool) -> str | None:
    """The symptom whose answer is expected to tell the likely conditions apart best (a
    stigmatising risk factor only when no other question comes close: ``questions.choose_question``)."""
    col = snapshot.symptom_columns
    exclude = {col[s] for s in known if s in col}
    stigmatising = {col[s] for s in STIGMATISING if s in col}
    q = best_question(probabilities, snapshot.likelihood, exclude, stigmatising=stigmatising, first=first)
    return snapshot.symptoms[q] if q is not None else None


def _settled(rule: str, top: float, prediction_set: list[str] | None) -> bool:
    """Whether the answer is clear enough to stop asking questions."""
    if rule == "conformal" and prediction_set is not None:
        return 0 < len(prediction_set) <= SETTLED_SET
    return top >= CONFIDENT


def _decide(snapshot, text, assessment, fired, triage) -> tuple[str, list[dict], bool]:
    """The level, the red flags shown, and whether urgency is settled (no questions are asked then).
    Words that sound like an emergency no rule named raise the level (alarm_text.py); never lower."""
    red_flags = [record(f) for f in fired] + [record(f) for f in assessment.fired]
    alarm = alarm_flag(snapshot.alarm_text, text, triage)
    if alarm is not None:
        triage, red_flags = TriageLevel.EMERGENCY, [*red_flags, alarm]
    decided = bool(fired or alarm) or any(f.level == TriageLevel.EMERGENCY for f in assessment.fired)
    return triage, red_flags, decided


def _still_unrecognised(phrases: list[str], assessment: TriageAssessment) -> list[str]:
    """Phrases the symptom resolver could not use, less those the complaint layer understood
    ("earache" is not a symptom the model knows, but it is a complaint with advice)."""
    if not assessment.recognised:
        return phrases
    understood = {word for f in assessment.findings for word in tokenise(f.text)}
    out = []
    for phrase in phrases:
        words = [w for w in tokenise(phrase) if w.isalpha() and len(w) > 2]
        if not words or sum(w in understood for w in words) * 2 < len(words):
            out.append(phrase)
    return out


def _assess(snapshot, text, chips, answered_yes, subject) -> TriageAssessment:
    """The complaint layer reads the words, the chips and every question answered yes."""
    names = [snapshot.symptom_names.get(slug, "") for slug in answered_yes]
    return snapshot.complaints.assess(". ".join([text or "", *map(str, chips or ()), *names]), subject)


def _triage(assessment, fired, conditions, present, low_confidence, prediction_set=None) -> str:
    """The most urgent of: the complaint layer, the red-flag rules and the conditions the model
    ranks. Nothing unrecognised, outside the model's scope or uncertain is ever self-care: a
    conformal set that is empty or holds more than WIDE_SET conditions counts as uncertain."""
    levels = [assessment.level] + [f.level for f in fired]
    if prediction_set is not None and not 0 < len(prediction_set) <= WIDE_SET:
        levels.append(TriageLevel.GP)
    serious = (TriageLevel.EMERGENCY, TriageLevel.URGENT)
    if conditions and assessment.complaints:
        # A recognised complaint already says what to do; the model may only make it more urgent:
        # a likely emergency, or a confident condition whose usual level is higher. An uncertain
        # guess at an urgent condition does not overrule the complaint's own discriminators.
        levels += [
            c.default_triage
            for c in conditions
            if c.probability >= TRIAGE_CONTRIBUTION
            and (
                c.default_triage == TriageLevel.EMERGENCY
                or (c.default_triage in serious and not low_confidence)
            )
        ]
        if not low_confidence:
            levels.append(conditions[0].default_triage)
    elif conditions:
        levels.append(conditions[0].default_triage)
        levels += [c.default_triage for c in conditions if c.probability >= TRIAGE_CONTRIBUTION]
        if low_confidence:
            levels.append(TriageLevel.GP)
    elif assessment.level is None:
        # Symptoms the model cannot rank, or nothing recognised at all: a person must still be told
        # where to go, and it is never "look after yourself".
        levels.append(TriageLevel.GP)
    return most_urgent(levels)


def _subject_facts(subject: Subject, assessment: TriageAssessment) -> dict:
    return {
        "age_months": assessment.age_months,
        "sex": subject.sex,
        "pregnant": assessment.pregnant,
        "breastfeeding": bool(subject.breastfeeding),
        "temperature_c": assessment.temperature_c,
        "duration_days": assessment.duration_days,
    }


def _safety_net(assessment: TriageAssessment) -> list[str]:
    lines: list[str] = []
    for complaint in assessment.complaints:
        for line in complaint.safety_net:
            if line not in lines:
                lines.append(line)
    return lines[:6]


def _posterior(snapshot, model, present, negated, age, sex) -> np.ndarray:
    """Model probabilities mapped onto the snapshot's conditions, then denied symptoms applied."""
    raw = model.predict_proba([present], [age], [sex])[0]
    p = np.zeros(len(snapshot.diseases))
    index = snapshot.disease_rows
    for cls, prob in zip(model.classes, raw, strict=True):
        if cls in index:
            p[index[cls]] = prob
    if p.sum() <= 0:
        p[:] = 1.0
    p /= p.sum()
    if negated:
        col = snapshot.symptom_columns
        p = apply_denials(p, snapshot.likelihood, [col[s] for s in negated if s in col])
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
