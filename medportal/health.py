"""Health endpoints.

``GET /health/`` (liveness, public): ``{"status": "ok"}`` whenever the process answers. It reads
and writes nothing and reveals nothing, so load balancers and anyone else may call it freely.

``GET /health/ready/`` (readiness, for staff sessions or a request carrying ``X-Health-Token``
equal to the ``HEALTH_TOKEN`` setting; everyone else gets 403): each part's state, read-only:

- ``status`` ``ok``: every part works; ``degraded`` (still 200): checks are served but a part is
  down, named in ``failing`` (a down broker means queued work waits in the outbox; a down throttle
  cache means the API's rate limits are not enforced, medportal.api); ``unavailable`` (503): the
  database is down or no model can be loaded, so no check can be served.
- parts answer ``ok`` or ``down`` (or ``eager (no broker)`` in development), never exception text;
  the exception class goes to the log.
"""

from __future__ import annotations

import logging
from hmac import compare_digest

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from diagnosis.engine.predictor import current_model
from diagnosis.selectors import current_snapshot
from mlops.models import OutboxMessage

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Health-Token"


@never_cache
@require_safe
def liveness(request):
    return JsonResponse({"status": "ok"})


def _down(part: str, exc: Exception) -> str:
    logger.warning("readiness: %s down (%s)", part, exc.__class__.__name__)
    return "down"


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:
        return _down("database", exc)


def _cache(alias: str) -> str:
    """A read of a key that is never written: proves the cache answers without writing to it."""
    try:
        caches[alias].get("health-ready-probe")
        return "ok"
    except Exception as exc:
        return _down(f"cache {alias}", exc)


def _broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager (no broker)"
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
        return "ok"
    except Exception as exc:
        return _down("broker", exc)


def _model() -> dict:
    try:
        model = current_model(current_snapshot())
    except Exception as exc:
        return {"serving": None, "state": _down("model", exc)}
    return {
        "serving": model.label,
        "fallback_reason": model.fallback_reason,
        # Only which versions failed to load; the errors themselves (paths, checksums) go to the log.
        "failed_versions": [str(error).split(": ", 1)[0] for error in model.errors],
    }


def _allowed(request) -> bool:
    token = settings.HEALTH_TOKEN
    sent = request.headers.get(TOKEN_HEADER, "")
    if token and sent and compare_digest(sent.encode(), token.encode()):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


@never_cache
@require_GET
def readiness(request):
    if not _allowed(request):
        return JsonResponse(
            {
                "error": "permission_denied",
                "detail": _("Readiness details need a staff session or the %(header)s header.")
                % {"header": TOKEN_HEADER},
            },
            status=403,
        )
    body = {
        "database": _database(),
        "cache": "skipped",
        "throttle_cache": _cache("throttle"),
        "broker": _broker(),
        "model": None,
    }
    if body["database"] == "ok":
        body["cache"] = _cache("default")
        body["model"] = _model()
        body["outbox_pending"] = OutboxMessage.objects.filter(sent_at=None).count()
    serving = body["database"] == "ok" and bool(body["model"] and body["model"].get("serving"))
    failing = [part for part in ("database", "cache", "throttle_cache", "broker") if body[part] == "down"]
    if body["database"] == "ok" and not serving:
        failing.append("model")
    body["failing"] = failing
    body["status"] = "unavailable" if not serving else ("degraded" if failing else "ok")
    return JsonResponse(body, status=200 if serving else 503)
