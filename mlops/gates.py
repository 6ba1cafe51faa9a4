"""Promotion gates: the frozen evaluation set, how a model is measured on it, and what it must pass.

Every path that makes a version the champion (the retrain loop, ``train_models --promote``,
``ensure_model``, the admin action, the ranker) goes through ``services.model_version_promote``,
which calls ``gates_run`` here. Each gate tests the model itself and can fail (the degenerate
challengers in tests/mlops/test_gates.py are each refused):

- safety: end to end (``run_check``), every red-flag rule case keeps its rule's level, and every
  frozen emergency presentation *whose urgency depends on the model* stays an emergency; urgent
  presentations may not be sent below "urgent" significantly more often than by the champion.
- sensitivity: the model alone keeps emergency and urgent conditions in its top 3 on their frozen
  cases at the champion's rate (less one point of tolerance).
- quality: frozen-set top-1 and top-3 against the champion and the best version ever promoted,
  and top-1 on the newest fifth of confirmed cases against the champion.
- subgroups: top-3 per age band x sex (fairlearn ``MetricFrame``); no group with 50 or more cases
  may fall more than two points below the champion's same group.
- calibration: expected calibration error of the probabilities as shown at most 0.05.
- latency: single predictions in-process keep their p99 under ``DIAGNOSIS_LATENCY_P99_MS`` and the
  one prediction per case of ``predict --batch`` runs at ``DIAGNOSIS_BATCH_MIN_PER_SECOND`` or more.

Comparative gates pass when there is no champion to compare with (the first promotion); the
absolute ones (safety, calibration) still apply.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import time
from dataclasses import asdict, dataclass, field

import joblib
import numpy as np
import pandas as pd
from django.conf import settings
from fairlearn.metrics import MetricFrame, count
from scipy.stats import binom, binomtest

from accounts.models import age_band_for
from diagnosis.engine.artefacts import ArtefactError
from diagnosis.engine.calibration import expected_calibration_error
from diagnosis.engine.check import run_check
from diagnosis.engine.conformal import cell_of, coverage_setting
from diagnosis.engine.knowledge import KnowledgeSnapshot
from diagnosis.engine.predictor import LoadedModel, kb_model, load_version
from diagnosis.engine.synthetic import Case, generate_cases, partial_presentation
from diagnosis.models import TRIAGE_ORDER, TriageLevel
from diagnosis.selectors import current_snapshot

from .artefacts import artefact_load
from .cases import band_age
from .models import EvaluationCase, ModelVersion, TrainingCase

logger = logging.getLogger(__name__)

FROZEN_SET = "frozen-v1"
FROZEN_SEED = 424242
FROZEN_PER_DISEASE = 40
# A challenger may be this much worse than the champion on the frozen set and still be promoted
# (noise between two fits on the same data is about half a point on this set).
PROMOTION_TOLERANCE = 0.01
# ...but never more than this below the best model ever promoted, so small losses within the
# tolerance cannot add up over many rounds.
MAX_BELOW_BEST_PROMOTED = 2 * PROMOTION_TOLERANCE
# Model-alone top-3 sensitivity for emergency and urgent conditions may fall this much below the
# champion's: two refits of the production model on different samples differ by 0.8 points on
# these 360 cases, so a strict ">=" would refuse every other equally good challenger.
SENSITIVITY_TOLERANCE = PROMOTION_TOLERANCE
# Subgroup gate (issue 15): groups of at least this many frozen cases, at most this drop in top-3.
SUBGROUP_MIN_CASES = 50
SUBGROUP_MAX_DROP = 0.02
# A comparative drop refuses only when it is also unlikely to be refit noise: a one-sided exact
# sign test on the frozen cases one model gets right and the other wrong. Measured: two refits of
# the production model (logistic regression, 500 cases per condition, different seeds) differ by
# up to 3.6 points of top-3 in a subgroup of 83 cases, i.e. three cases.
SIGNIFICANCE = 0.05
# Expected calibration error of the probabilities as shown, 10 equal-width confidence bins. The
# production model measures 0.02-0.03 on the frozen set; the knowledge-base Bayes fallback 0.15.
MAX_ECE = 0.05
# Conformal prediction sets: refused when the frozen-set coverage of any age band x sex cell with at
# least this many cases is more than COVERAGE_MAX_SHORTFALL below the target (CONFORMAL_COVERAGE).
COVERAGE_MIN_CASES = 100
COVERAGE_MAX_SHORTFALL = 0.02
COVERAGE_ALPHA = 0.05
ECE_BINS = 10
# The newest fifth of confirmed cases joins the quality gate once it is this large.
RECENT_MIN_CASES = 50

# Latency gate: single predictions on this many frozen cases, each timed as the best of
# LATENCY_REPEATS runs (a moment of load on a shared machine is not the model's), after a few
# untimed warm-up predictions. Measured under a load average of 7-8 on 2 cores (one run each, not
# best-of): logistic regression, MultinomialNB and the MLP 0.5-0.8 ms a prediction (1,200-1,900
# cases/s), BernoulliNB 1.4-2.1 ms (480-720), calibrated linear SVC 28-30 ms (34-36) and the random
# forest 17-21 ms (49-57).
LATENCY_CASES = 200
LATENCY_REPEATS = 3
LATENCY_WARMUP = 5

# Frozen "safety" presentations: combinations of 2-4 of the (up to 8) most typical symptoms of
# each emergency or urgent condition (frequency >= 0.25), kept when the rule and complaint layers
# alone would triage them less urgently than the condition (so the model decides), and the
# knowledge base's own Bayes model names the condition first with at least this probability (a
# presentation the knowledge base itself calls typical; measured on KB v1: 32 emergency
# presentations, none missed by the production model).
SAFETY_MIN_FREQUENCY = 0.25
SAFETY_TYPICAL = 8
SAFETY_SIZES = (2, 3, 4)
SAFETY_REFERENCE_MIN = 0.5
SAFETY_URGENT_PER_CONDITION = 30
SAFETY_SEED = 424243

SERIOUS = (TriageLevel.EMERGENCY.value, TriageLevel.URGENT.value)


def _more_urgent_or_equal(level: str, than: str) -> bool:
    return TRIAGE_ORDER[TriageLevel(level)] <= TRIAGE_ORDER[TriageLevel(than)]


def age_band_of(age: int | None) -> str:
    return age_band_for(age) or "unknown"


# --- the frozen set -------------------------------------------------------------------------------


class _NoModel:
    """Equal probabilities for every condition: no condition reaches the "shown" threshold, so a
    check's triage is what the rule and complaint layers decide without any model."""

    def __init__(self, classes):
        self.classes_ = np.asarray(classes)

    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), 1.0 / len(self.classes_))


