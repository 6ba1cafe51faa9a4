"""GET /health/: database, cache, broker and model state, for load balancers and operators.

200 when the portal can serve checks (database up and some model loaded, even a fallback);
503 when it cannot. A down broker is reported but does not fail the check: the portal keeps
serving and queues work in the outbox. Nor does a down throttle cache: the API's rate limits
then let requests through (medportal.api).
"""

from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:
        return f"down: {exc.__class__.__name__}"


def _cache(alias: str = "default", consequence: str = "") -> str:
    """Round-trip a value through one configured cache; `consequence` says what a failure means."""
    try:
        probe = caches[alias]
        probe.set("health-check", "1", 5)
        return "ok" if probe.get("health-check") == "1" else "not working"
    except Exception as exc:
        return f"down: {exc.__class__.__name__}{consequence}"


def _broker() -> str:
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager (no broker)"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
        return "ok"
    except Exception as exc:
        return f"down: {exc.__class__.__name__}"


@never_cache
def health(request):
    body = {
        "database": _database(),
        "cache": "skipped",
        "throttle_cache": _cache("throttle", " (API rate limits are not enforced)"),
        "broker": _broker(),
        "model": None,
    }
    if body["database"] == "ok":
        body["cache"] = _cache()
        try:
            from diagnosis.engine.knowledge import current_snapshot
            from diagnosis.engine.predictor import current_model

            model = current_model(current_snapshot())
            body["model"] = {
                "serving": model.label,
                "fallback_reason": model.fallback_reason,
                "errors": model.errors,
            }
        except Exception as exc:
            body["model"] = {"serving": None, "error": exc.__class__.__name__}
    healthy = body["database"] == "ok" and body["model"] and body["model"].get("serving")
    body["status"] = "ok" if healthy else "unavailable"
    from mlops.models import OutboxMessage

    if body["database"] == "ok":
        body["outbox_pending"] = OutboxMessage.objects.filter(sent_at=None).count()
    return JsonResponse(body, status=200 if healthy else 503)
