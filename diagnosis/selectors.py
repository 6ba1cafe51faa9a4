"""Reads for the diagnosis app. Patient data is only read through ``*_for_user`` helpers."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from .models import KnowledgeBaseVersion


def knowledge_base_version() -> int:
    return KnowledgeBaseVersion.objects.order_by("-id").values_list("id", flat=True).first() or 0


def get_session_for_user(*, user, pk: int):
    """The one choke point for opening a check: anyone but its owner gets 404."""
    from .models import SymptomSession

    return get_object_or_404(SymptomSession.objects.select_related("model_version"), pk=pk, user=user)


def sessions_for_user(*, user):
    from .models import SymptomSession

    return SymptomSession.objects.filter(user=user).order_by("-created_at")