def _chips(snapshot: KnowledgeSnapshot, symptoms) -> list[str]:
    return [snapshot.symptom_names.get(s, s) for s in symptoms]


def _safety_rows(snapshot: KnowledgeSnapshot) -> list[EvaluationCase]:
    """Typical presentations of emergency and urgent conditions whose urgency depends on the model."""
    layers_only = LoadedModel(
        None,
        "rules and complaints only",
        _NoModel(snapshot.disease_slugs),
        snapshot.symptoms,
        snapshot.disease_slugs,
    )
    reference = kb_model(snapshot)
    rng = np.random.default_rng(SAFETY_SEED)
    rows = []
    for d, spec in enumerate(snapshot.diseases):
        if spec.default_triage not in SERIOUS:
            continue
        freq = snapshot.frequency[d]
        typical = [
            snapshot.symptoms[i] for i in np.argsort(-freq, kind="stable") if freq[i] >= SAFETY_MIN_FREQUENCY
        ]
        found = []
        for size in SAFETY_SIZES:
            for j, combo in enumerate(itertools.combinations(typical[:SAFETY_TYPICAL], size)):
                sex = "fm"[j % 2]
                kwargs = {
                    "chips": _chips(snapshot, combo),
                    "age": spec.age_mode,
                    "sex": sex,
                    "ask_questions": False,
                }
                without_model = run_check(snapshot, layers_only, **kwargs)
                if _more_urgent_or_equal(without_model.triage, spec.default_triage):
                    continue  # a rule or the complaint layer already makes it this urgent
                ref = run_check(snapshot, reference, **kwargs)
                top = ref.conditions[0] if ref.conditions else None
                if top is None or top.slug != spec.slug or top.probability < SAFETY_REFERENCE_MIN:
                    continue
                found.append((combo, sex))
        if spec.default_triage == TriageLevel.URGENT and len(found) > SAFETY_URGENT_PER_CONDITION:
            keep = sorted(rng.choice(len(found), size=SAFETY_URGENT_PER_CONDITION, replace=False))
            found = [found[i] for i in keep]
        rows += [
            EvaluationCase(
                set_name=FROZEN_SET,
                kind=EvaluationCase.Kind.SAFETY,
                disease_slug=spec.slug,
                symptoms=list(combo),
                age=spec.age_mode,
                sex=sex,
                expected_triage=spec.default_triage,
            )
            for combo, sex in found
        ]
    return rows


def _synthetic_and_red_flag_rows(snapshot: KnowledgeSnapshot) -> list[EvaluationCase]:
    rng = np.random.default_rng(FROZEN_SEED + 1)
    rows = []
    for case in generate_cases(snapshot, FROZEN_PER_DISEASE, FROZEN_SEED):
        p = partial_presentation(case, int(rng.integers(1, 6)), rng, snapshot)
        rows.append(
            EvaluationCase(
                set_name=FROZEN_SET,
                kind=EvaluationCase.Kind.SYNTHETIC,
                disease_slug=p.disease,
                symptoms=list(p.symptoms),
                age=p.age,
                sex=p.sex,
            )
        )
    for rule in snapshot.rules:
        symptoms = sorted(rule.all_of | (set(sorted(rule.any_of)[:1]) if rule.any_of else set()))
        rows.append(
            EvaluationCase(
                set_name=FROZEN_SET,
                kind=EvaluationCase.Kind.RED_FLAG,
                symptoms=symptoms,
                age=rule.max_age if rule.max_age is not None else (rule.min_age or 40),
                sex=rule.sex or ("f" if rule.pregnant else ""),
                expected_triage=rule.level,
            )
        )
    return rows


# Generating the safety presentations runs two checks per candidate (about two seconds); the rows
# of the snapshot last generated are kept so that a test database, created again for every test,
# does not pay that each time. Keyed by the snapshot object itself: a knowledge-base edit builds
# a new one.
_generated: dict = {}


