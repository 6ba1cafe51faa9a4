"""How much a clinician's label on a check would teach the condition model (active learning).

Pure functions, no database: the review queue orders checks *within the same urgency* by this
score, so a clinician's time goes first to the checks the model is least sure about. Urgency
always comes first (feedback.selectors), and a check waiting longer than REVIEW_STARVATION_HOURS
rises above the score, so a confident check is never left waiting for ever.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _

from diagnosis.engine.questions import entropy
from diagnosis.models import TRIAGE_ORDER, TriageLevel

# Weights of the three signals (they sum to 1, so the score is in [0, 1]).
W_SET = 0.4
W_ENTROPY = 0.3
W_DISAGREE = 0.3
# Entropy is divided by the entropy of a flat list of this many outcomes (the 5 conditions a check
# shows plus "something else"), so two equally likely conditions score log 2 / log 6 = 0.39.
ENTROPY_OUTCOMES = 6
# A conformal set this wide (or empty: nothing could be narrowed down) counts as fully uncertain.
FULL_SET = 4
# Below this the reason is not worth showing.
SHOW_REASON = 0.15


class Kind:
    UNCERTAIN = "uncertain"
    DISAGREE = "disagree"
    UNRANKED = "unranked"


@dataclass(frozen=True)
class LearningValue:
    score: float
    kind: str = ""  # "" when nothing is worth saying
    # For "uncertain": the two condition names; for "disagree": the model's and the rules' levels.
    detail: list[str] = field(default_factory=list)

    def as_reason(self) -> dict:
        return {"kind": self.kind, "detail": list(self.detail)} if self.kind else {}


def normalised_entropy(probabilities: list[float]) -> float:
    """Entropy of the shown probabilities plus the mass they leave to "something else", in [0, 1]."""
    ps = [max(0.0, float(p)) for p in probabilities]
    total = sum(ps)
    if total > 1.0:
        ps = [p / total for p in ps]
        total = 1.0
    rest = 1.0 - total
    if rest > 1e-9:
        ps.append(rest)
    # In bits, as the interview's information gain measures it; the base cancels in the ratio.
    return min(1.0, float(entropy(np.array(ps))) / math.log2(ENTROPY_OUTCOMES))


def set_uncertainty(size: int | None) -> float | None:
    """0 for a single-condition set, rising to 1 at FULL_SET; an empty set is 1; None: no set."""
    if size is None:
        return None
    if size == 0:
        return 1.0
    return min(1.0, (size - 1) / (FULL_SET - 1))


def triage_disagreement(model_level: str | None, rules_level: str | None) -> float:
    """0 when they agree or either is missing; 0.5 one level apart, 0.75 two, 1.0 three."""
    if not model_level or not rules_level:
        return 0.0
    gap = abs(TRIAGE_ORDER[TriageLevel(model_level)] - TRIAGE_ORDER[TriageLevel(rules_level)])
    return 0.0 if gap == 0 else (1 + gap) / 4


def learning_value(
    *,
    conditions: list[tuple[str, float]],
    prediction_set: list[str] | None,
    model_level: str | None,
    rules_level: str | None,
) -> LearningValue:
    """Score a check from its ranked (name, probability) list, its conformal set (None when the
    model has no calibration), the usual triage of the model's top condition and the most urgent
    level the red-flag rules and the complaint layer reached (None when none fired)."""
    if not conditions:
        # The model ranked nothing: a label is new ground for it.
        return LearningValue(round(W_SET + W_ENTROPY, 4), Kind.UNRANKED, [])
    entropy = normalised_entropy([p for _, p in conditions])
    spread = set_uncertainty(len(prediction_set) if prediction_set is not None else None)
    if spread is None:
        spread = entropy  # no calibration: the entropy stands in for the set
    disagree = triage_disagreement(model_level, rules_level)
    score = round(W_SET * spread + W_ENTROPY * entropy + W_DISAGREE * disagree, 4)
    if score < SHOW_REASON:
        return LearningValue(score)
    disagreement = LearningValue(score, Kind.DISAGREE, [str(model_level), str(rules_level)])
    if disagree > 0 and W_DISAGREE * disagree >= W_SET * spread + W_ENTROPY * entropy:
        return disagreement
    names = list(prediction_set)[:2] if prediction_set and len(prediction_set) >= 2 else []
    if len(names) < 2:
        names = [name for name, _ in conditions[:2]]
    if len(names) == 2:
        return LearningValue(score, Kind.UNCERTAIN, names)
    return disagreement if disagree > 0 else LearningValue(score)


def rules_level(red_flags: list[dict], complaints: list[dict]) -> str | None:
    """The most urgent level any red-flag rule or recognised complaint reached, or None."""
    levels = [str(item.get("level")) for item in [*red_flags, *complaints] if item.get("level")]
    levels = [level for level in levels if level in TriageLevel.values]
    if not levels:
        return None
    return min(levels, key=lambda level: TRIAGE_ORDER[TriageLevel(level)])


def reason_text(reason: dict) -> str:
    """The stored reason in the clinician's words, e.g. "Uncertain between Migraine and Tension headache"."""
    kind, detail = reason.get("kind"), list(reason.get("detail") or [])
    if kind == Kind.UNCERTAIN and len(detail) == 2:
        return _("Uncertain between %(a)s and %(b)s") % {"a": detail[0], "b": detail[1]}
    if kind == Kind.DISAGREE and len(detail) == 2:
        labels = [str(TriageLevel(level).label) if level in TriageLevel.values else level for level in detail]
        return _("Model and rules disagree (model: %(model)s; rules: %(rules)s)") % {
            "model": labels[0],
            "rules": labels[1],
        }
    if kind == Kind.UNRANKED:
        return _("The model could not rank any condition")
    return ""
