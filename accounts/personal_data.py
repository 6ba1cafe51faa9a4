"""Personal data kept by apps above accounts, reached through handlers those apps register.

Data export, consent withdrawal and account deletion belong to accounts, but some of what they
must reach lives in apps above it (the training cases of mlops, found only through the keyed hash
of each check). Those apps register a handler here in their ``AppConfig.ready()``, so accounts
never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonalDataHandler:
    # The handler's key; its export goes under ``records[label]`` of the data export.
    label: str
    # The user's records, JSON-ready, for their data export.
    export: Callable[..., list[dict]] | None = None
    # Training consent withdrawn: stop using the user's data (called on every withdrawal).
    consent_withdrawn: Callable[..., Any] | None = None
    # Account deletion, called before the user's rows go (in the deletion's transaction).
    account_deleting: Callable[..., Any] | None = None


_handlers: dict[str, PersonalDataHandler] = {}


def register_personal_data_handler(handler: PersonalDataHandler) -> None:
    """Register (or, under the same label, replace) a handler: idempotent, as ready() may run twice."""
    _handlers[handler.label] = handler


def personal_data_handlers() -> list[PersonalDataHandler]:
    """The registered handlers, in order of registration."""
    return list(_handlers.values())