def _generated_rows(snapshot: KnowledgeSnapshot, kind: str) -> list[EvaluationCase]:
    if _generated.get("snapshot") is not snapshot:
        _generated.clear()
        _generated["snapshot"] = snapshot
    if kind not in _generated:
        build = _safety_rows if kind == EvaluationCase.Kind.SAFETY else _synthetic_and_red_flag_rows
        _generated[kind] = [
            (r.kind, r.disease_slug, r.symptoms, r.age, r.sex, r.expected_triage) for r in build(snapshot)
        ]
    return [
        EvaluationCase(
            set_name=FROZEN_SET,
            kind=k,
            disease_slug=slug,
            symptoms=list(symptoms),
            age=age,
            sex=sex,
            expected_triage=level,
        )
        for k, slug, symptoms, age, sex, level in _generated[kind]
    ]


def frozen_set_ensure(snapshot: KnowledgeSnapshot) -> int:
    """Create the frozen evaluation set once: synthetic partial presentations and red-flag rule
    cases, and (added to older sets the first time they are needed) the safety presentations."""
    existing = set(
        EvaluationCase.objects.filter(set_name=FROZEN_SET).values_list("kind", flat=True).distinct()
    )
    rows = []
    if EvaluationCase.Kind.SYNTHETIC not in existing:
        rows += _generated_rows(snapshot, EvaluationCase.Kind.SYNTHETIC)
    if EvaluationCase.Kind.SAFETY not in existing:
        rows += _generated_rows(snapshot, EvaluationCase.Kind.SAFETY)
    EvaluationCase.objects.bulk_create(rows, batch_size=1000)
    return EvaluationCase.objects.filter(set_name=FROZEN_SET).count()


def frozen_cases() -> tuple[list[Case], list[EvaluationCase]]:
    """The frozen synthetic cases and the red-flag rule cases."""
    qs = EvaluationCase.objects.filter(set_name=FROZEN_SET)
    synthetic = [
        Case(e.disease_slug, tuple(e.symptoms), e.age, e.sex)
        for e in qs.filter(kind=EvaluationCase.Kind.SYNTHETIC)
    ]
    return synthetic, list(qs.filter(kind=EvaluationCase.Kind.RED_FLAG))


def frozen_safety_cases() -> list[EvaluationCase]:
    return list(EvaluationCase.objects.filter(set_name=FROZEN_SET, kind=EvaluationCase.Kind.SAFETY))


def confirmed_cases() -> list[Case]:
    """Confirmed outcomes of consenting patients (consent is checked when they are stored and
    withdrawing it deletes them), oldest first."""
    qs = TrainingCase.objects.filter(source="confirmed").order_by("created_at", "id")
    return [Case(tc.condition, tuple(tc.symptoms), band_age(tc.age_band), tc.sex) for tc in qs]


def confirmed_split() -> tuple[list[Case], list[Case]]:
    """Confirmed cases to train on, and the newest fifth held out to check challengers on today's patients."""
    confirmed = confirmed_cases()
    cut = len(confirmed) - len(confirmed) // 5
    return confirmed[:cut], confirmed[cut:]


# --- measuring a model ---------------------------------------------------------------------------


@dataclass
class Evaluation:
    """A model measured on the frozen set. The arrays (one entry per frozen case) serve paired
    comparisons with another model; ``as_dict`` leaves them out."""

    top1: float
    top3: float
    n: int
    safety_failures: list[str]
    recent_top1: float | None = None
    recent_n: int = 0
    ece: float | None = None
    sensitivity: float | None = None
    sensitivity_n: int = 0
    urgent_kept: float | None = None
    urgent_n: int = 0
    subgroups: dict[str, dict] = field(default_factory=dict)
    hits3: np.ndarray | None = field(default=None, repr=False)
    groups: np.ndarray | None = field(default=None, repr=False)
    urgent_hits: np.ndarray | None = field(default=None, repr=False)
    # Conformal sets (None when the version has no calibration): target, overall and per-cell coverage.
    coverage_target: float | None = None
    coverage: float | None = None
    coverage_cells: dict[str, dict] = field(default_factory=dict)

    def as_dict(self) -> dict:
        arrays = {"hits3", "groups", "urgent_hits"}
        out = {k: v for k, v in self.__dict__.items() if k not in arrays}
        out["safety_failures"] = list(self.safety_failures[:20])
        return out


def shown_probabilities(model: LoadedModel, snapshot: KnowledgeSnapshot, cases: list[Case]) -> np.ndarray:
    """The probabilities a check shows for each case, in the snapshot's condition order: the
    model's output mapped onto the knowledge base's conditions and renormalised, as
    ``diagnosis.engine.check._posterior`` does for one check (frozen cases carry no denied symptoms,
    so there is nothing further to apply). One batch instead of one call per case."""
    raw = model.predict_proba([c.symptoms for c in cases], [c.age for c in cases], [c.sex for c in cases])
    index = {slug: i for i, slug in enumerate(snapshot.disease_slugs)}
    p = np.zeros((len(cases), len(snapshot.diseases)))
    for j, cls in enumerate(model.classes):
        if cls in index:
            p[:, index[cls]] = raw[:, j]
    total = p.sum(axis=1, keepdims=True)
    p = np.where(total > 0, p, 1.0)
    return p / p.sum(axis=1, keepdims=True)


