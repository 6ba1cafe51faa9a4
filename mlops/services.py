"""Writes for the model registry (register, promote through the gates, roll back) and for training cases."""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import HealthProfile
from diagnosis.engine.conformal import coverage_setting, from_artefact
from diagnosis.selectors import knowledge_base_version
from feedback.selectors import consented_medicine_ratings
from medportal.exceptions import ApplicationError, Conflict
from recommendations.ranking import RANKER_NAME, ranker_fit

from . import gates
from .artefacts import artefact_save
from .cards import CARD_NAMES, model_card_build, model_card_render
from .cases import chunked, training_check_key, training_check_keys, training_fingerprint
from .models import ModelVersion, TrainingCase
from .outbox import outbox_enqueue
from .selectors import rollback_target

logger = logging.getLogger(__name__)


def model_version_save_and_register(
    *, payload: dict, name: str, algorithm: str, data_fingerprint: str, **fields
) -> ModelVersion:
    """Store a trained model's artefact (``STORAGES["models"]``, seen by every host, with its
    checksum) and register it; `fields` are the rest of `model_version_register`'s arguments.

    The name carries the registry name, data fingerprint, algorithm and a millisecond stamp, so
    two runs never write the same artefact. The artefact is stored before its
    registry row is written, so a registered version never names bytes that were not stored (not
    one transaction: with it, the redelivered retrain of tests/integration/test_faults.py (c)
    did not finish)."""
    filename = f"{name}-{data_fingerprint[:12]}-{algorithm}-{int(time.time() * 1000)}.skops"
    if name == "diagnosis":
        fields["metrics"] = {**(fields.get("metrics") or {}), "conformal": _conformal_summary(payload)}
    stored, checksum = artefact_save(payload, filename)
    return model_version_register(
        name=name,
        algorithm=algorithm,
        data_fingerprint=data_fingerprint,
        artefact_path=stored,
        checksum=checksum,
        **fields,
    )


def _conformal_summary(payload: dict) -> dict:
    """What the model card says about the artefact's conformal calibration, recorded once here so
    that reading a card never loads the artefact."""
    calibration = from_artefact(payload)
    if calibration is None:
        return {"calibrated": False}
    return {
        "calibrated": True,
        "n": calibration.n,
        "by_findings": calibration.by_findings,
        "coverage_target": coverage_setting(),
    }


def model_version_card_refresh(*, model_version: ModelVersion) -> ModelVersion:
    """Write the version's model card from what the registry now holds about it (diagnosis models
    only): called at registration, after every gate run and at promotion, so the stored card is the
    one the latest decision about the version was made on."""
    if model_version.name not in CARD_NAMES:
        return model_version
    model_version.card = model_card_render(model_card_build(model_version))
    model_version.save(update_fields=["card"])
    return model_version


@transaction.atomic
def model_version_register(
    *,
    name: str = "diagnosis",
    algorithm: str,
    params: dict,
    data_fingerprint: str,
    data_sources: dict,
    metrics: dict,
    artefact_path: str,
    checksum: str,
    kb_version: int,
) -> ModelVersion:
    next_version = (
        ModelVersion.objects.select_for_update().filter(name=name).aggregate(m=Max("version"))["m"] or 0
    ) + 1
    mv = ModelVersion(
        name=name,
        version=next_version,
        algorithm=algorithm,
        params=params,
        data_fingerprint=data_fingerprint,
        data_sources=data_sources,
        metrics=metrics,
        artefact_path=artefact_path,
        checksum=checksum,
        status=ModelVersion.Status.READY,
        kb_version=kb_version,
    )
    mv.full_clean()
    mv.save()
    return model_version_card_refresh(model_version=mv)


class PromotionRefused(Conflict):
    """A gate refused the promotion. ``extra`` holds every gate's result (``gates.GateReport.as_dict``)."""


