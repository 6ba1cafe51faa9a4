"""Parts of a check's pages that apps above diagnosis provide (the advice, the clinician's review).

diagnosis sits below recommendations and feedback, so its views do not import them: each registers
its provider here from its AppConfig.ready. A part with no provider is left out of the page (the
default), never an error. Providers take keyword arguments:

- ``"advice"``: ``(session=, user=)`` -> the advice for a check (``user`` is None for a guest);
- ``"clinician_review"``: ``(session=)`` -> the review of a patient's check, or None;
- ``"closed_reviews"``: ``(sessions=)`` -> {check id: closed review} for "My checks".
"""

from __future__ import annotations

from collections.abc import Callable

_providers: dict[str, Callable] = {}


def register(name: str, provider: Callable) -> None:
    """Register (or replace) the provider of one part of the result pages."""
    _providers[name] = provider


def provide(name: str, default=None, **kwargs):
    """The part ``name`` for these arguments, or ``default`` when no app provides it."""
    provider = _providers.get(name)
    return default if provider is None else provider(**kwargs)