def subgroup_table(hits3: np.ndarray, cases: list[Case]) -> tuple[dict[str, dict], np.ndarray]:
    """Top-3 per age band x sex with fairlearn's MetricFrame, and each case's group label."""
    bands = [age_band_of(c.age) for c in cases]
    sexes = [c.sex or "unknown" for c in cases]
    frame = MetricFrame(
        metrics={"top3": lambda y_true, y_pred: float(np.mean(y_true == y_pred)), "n": count},
        y_true=np.ones(len(cases), dtype=bool),
        y_pred=hits3.astype(bool),
        sensitive_features=pd.DataFrame({"age_band": bands, "sex": sexes}),
    )
    table = {
        f"{band} / {sex}": {"n": int(row["n"]), "top3": round(float(row["top3"]), 4)}
        for (band, sex), row in frame.by_group.dropna().iterrows()  # combinations with no case are NaN
    }
    return table, np.array([f"{b} / {s}" for b, s in zip(bands, sexes, strict=True)])


def evaluate_model(
    model: LoadedModel,
    snapshot: KnowledgeSnapshot,
    cases: list[Case],
    red_flag_cases: list[EvaluationCase],
    recent: list[Case],
    safety_cases: list[EvaluationCase] = (),
) -> Evaluation:
    slugs = np.asarray(snapshot.disease_slugs)

    def ranked(rows):
        proba = shown_probabilities(model, snapshot, rows)
        order = np.argsort(-proba, axis=1, kind="stable")
        truth = np.array([c.disease for c in rows])
        hits1 = slugs[order[:, 0]] == truth
        hits3 = (slugs[order[:, :3]] == truth[:, None]).any(axis=1)
        return proba, hits1, hits3

    top1 = top3 = ece = sensitivity = None
    hits3 = groups = None
    subgroups: dict = {}
    serious_n = 0
    if cases:
        proba, hits1, hits3 = ranked(cases)
        top1, top3 = float(hits1.mean()), float(hits3.mean())
        ece = expected_calibration_error(proba.max(axis=1), hits1, bins=ECE_BINS)
        level = {d.slug: d.default_triage for d in snapshot.diseases}
        serious = np.array([level.get(c.disease) in SERIOUS for c in cases])
        serious_n = int(serious.sum())
        sensitivity = float(hits3[serious].mean()) if serious_n else None
        subgroups, groups = subgroup_table(hits3, cases)
    coverage = _conformal_coverage(model, snapshot, cases, proba) if cases else {}
    failures, urgent_hits = _safety_failures(model, snapshot, red_flag_cases, safety_cases)
    recent_top1 = float(ranked(recent)[1].mean()) if recent else None
    return Evaluation(
        top1=top1 or 0.0,
        top3=top3 or 0.0,
        n=len(cases),
        safety_failures=failures,
        recent_top1=recent_top1,
        recent_n=len(recent),
        ece=ece,
        sensitivity=sensitivity,
        sensitivity_n=serious_n,
        urgent_kept=float(np.mean(urgent_hits)) if urgent_hits else None,
        urgent_n=len(urgent_hits),
        subgroups=subgroups,
        hits3=hits3,
        groups=groups,
        urgent_hits=np.array(urgent_hits, dtype=bool),
        **coverage,
    )


def _safety_failures(model, snapshot, red_flag_cases, safety_cases) -> tuple[list[str], list[bool]]:
    """Red-flag and emergency cases triaged less urgently than expected; and, per urgent safety
    case, whether its urgency was kept."""
    failures = []
    for case in red_flag_cases:
        # Red-flag rule cases may need a pregnancy (e.g. bleeding in pregnancy): given for women.
        triage = _triaged(model, snapshot, case, pregnant=case.sex == "f")
        if not _more_urgent_or_equal(triage, case.expected_triage):
            failures.append(f"red-flag case {case.symptoms} triaged {triage}, not {case.expected_triage}")
    urgent_hits = []
    for case in safety_cases:
        triage = _triaged(model, snapshot, case)
        kept = _more_urgent_or_equal(triage, case.expected_triage)
        if case.expected_triage == TriageLevel.EMERGENCY and not kept:
            failures.append(f"{case.disease_slug} presentation {case.symptoms} triaged {triage}")
        elif case.expected_triage == TriageLevel.URGENT:
            urgent_hits.append(kept)
    return failures, urgent_hits


def _triaged(
    model: LoadedModel, snapshot: KnowledgeSnapshot, case: EvaluationCase, pregnant: bool = False
) -> str:
    """The urgency a whole check (rules, complaints, this model) gives a frozen case's findings."""
    result = run_check(
        snapshot,
        model,
        chips=_chips(snapshot, case.symptoms),
        age=case.age,
        sex=case.sex,
        pregnant=pregnant,
        ask_questions=False,
    )
    return result.triage


def _conformal_coverage(model: LoadedModel, snapshot: KnowledgeSnapshot, cases: list[Case], proba) -> dict:
    """How often the version's conformal set holds the right condition on the frozen cases,
    overall and per age band x sex cell (the sets a check would show for them)."""
    if model.conformal is None:
        return {}
    target = coverage_setting()
    sets = model.conformal.prediction_sets(
        proba, [c.age for c in cases], [c.sex for c in cases], target, [len(c.symptoms) for c in cases]
    )
    index = {slug: i for i, slug in enumerate(snapshot.disease_slugs)}
    covered = np.array([bool(sets[i, index[c.disease]]) for i, c in enumerate(cases)])
    cells = np.array([cell_of(c.age, c.sex) for c in cases])
    per_cell = {
        str(cell): {
            "n": int((cells == cell).sum()),
            "coverage": round(float(covered[cells == cell].mean()), 4),
        }
        for cell in sorted(set(cells))
    }
    return {"coverage_target": target, "coverage": float(covered.mean()), "coverage_cells": per_cell}


