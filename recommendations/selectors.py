"""Reads of knowledge-base advice for a condition, in knowledge-base order."""

from __future__ import annotations

from diagnosis.engine.resolver import normalise
from diagnosis.models import Disease
from diagnosis.selectors import current_snapshot

from .models import ActivityAdvice, ConditionMedicine, DietAdvice, Precaution


def disease_by_name_or_alias(name: str) -> Disease | None:
    slug = current_snapshot().disease_aliases.get(normalise(name))
    return Disease.objects.filter(slug=slug).first() if slug else None


def advice_for_disease(disease: Disease) -> dict:
    return {
        "medicines": list(
            ConditionMedicine.objects.filter(disease=disease)
            .order_by("rank")
            .values_list("medicine__slug", "reason")
        ),
        "precautions": list(
            Precaution.objects.filter(disease=disease).order_by("rank").values_list("text", flat=True)
        ),
        "diet": list(
            DietAdvice.objects.filter(disease=disease).order_by("rank").values_list("text", flat=True)
        ),
        "activity": list(
            ActivityAdvice.objects.filter(disease=disease).order_by("rank").values_list("text", flat=True)
        ),
    }
