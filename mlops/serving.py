"""Serving the registry's models: the model source the diagnosis engine reads its champion from.

``diagnosis.engine.predictor`` does not import mlops (it sits below it); ``MlopsConfig.ready``
registers ``RegistrySource`` there, so every process serves the registry's champion.
"""

from __future__ import annotations

from diagnosis.engine.predictor import register_model_source

from . import selectors
from .models import ModelVersion


class RegistrySource:
    """The champion by alias, the last good promoted versions as fallbacks, and each artefact from
    the shared storage through this host's cache (``selectors.model_artefact_payload``)."""

    def champion_id(self) -> int | None:
        return selectors.champion_id()

    def kb_version_and_champion_id(self) -> tuple[int, int | None]:
        """Both ids a check needs, in one statement (``diagnosis.selectors.serving_snapshot_and_model``)."""
        return selectors.kb_version_and_champion_id()

    def candidates(self, champion_id: int) -> list[ModelVersion]:
        return list(ModelVersion.objects.filter(pk=champion_id)) + list(
            selectors.fallback_versions(exclude=champion_id)[:3]
        )

    def payload(self, version: ModelVersion) -> dict:
        return selectors.model_artefact_payload(version)


def register() -> None:
    register_model_source(RegistrySource())