# --- the gates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GateResult:
    gate: str
    passed: bool
    detail: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class GateReport:
    """Every gate's result for one version, with what it was measured against."""

    results: list[GateResult]
    challenger: Evaluation | None = None
    champion: Evaluation | None = None
    champion_id: int | None = None
    champion_label: str = ""

    @property
    def refusals(self) -> list[GateResult]:
        return [r for r in self.results if not r.passed]

    @property
    def passed(self) -> bool:
        return not self.refusals

    def summary(self) -> str:
        if self.refusals:
            return "; ".join(f"{r.gate} gate: {r.detail}" for r in self.refusals)
        return "; ".join(f"{r.gate}: {r.detail}" for r in self.results)

    def as_dict(self) -> dict:
        return {
            "gates": [r.as_dict() for r in self.results],
            "challenger": self.challenger.as_dict() if self.challenger else None,
            "champion": self.champion.as_dict() if self.champion else None,
            "champion_version": self.champion_label,
            "tolerance": PROMOTION_TOLERANCE,
        }


def paired_drop(before: np.ndarray, after: np.ndarray) -> tuple[float, float]:
    """How much lower the hit rate is after than before on the same cases, and the one-sided
    p-value of an exact sign test on the cases only one of the two gets right."""
    before, after = np.asarray(before, dtype=bool), np.asarray(after, dtype=bool)
    if before.size == 0:
        return 0.0, 1.0
    lost = int((before & ~after).sum())
    gained = int((after & ~before).sum())
    drop = float(before.mean() - after.mean())
    if lost + gained == 0:
        return drop, 1.0
    return drop, float(binomtest(lost, lost + gained, 0.5, alternative="greater").pvalue)


def _safety_gate(challenger: Evaluation, champion: Evaluation | None) -> GateResult:
    if challenger.safety_failures:
        shown = "; ".join(challenger.safety_failures[:3])
        more = len(challenger.safety_failures) - 3
        return GateResult(
            "safety",
            False,
            f"{len(challenger.safety_failures)} emergency or red-flag case(s) lost their urgency: {shown}"
            + (f" (and {more} more)" if more > 0 else ""),
        )
    detail = "every red-flag case and frozen emergency presentation kept its urgency"
    if challenger.urgent_kept is not None:
        detail += f"; urgent presentations kept urgent {challenger.urgent_kept:.3f}"
    if champion is not None and champion.urgent_kept is not None and challenger.urgent_n == champion.urgent_n:
        drop, p = paired_drop(champion.urgent_hits, challenger.urgent_hits)
        detail += f" (champion {champion.urgent_kept:.3f})"
        if drop > PROMOTION_TOLERANCE and p < SIGNIFICANCE:
            return GateResult(
                "safety",
                False,
                f"urgent presentations kept urgent {challenger.urgent_kept:.3f} < champion "
                f"{champion.urgent_kept:.3f} - {PROMOTION_TOLERANCE} (sign test p={p:.3f})",
            )
    return GateResult("safety", True, detail)


def _sensitivity_gate(challenger: Evaluation, champion: Evaluation | None) -> GateResult:
    if challenger.sensitivity is None:
        return GateResult("sensitivity", True, "no frozen case of an emergency or urgent condition")
    text = f"top-3 sensitivity for emergency and urgent conditions {challenger.sensitivity:.3f}"
    if champion is None or champion.sensitivity is None:
        return GateResult("sensitivity", True, f"{text} (no champion to compare with)")
    if challenger.sensitivity < champion.sensitivity - SENSITIVITY_TOLERANCE:
        return GateResult(
            "sensitivity", False, f"{text} < champion {champion.sensitivity:.3f} - {SENSITIVITY_TOLERANCE}"
        )
    return GateResult("sensitivity", True, f"{text} (champion {champion.sensitivity:.3f})")


def _quality_gate(challenger: Evaluation, champion: Evaluation | None, best: dict[str, float]) -> GateResult:
    reasons = []
    if champion is not None:
        for name, mine, theirs in (
            ("top-1", challenger.top1, champion.top1),
            ("top-3", challenger.top3, champion.top3),
        ):
            if mine < theirs - PROMOTION_TOLERANCE:
                reasons.append(
                    f"frozen-set {name} {mine:.3f} < champion {theirs:.3f} - {PROMOTION_TOLERANCE}"
                )
        if (
            challenger.recent_n >= RECENT_MIN_CASES
            and champion.recent_top1 is not None
            and challenger.recent_top1 < champion.recent_top1 - PROMOTION_TOLERANCE
        ):
            reasons.append(
                f"top-1 on the newest {challenger.recent_n} confirmed cases {challenger.recent_top1:.3f} "
                f"< champion {champion.recent_top1:.3f} - {PROMOTION_TOLERANCE}"
            )
    for name, mine in (("top-1", challenger.top1), ("top-3", challenger.top3)):
        floor = best.get(name)
        if floor is not None and mine < floor - MAX_BELOW_BEST_PROMOTED:
            reasons.append(
                f"frozen-set {name} {mine:.3f} < best promoted {floor:.3f} - {MAX_BELOW_BEST_PROMOTED}"
            )
    if reasons:
        return GateResult("quality", False, "; ".join(reasons))
    text = f"frozen-set top-1 {challenger.top1:.3f}, top-3 {challenger.top3:.3f}"
    if champion is not None:
        text += f" vs champion {champion.top1:.3f}/{champion.top3:.3f}"
    else:
        text += " (no champion before)"
    return GateResult("quality", True, text)


