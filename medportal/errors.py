"""Error answers: JSON under /api/, the portal's own pages elsewhere, and 503 for a database outage.

DRF answers the errors it knows (``medportal.api.exception_handler``); these handlers answer the
rest in the same ``{"error", "detail"}`` body: a URL no pattern matches, a body Django refuses to
read, an exception that escapes a view or a middleware. Nothing here shows exception text or a
traceback, and nothing here touches the database (it may be what failed).
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
DATABASE_ERRORS = (OperationalError, InterfaceError)


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(status: int, error: str, detail: str, **headers) -> JsonResponse:
    response = JsonResponse({"error": error, "detail": detail}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def database_unavailable(request):
    """503 with Retry-After: JSON for the API, a short page with the emergency number otherwise.
    The page is rendered without the request (no user, no session: both live in the database)."""
    retry = str(settings.DATABASE_RETRY_AFTER_SECONDS)
    if is_api(request):
        return _json(
            503,
            "service_unavailable",
            _("The service is temporarily unavailable. Please try again shortly."),
            Retry_After=retry,
        )
    html = loader.get_template("503.html").render({"emergency_number": settings.EMERGENCY_NUMBER})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = retry
    return response


class DatabaseUnavailableMiddleware:
    """A view (or DRF view) that hits an unreachable database answers 503, not 500.

    Errors raised inside other middleware (loading the session or the user) do not pass through
    ``process_exception``; ``handler500`` below catches those.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("database unavailable (%s) for %s", exception.__class__.__name__, request.path)
            return database_unavailable(request)
        return None


def handler400(request, exception=None):
    if is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return _json(413, "payload_too_large", _("The request body is too large."))
        return _json(400, "bad_request", _("The request could not be understood."))
    return defaults.bad_request(request, exception)


def handler403(request, exception=None):
    if is_api(request):
        return _json(403, "permission_denied", _("You do not have permission to perform this action."))
    return defaults.permission_denied(request, exception)


def handler404(request, exception=None):
    if is_api(request):
        return _json(404, "not_found", _("Not found."))
    return defaults.page_not_found(request, exception)


def handler500(request):
    # Django calls this while handling the exception, so it is still sys.exc_info()'s.
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        return database_unavailable(request)
    if is_api(request):
        return _json(500, "server_error", _("Something went wrong on our side. Please try again later."))
    return defaults.server_error(request)
