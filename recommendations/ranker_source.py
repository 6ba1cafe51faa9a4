"""Where serving finds the promoted medicine ranker.

The ranker is trained, registered, gated and promoted by mlops, a layer above this app. Rather
than reaching up into the registry, serving (``ranking.current_ranker``) asks the provider that
registered itself here: mlops does so in its ``AppConfig.ready()``. With no provider (or no
champion) advice keeps the knowledge-base order.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class RankerChampion:
    version_id: int
    label: str
    # The artefact's payload; raises diagnosis.engine.artefacts.ArtefactError when it cannot load.
    load_payload: Callable[[], dict]


class RankerProvider(Protocol):
    def champion_key(self) -> Hashable | None:
        """A key that changes whenever the champion (or the artefact behind it) does; asked on
        every request, so it must be cheap. None: no champion."""

    def champion(self, key: Hashable) -> RankerChampion | None:
        """The champion ``key`` names; None when it is no longer the champion."""


_provider: RankerProvider | None = None


def register_ranker_provider(provider: RankerProvider | None) -> None:
    """Called once by the app that owns the model registry (None unregisters, for tests)."""
    global _provider
    _provider = provider


def ranker_provider() -> RankerProvider | None:
    return _provider