def _subgroup_gate(challenger: Evaluation, champion: Evaluation | None) -> GateResult:
    large = {g: row for g, row in challenger.subgroups.items() if row["n"] >= SUBGROUP_MIN_CASES}
    if champion is None or champion.hits3 is None or champion.hits3.shape != challenger.hits3.shape:
        return GateResult(
            "subgroups",
            True,
            f"{len(large)} age band x sex groups of >= {SUBGROUP_MIN_CASES} cases (no champion to compare with)",
        )
    worse = []
    for group in sorted(large):
        mask = challenger.groups == group
        drop, p = paired_drop(champion.hits3[mask], challenger.hits3[mask])
        if drop > SUBGROUP_MAX_DROP and p < SIGNIFICANCE:
            worse.append(
                f"{group} top-3 {challenger.hits3[mask].mean():.3f} < champion {champion.hits3[mask].mean():.3f} "
                f"- {SUBGROUP_MAX_DROP} (n={int(mask.sum())}, sign test p={p:.3f})"
            )
    if worse:
        more = f" (and {len(worse) - 3} more groups)" if len(worse) > 3 else ""
        return GateResult("subgroups", False, "; ".join(worse[:3]) + more)
    return GateResult(
        "subgroups",
        True,
        f"no age band x sex group of >= {SUBGROUP_MIN_CASES} cases ({len(large)}) fell more than {SUBGROUP_MAX_DROP} below the champion",
    )


def _calibration_gate(challenger: Evaluation) -> GateResult:
    if challenger.ece is None:
        return GateResult("calibration", False, "no frozen case to measure calibration on")
    text = f"expected calibration error {challenger.ece:.3f}"
    if challenger.ece > MAX_ECE:
        return GateResult("calibration", False, f"{text} > {MAX_ECE}")
    return GateResult("calibration", True, f"{text} <= {MAX_ECE}")


def _coverage_gate(challenger: Evaluation) -> GateResult:
    """Refuses when a cell's coverage is below target - COVERAGE_MAX_SHORTFALL *and* that shortfall
    is not chance: with 100-200 cases a cell's coverage varies by about 3 points from sampling
    alone, so a bare threshold refused good calibrations (measured: 0.873 on 118 cases). A one-sided
    binomial test at COVERAGE_ALPHA decides; a broken calibration is refused at any size."""
    if challenger.coverage_target is None:
        return GateResult("coverage", True, "no conformal calibration: the version shows no prediction sets")
    floor = challenger.coverage_target - COVERAGE_MAX_SHORTFALL
    short = []
    for cell, row in challenger.coverage_cells.items():
        if row["n"] < COVERAGE_MIN_CASES or row["coverage"] >= floor:
            continue
        covered = round(row["coverage"] * row["n"])
        p_value = float(binom.cdf(covered, row["n"], floor))
        if p_value < COVERAGE_ALPHA:
            short.append(f"{cell} {row['coverage']:.3f} (n={row['n']}, p={p_value:.3g})")
    text = f"conformal coverage {challenger.coverage:.3f} (target {challenger.coverage_target:.2f})"
    if short:
        return GateResult(
            "coverage", False, f"{text}; significantly below {floor:.2f} in: " + ", ".join(short)
        )
    return GateResult(
        "coverage",
        True,
        f"{text}; no age band x sex cell of >= {COVERAGE_MIN_CASES} cases significantly below {floor:.2f}",
    )


def diagnosis_gates(
    challenger: Evaluation, champion: Evaluation | None, best: dict[str, float]
) -> list[GateResult]:
    return [
        _safety_gate(challenger, champion),
        _sensitivity_gate(challenger, champion),
        _quality_gate(challenger, champion, best),
        _subgroup_gate(challenger, champion),
        _calibration_gate(challenger),
        _coverage_gate(challenger),
    ]


def best_promoted(*, name: str = "diagnosis", exclude_pk: int | None = None) -> dict[str, float]:
    """The highest frozen-set top-1 and top-3 of any version of `name` that was ever champion."""
    best: dict[str, float] = {}
    for metrics in (
        ModelVersion.objects.filter(name=name, promoted_at__isnull=False)
        .exclude(pk=exclude_pk)
        .values_list("metrics", flat=True)
    ):
        for label, key in (("top-1", "frozen_top1"), ("top-3", "frozen_top3")):
            value = (metrics or {}).get(key)
            if isinstance(value, (int, float)) and (metrics.get("frozen_set", FROZEN_SET) == FROZEN_SET):
                best[label] = max(best.get(label, 0.0), float(value))
    return best


# Evaluations of the last few (model, knowledge base, frozen set) combinations. Evaluation is a
# pure function of the model's content, the snapshot and the cases, so a promotion after a refusal,
# a champion compared again, or a test database rebuilt per test need not repeat it.
_evaluations: dict = {}
_EVALUATIONS_KEPT = 8


def _evaluate_cached(model: LoadedModel, snapshot: KnowledgeSnapshot, frozen: tuple) -> Evaluation:
    cases, red_flags, recent, safety = frozen
    content = hashlib.sha256(
        repr(
            (
                [(c.disease, c.symptoms, c.age, c.sex) for c in [*cases, *recent]],
                [
                    (e.symptoms, e.age, e.sex, e.expected_triage, e.disease_slug)
                    for e in [*red_flags, *safety]
                ],
                len(recent),
            )
        ).encode()
    ).hexdigest()
    key = (
        joblib.hash(
            (
                model.estimator,
                model.symptoms,
                model.classes,
                model.temperature,
                model.conformal.to_dict() if model.conformal is not None else None,
            )
        ),
        id(snapshot),
        snapshot.version,
        content,
    )
    hit = _evaluations.get(key)
    if hit is not None and hit[0] is snapshot:
        return hit[1]
    evaluation = evaluate_model(model, snapshot, cases, red_flags, recent, safety)
    if len(_evaluations) >= _EVALUATIONS_KEPT:
        _evaluations.clear()
    _evaluations[key] = (snapshot, evaluation)
    return evaluation


