"""Writes for the model registry: register, promote, roll back."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import ModelVersion

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    def __init__(self, message: str, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


def model_version_save_and_register(
    *, payload: dict, model_dir, name: str, algorithm: str, data_fingerprint: str, **fields
) -> ModelVersion:
    """Write a trained model's artefact (atomically, with its checksum) and register it;
    `fields` are the rest of `model_version_register`'s arguments.

    The file name carries the registry name, data fingerprint, algorithm and a millisecond stamp,
    so two runs never write the same file."""
    import time

    from diagnosis.engine.artefacts import save_artefact

    filename = f"{name}-{data_fingerprint[:12]}-{algorithm}-{int(time.time() * 1000)}.skops"
    path, checksum = save_artefact(payload, model_dir, filename)
    return model_version_register(
        name=name,
        algorithm=algorithm,
        data_fingerprint=data_fingerprint,
        artefact_path=path.name,
        checksum=checksum,
        **fields,
    )


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
    return mv


@transaction.atomic
def model_version_promote(
    *, model_version: ModelVersion, reason: str, rollback: bool = False
) -> ModelVersion:
    """Make this version the champion: one alias update, so web processes switch on the next check.

    The champion it replaces is remembered on it (``replaced``), so rollbacks walk back through
    the promotion history; a rollback keeps the pointer the version already had."""
    mv = ModelVersion.objects.select_for_update().get(pk=model_version.pk)
    if mv.status != ModelVersion.Status.READY:
        raise ApplicationError(f"{mv} is not ready and cannot be promoted.")
    current = ModelVersion.objects.filter(name=mv.name, alias=ModelVersion.Alias.CHAMPION).exclude(pk=mv.pk)
    previous = current.first()
    current.update(alias=ModelVersion.Alias.ARCHIVED)
    mv.alias = ModelVersion.Alias.CHAMPION
    mv.promoted_at = timezone.now()
    mv.decision = reason
    fields = ["alias", "promoted_at", "decision"]
    if not rollback and previous is not None:
        mv.replaced = previous
        fields.append("replaced")
    mv.save(update_fields=fields)
    logger.info("promoted %s: %s", mv.label, reason)
    return mv


@transaction.atomic
def model_version_rollback(*, name: str = "diagnosis") -> ModelVersion:
    """Re-promote the champion the current one replaced; called again, it keeps walking back."""
    current = ModelVersion.objects.filter(name=name, alias=ModelVersion.Alias.CHAMPION).first()
    if current is None:
        previous = (
            ModelVersion.objects.filter(name=name, status=ModelVersion.Status.READY)
            .exclude(promoted_at=None)
            .order_by("-promoted_at")
            .first()
        )
    else:
        previous = current.replaced
        if previous is not None and previous.status != ModelVersion.Status.READY:
            raise ApplicationError(f"The version before {current.label} ({previous.label}) is not usable.")
    if previous is None:
        raise ApplicationError("There is no earlier promoted version to roll back to.")
    return model_version_promote(
        model_version=previous,
        reason=f"rolled back from {current.label if current else 'none'}",
        rollback=True,
    )


def confirmed_case_record(*, session, disease, source: str = "confirmed"):
    """Store a confirmed outcome of a check as a training case, only if its owner consented.

    Returns the TrainingCase, or None when the owner has not consented or ``disease`` is None (a
    clinician's "Other / not listed": a condition outside the knowledge base is no label for any
    of its conditions); then nothing is stored and an earlier case of this check is removed.
    """
    import hashlib
    import json

    from accounts.models import HealthProfile

    from .models import TrainingCase

    profile = HealthProfile.objects.filter(user_id=session.user_id).first()
    if disease is None or profile is None or not profile.training_consent:
        TrainingCase.objects.filter(session=session).delete()
        return None
    symptoms = sorted(set(session.symptoms or []))
    age = profile.age()
    fingerprint = hashlib.sha256(
        json.dumps([disease.slug, symptoms, session.age_band, session.sex]).encode()
    ).hexdigest()
    case, _ = TrainingCase.objects.update_or_create(
        session=session,
        defaults={
            "source": source,
            "disease": disease,
            "symptoms": symptoms,
            "age": age,
            "sex": session.sex or "",
            "fingerprint": fingerprint,
        },
    )
    from .outbox import outbox_enqueue

    # Cheap check after commit; beat runs the same check every 10 minutes in case this one is lost.
    outbox_enqueue(task_name="mlops.retrain_if_enough_labels", dedupe_key="retrain-if-enough-labels")
    return case


def training_consent_withdrawn(*, user) -> int:
    """Remove a user's confirmed cases from every future dataset; returns how many were removed."""
    from .models import TrainingCase

    deleted, _ = TrainingCase.objects.filter(session__user=user).delete()
    return deleted
