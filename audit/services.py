"""Writes for the audit trail. Callers pass identifiers only: never health content or secrets."""

from __future__ import annotations

import ipaddress
import logging
from contextvars import ContextVar

from allauth.core.internal.httpkit import get_client_ip
from django.db import DatabaseError, transaction

from .models import AuditEvent

logger = logging.getLogger(__name__)

Action = AuditEvent.Action

# The request being served, so that records made far from the view (a model promotion started
# in the admin) still know who did it and from where. Set by audit.middleware.AuditMiddleware.
current_request: ContextVar = ContextVar("audit_current_request", default=None)


def client_ip(request) -> str | None:
    """The client address as allauth's rate limits see it (ALLAUTH_TRUSTED_PROXY_COUNT)."""
    if request is None:
        return None
    try:
        ip = get_client_ip(request)
    except Exception:  # a mis-set proxy count must not stop the audit write
        ip = request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        return None


def _user_of(request):
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def audit_record(
    *,
    action: str,
    request=None,
    actor=None,
    actor_email: str = "",
    object_type: str = "",
    object_id="",
    detail: str = "",
) -> AuditEvent | None:
    """Append one audit event.

    ``actor`` defaults to the request's user (or the current request's, see ``current_request``).
    A failure to write is logged and swallowed: the audit trail must not turn a login or a page
    into an error. The row is written in its own savepoint so a broken write cannot poison the
    caller's transaction.
    """
    request = request if request is not None else current_request.get()
    if actor is None:
        actor = _user_of(request)
    if actor is not None and getattr(actor, "pk", None) is None:
        actor = None
    email = actor_email or (getattr(actor, "email", "") if actor is not None else "")
    event = AuditEvent(
        actor=actor,
        actor_email=(email or "")[:254],
        action=Action(action),
        object_type=str(object_type)[:100],
        object_id=str(object_id if object_id is not None else "")[:64],
        detail=str(detail)[:200],
        ip=client_ip(request),
    )
    try:
        with transaction.atomic():
            event.save()
    except DatabaseError:
        logger.exception("audit event %s could not be written", action)
        return None
    return event