def latency_measure(
    model: LoadedModel,
    snapshot: KnowledgeSnapshot,
    cases: list[Case],
    *,
    p99_limit_ms: float,
    min_per_second: float,
) -> dict:
    """Time the version's share of a check: one single-case prediction as a check makes it
    (``LoadedModel.predict_proba`` on one presentation: features, estimator, temperature), in-process.
    The rest of a check (reading the words, rules, complaints, explanation) is the same for every
    version and is measured by the benchmarks; under load it alone takes several milliseconds, so a
    gate timing whole checks would refuse every version on a busy machine. Each case is timed as the
    best of LATENCY_REPEATS runs (a moment of load is not the model's); the p99 is over cases, and
    ``predict --batch``, which makes one such prediction per case in turn, answers 1 / mean of them
    cases a second. Stops once the outcome is certain (enough cases at or over the limit for the
    p99 to be there, or more time spent than the whole batch may take)."""
    cases = cases[:LATENCY_CASES]

    def predict(case: Case) -> float:
        started = time.perf_counter()
        model.predict_proba([case.symptoms], [case.age], [case.sex])
        return (time.perf_counter() - started) * 1000

    for case in cases[:LATENCY_WARMUP]:
        predict(case)
    # With this many cases at or over the limit, the 99th percentile is at or over it too.
    enough_over = len(cases) - int(np.floor(0.99 * (len(cases) - 1)))
    budget_ms = len(cases) / min_per_second * 1000
    times: list[float] = []
    over = 0
    for case in cases:
        times.append(min(predict(case) for _ in range(LATENCY_REPEATS)))
        over += times[-1] >= p99_limit_ms
        if over >= enough_over or sum(times) > budget_ms:
            break
    p99 = float(np.percentile(times, 99)) if len(times) == len(cases) else float(max(times))
    return {
        "p99_ms": p99,
        "p99_over": bool(over >= enough_over or (len(times) == len(cases) and p99 >= p99_limit_ms)),
        "cases_per_second": float(len(times) / sum(times) * 1000) if sum(times) > 0 else float("inf"),
        "timed": len(times),
        "over": int(over),
        "cases": len(cases),
    }


def _latency_gate(measured: dict | None, p99_limit_ms: float, min_per_second: float) -> GateResult:
    if measured is None:
        return GateResult("latency", False, "no frozen case to time predictions on")
    if measured["timed"] == measured["cases"]:
        single = f"single-prediction p99 {measured['p99_ms']:.2f} ms over {measured['cases']} cases"
    else:
        single = (
            f"stopped after {measured['timed']} of {measured['cases']} cases: {measured['over']} single "
            f"predictions took {p99_limit_ms:g} ms or more (slowest {measured['p99_ms']:.1f} ms)"
        )
    batch = f"predict --batch {measured['cases_per_second']:.0f} cases/s"
    reasons = []
    if measured["p99_over"]:
        reasons.append(f"{single}; not under {p99_limit_ms:g} ms")
    if measured["cases_per_second"] < min_per_second:
        reasons.append(f"{batch} < {min_per_second:g}")
    if reasons:
        return GateResult("latency", False, "too slow: " + "; ".join(reasons) + " (best of repeated runs)")
    return GateResult(
        "latency",
        True,
        f"{single} < {p99_limit_ms:g} ms; {batch} >= {min_per_second:g} (best of repeated runs)",
    )


# Latency of the last few models timed (same key as ``_evaluations``, with the limits).
_latencies: dict = {}


def _latency_result(model: LoadedModel, snapshot: KnowledgeSnapshot, cases: list[Case]) -> GateResult:
    limit, rate = float(settings.DIAGNOSIS_LATENCY_P99_MS), float(settings.DIAGNOSIS_BATCH_MIN_PER_SECOND)
    if not cases:
        return _latency_gate(None, limit, rate)
    key = (
        joblib.hash(
            (model.estimator, model.symptoms, model.classes, model.temperature, model.conformal is None)
        ),
        id(snapshot),
        limit,
        rate,
        len(cases),
    )
    hit = _latencies.get(key)
    if hit is None or hit[0] is not snapshot:
        measured = latency_measure(model, snapshot, cases, p99_limit_ms=limit, min_per_second=rate)
        if len(_latencies) >= _EVALUATIONS_KEPT:
            _latencies.clear()
        _latencies[key] = hit = (snapshot, measured)
    return _latency_gate(hit[1], limit, rate)