def model_version_promote(
    *,
    model_version: ModelVersion,
    reason: str,
    actor=None,
    override_reason: str = "",
    rollback: bool = False,
) -> ModelVersion:
    """Make this version the champion, after every promotion gate (``mlops.gates``) has passed.

    The one way any version becomes the champion: the retrain loop, ``train_models --promote``,
    ``ensure_model``, the admin action and the ranker all call this. The version's frozen-set
    scores and gate results are recorded on it whether or not it is promoted, so the "best ever
    promoted" floor sees every champion. A refusal raises ``PromotionRefused`` naming each gate
    that refused and why, and archives the version; a version archived that way is refused again
    unless overridden.

    ``override_reason`` (an administrator's explicit reason) promotes despite refusing gates; the
    override is audited and shown on the version. ``rollback`` returns to a version that passed
    the gates when it was first promoted, without running them again: a rollback is how a bad
    champion is undone, and must work when the gates' yardstick has moved.

    Promotion itself is one alias update, so web processes switch on the next check. The champion
    it replaces is remembered on it (``replaced``), so rollbacks walk back through the promotion
    history; a rollback keeps the pointer the version already had.
    """
    mv = ModelVersion.objects.get(pk=model_version.pk)
    if mv.status != ModelVersion.Status.READY:
        raise Conflict(f"{mv} is not ready and cannot be promoted.")
    if mv.alias == ModelVersion.Alias.CHAMPION:
        return mv  # already serving: nothing to gate, switch or audit
    override_reason = (override_reason or "").strip()
    report = None
    if rollback:
        if mv.promoted_at is None:
            raise ApplicationError(f"{mv.label} was never promoted, so it cannot be rolled back to.")
    else:
        report = gates.gates_run(model_version=mv)
        refused_before = gates.registry_refusal(mv)
        if refused_before is not None:
            report.results.insert(0, refused_before)
        _evaluation_record(mv, report)
        if report.refusals and not override_reason:
            message = f"{mv.label} not promoted: {report.summary()}"
            if mv.alias != ModelVersion.Alias.CHAMPION:  # a serving champion keeps serving
                mv.alias = ModelVersion.Alias.ARCHIVED
                mv.decision = message
                mv.save(update_fields=["alias", "decision"])
                model_version_card_refresh(model_version=mv)
            logger.info("%s", message)
            raise PromotionRefused(message, extra=report.as_dict())
    return _champion_switch(mv, reason=reason, report=report, actor=actor, override_reason=override_reason)


def _evaluation_record(mv: ModelVersion, report) -> None:
    """Keep the frozen-set scores and every gate's result on the version (promoted or not)."""
    metrics = {**(mv.metrics or {}), "gates": [r.as_dict() for r in report.results]}
    if report.challenger is not None:
        metrics.update(
            frozen_set=gates.FROZEN_SET,
            frozen_top1=report.challenger.top1,
            frozen_top3=report.challenger.top3,
            recent_top1=report.challenger.recent_top1,
            frozen=report.challenger.as_dict(),
            gated_against=report.champion_label,
        )
    mv.metrics = metrics
    mv.save(update_fields=["metrics"])
    model_version_card_refresh(model_version=mv)


@transaction.atomic
def _champion_switch(mv: ModelVersion, *, reason: str, report, actor, override_reason: str) -> ModelVersion:
    mv = ModelVersion.objects.select_for_update().get(pk=mv.pk)
    current = ModelVersion.objects.filter(name=mv.name, alias=ModelVersion.Alias.CHAMPION).exclude(pk=mv.pk)
    previous = current.first()
    compared = report is not None and report.challenger is not None
    if compared and (previous.pk if previous else None) != report.champion_id:
        raise Conflict(
            f"the champion changed while {mv.label} was being compared with it; promote it again to compare "
            "with the new champion"
        )
    current.update(alias=ModelVersion.Alias.ARCHIVED)
    mv.alias = ModelVersion.Alias.CHAMPION
    mv.promoted_at = timezone.now()
    mv.decision = f"{reason}: {report.summary()}" if report is not None else reason
    fields = ["alias", "promoted_at", "decision"]
    if report is not None and report.refusals:
        who = getattr(actor, "email", "") or "an operator"
        gates = ", ".join(r.gate for r in report.refusals)
        mv.override_reason = f"{who} overrode the {gates} gate(s): {override_reason}"
        mv.decision = (
            f"{reason}: promoted by override of the {gates} gate(s) ({override_reason}); {report.summary()}"
        )
        fields.append("override_reason")
        # The promotion's audit row (audit.receivers) carries the override and who made it.
        mv._audit_detail = f"override of {gates}: {override_reason}"
    if report is not None and previous is not None:
        mv.replaced = previous
        fields.append("replaced")
    mv._audit_actor = actor
    mv.save(update_fields=fields)
    model_version_card_refresh(model_version=mv)
    logger.info("promoted %s: %s", mv.label, mv.decision)
    return mv


