"""The daily check cap on ``POST /api/v1/checks/`` (``CHECKS_PER_DAY``; medportal.limits has the
website's side and the message).

Kept free of ``rest_framework.views`` imports (DRF imports the throttle named in settings while
building ``APIView``).
"""

from __future__ import annotations

from rest_framework import status, throttling

from medportal.api import ApiError
from medportal.limits import daily_cap_message

from .selectors import daily_cap_wait_seconds


class DailyCheckCapThrottle(throttling.BaseThrottle):
    """The daily cap for ``POST /api/v1/checks/`` (URL name ``api-checks``); every other API request
    passes. Refuses with 429 ``daily_limit`` and a Retry-After header."""

    def allow_request(self, request, view) -> bool:
        match = getattr(request._request, "resolver_match", None)
        if request.method != "POST" or match is None or match.url_name != "api-checks":
            return True
        if not request.user or not request.user.is_authenticated:
            return True
        wait = daily_cap_wait_seconds(user=request.user)
        if wait is None:
            return True
        error = ApiError(
            daily_cap_message(wait), code="daily_limit", status_code=status.HTTP_429_TOO_MANY_REQUESTS
        )
        error.wait = wait
        raise error