def _diagnosis_report(mv: ModelVersion) -> GateReport:
    try:
        model = load_version(mv)
    except ArtefactError as exc:
        return GateReport([GateResult("artefact", False, f"the model file cannot be loaded: {exc}")])
    snapshot = current_snapshot()
    frozen_set_ensure(snapshot)
    cases, red_flags = frozen_cases()
    safety = frozen_safety_cases()
    recent = confirmed_split()[1]
    frozen = (cases, red_flags, recent, safety)
    challenger = _evaluate_cached(model, snapshot, frozen)
    champion_mv = (
        ModelVersion.objects.filter(name=mv.name, alias=ModelVersion.Alias.CHAMPION).exclude(pk=mv.pk).first()
    )
    champion = None
    if champion_mv is not None:
        try:
            champion = _evaluate_cached(load_version(champion_mv), snapshot, frozen)
        except ArtefactError as exc:  # an unreadable champion must not block a good challenger
            logger.error("champion %s could not be evaluated: %s", champion_mv.label, exc)
    results = diagnosis_gates(challenger, champion, best_promoted(name=mv.name, exclude_pk=mv.pk))
    results.append(_latency_result(model, snapshot, cases))
    return GateReport(
        results,
        challenger=challenger,
        champion=champion,
        champion_id=champion_mv.pk if champion_mv else None,
        champion_label=champion_mv.label if champion_mv else "",
    )


def _artefact_results(mv: ModelVersion) -> list[GateResult]:
    """The artefact must load (checksum) and hold only finite numbers."""
    try:
        payload = artefact_load(mv.artefact_path, mv.checksum)
    except ArtefactError as exc:
        return [GateResult("artefact", False, f"the model file cannot be loaded: {exc}")]
    arrays = [np.asarray(v) for v in payload.values() if isinstance(v, (np.ndarray, float, np.floating))]
    if any(a.dtype.kind == "f" and not np.isfinite(a).all() for a in arrays):
        return [GateResult("artefact", False, "the model holds non-finite numbers")]
    return [GateResult("artefact", True, f"loads; {len(arrays)} numeric values, all finite")]


def _heldout_ratings_gate(mv: ModelVersion) -> GateResult:
    """The ranker gate: higher held-out NDCG@5 than every baseline the trainer measured
    (``recommendations.ranker_eval``: knowledge-base order and the per-condition mean), not lower
    than the other candidate method (the hybrid MF model or the stratified mean), and, where
    the trainer recorded a sign test per baseline, a win that is not chance. No held-out evaluation
    (too few rated lists to hold any out) refuses: nothing shows the ranker is better than the
    knowledge-base order that serves without it."""
    heldout = (mv.metrics or {}).get("heldout")
    if not isinstance(heldout, dict) or not isinstance(heldout.get("ranker"), (int, float)):
        lists = heldout.get("lists", 0) if isinstance(heldout, dict) else 0
        return GateResult(
            "held-out ratings",
            False,
            f"no held-out evaluation ({lists} held-out rated lists): cannot show it beats knowledge-base order",
        )
    score = heldout["ranker"]
    baselines = heldout.get("baselines") or {}
    p_values = heldout.get("p_values") or {}
    alpha = heldout.get("significance", SIGNIFICANCE)
    # The other candidate method (``rivals``): the version must not score below it, or the job
    # would be shipping the loser; a tie is no reason to refuse.
    beaten = {k: v for k, v in baselines.items() if v >= score}
    beaten |= {k: v for k, v in (heldout.get("rivals") or {}).items() if v > score}
    chance = {k: p for k, p in p_values.items() if k not in beaten and p >= alpha}
    metric = heldout.get("metric", "score")
    who = f"ranker ({heldout['method']})" if heldout.get("method") else "ranker"
    lists = f" on {heldout['lists']} held-out lists" if heldout.get("lists") else ""
    if beaten:
        detail = f"{who} {score:.4f} does not beat {', '.join(f'{k} {v:.4f}' for k, v in beaten.items())}"
        return GateResult("held-out ratings", False, f"{detail} ({metric}{lists})")
    if chance:
        detail = f"{who} {score:.4f} beats " + ", ".join(
            f"{k} {baselines[k]:.4f} only by chance (sign test p={p:.3f} >= {alpha})"
            for k, p in chance.items()
        )
        return GateResult("held-out ratings", False, f"{detail} ({metric}{lists})")
    return GateResult(
        "held-out ratings",
        True,
        f"{who} {score:.4f} beats every baseline ({', '.join(f'{k} {v:.4f}' for k, v in baselines.items())}"
        + "".join(f"; {k} {v:.4f}" for k, v in (heldout.get("rivals") or {}).items())
        + f"; {metric}{lists})",
    )


def _ranker_report(mv: ModelVersion) -> GateReport:
    results = _artefact_results(mv)
    if results[0].passed:
        results.append(_heldout_ratings_gate(mv))
    return GateReport(results)


def _artefact_report(mv: ModelVersion) -> GateReport:
    """For any other registered model: the artefact must load and hold finite numbers."""
    return GateReport(_artefact_results(mv))


# Which gates apply to a version depends on its registry name: the diagnosis gates never run on a
# ranker, and the ranker's own gate never on a diagnosis model.
GATE_SETS = {"diagnosis": _diagnosis_report, "ranker": _ranker_report}


def registry_refusal(mv: ModelVersion) -> GateResult | None:
    """A version the gates refused once (archived, never promoted) is refused again until an
    administrator overrides: a later pass on a moved yardstick must not sneak it in."""
    if mv.alias == ModelVersion.Alias.ARCHIVED and mv.promoted_at is None:
        return GateResult(
            "registry", False, f"{mv.label} was refused before ({mv.decision[:300] or 'archived'})"
        )
    return None


def gates_run(*, model_version: ModelVersion) -> GateReport:
    """Run the gate set of this version's registry name (``GATE_SETS``; others: artefact only)."""
    return GATE_SETS.get(model_version.name, _artefact_report)(model_version)