@transaction.atomic
def model_version_rollback(*, name: str = "diagnosis") -> ModelVersion:
    """Re-promote the champion the current one replaced; called again, it keeps walking back."""
    current, previous = rollback_target(name=name)
    if current is not None:
        if previous is not None and previous.status != ModelVersion.Status.READY:
            raise ApplicationError(f"The version before {current.label} ({previous.label}) is not usable.")
    if previous is None:
        raise ApplicationError("There is no earlier promoted version to roll back to.")
    return model_version_promote(
        model_version=previous,
        reason=f"rolled back from {current.label if current else 'none'}",
        rollback=True,
    )


def ranker_train(*, min_ratings: int | None = None, promote: bool = True, method: str | None = None):
    """Train the medicine ranker on consented ratings (``recommendations.ranking.ranker_fit``, given
    them as plain data by ``feedback.selectors``), register the winner (or ``method``, when named)
    and (``promote``) offer it to ``model_version_promote``, whose ranker gate promotes it only when
    it wins. None when there are too few ratings; a refusal raises ``PromotionRefused``.

    The training job lives here, with the registry, so the recommendations app never reaches up
    into mlops or feedback."""
    fit = ranker_fit(consented_medicine_ratings(), min_ratings=min_ratings, method=method)
    if fit is None:
        return None
    mv = model_version_save_and_register(
        payload=fit.payload,
        name=RANKER_NAME,
        algorithm=fit.algorithm,
        params=fit.params,
        data_fingerprint=fit.data_fingerprint,
        data_sources=fit.data_sources,
        metrics=fit.metrics,
        kb_version=knowledge_base_version(),
    )
    if promote:
        model_version_promote(model_version=mv, reason=f"{fit.method}, trained on {fit.n_ratings} ratings")
    return mv


# --- training cases: private by construction ------------------------------------------------------


def confirmed_case_record(*, session, disease, source: str = "confirmed"):
    """Store a confirmed outcome of a check as a training case, only if its owner consented.

    The case holds the condition, symptoms, the age band and sex of the person the check was
    about (encrypted) and a keyed hash of the check, never the check or its owner. Returns the
    TrainingCase, or None when the owner has not consented or ``disease`` is None (a clinician's
    "Other / not listed": a condition outside the knowledge base is no label for any of its
    conditions); then nothing is stored and an earlier case of this check is removed.
    """
    key = training_check_key(session.pk)
    profile = HealthProfile.objects.filter(user_id=session.user_id).first()
    if disease is None or profile is None or not profile.training_consent:
        TrainingCase.objects.filter(check_key=key).delete()
        return None
    symptoms = sorted(set(session.symptoms or []))
    fields = {
        "source": source,
        "condition": disease.slug,
        "symptoms": symptoms,
        "age_band": session.age_band or "",
        "sex": session.sex or "",
    }
    fields["fingerprint"] = training_fingerprint(
        condition=disease.slug, symptoms=symptoms, age_band=fields["age_band"], sex=fields["sex"]
    )
    case = TrainingCase.objects.filter(check_key=key).first() or TrainingCase(check_key=key)
    for name, value in fields.items():
        setattr(case, name, value)
    case.full_clean()
    case.save()
    # Cheap check after commit; beat runs the same check every 10 minutes in case this one is lost.
    outbox_enqueue(task_name="mlops.retrain_if_enough_labels", dedupe_key="retrain-if-enough-labels")
    return case


def training_consent_withdrawn(*, user) -> int:
    """Remove a user's confirmed cases from every future dataset; returns how many were removed."""
    deleted = 0
    for keys in chunked(training_check_keys(user=user)):
        deleted += TrainingCase.objects.filter(check_key__in=keys).delete()[0]
    return deleted


def training_cases_detach(*, user) -> int:
    """Cut the last tie between a user's checks and the training cases made from them (for
    account deletion: the cases stay in training, as consented, and can no longer be found for
    anyone). Returns how many were detached."""
    detached = 0
    for keys in chunked(training_check_keys(user=user)):
        detached += TrainingCase.objects.filter(check_key__in=keys).update(check_key="")
    return detached
