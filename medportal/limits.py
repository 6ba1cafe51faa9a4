"""Abuse controls for symptom checks: a per-user rate and a per-user cap over 24 hours.

Every emergency check can put a case on the clinicians' review queue, so one account must not be
able to start hundreds of them. The website's ``POST /check/`` gets the API's per-user rate
(``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"]``, counted separately from the API's own
counter, failing open like it: medportal.api) and both the website and ``POST /api/v1/checks/``
get the cap (``CHECKS_PER_DAY``). A refused patient is told why, when to try again, and what to
do if they feel very unwell.

A guest's check (no account, nothing stored: diagnosis.services.guest_check_start) is keyed by the
client IP instead: the API's anonymous rate (``...["anon"]``, its own counter) and a cap per IP
over a day (``GUEST_CHECKS_PER_DAY``), both in the throttle cache.

The daily cap counts a user's stored checks, which belong to diagnosis: its count is
``diagnosis.selectors.daily_cap_wait_seconds`` and the API's cap ``diagnosis.throttles``.

Kept free of ``rest_framework.views`` imports (DRF imports the throttles named in settings, and
so this module, while building ``APIView``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import status, throttling

from medportal.api import _ThrottleBase

DAY = timedelta(hours=24)


class WebCheckRateThrottle(_ThrottleBase, throttling.SimpleRateThrottle):
    """The API's per-user rate, for checks started on the website."""

    scope = "user"

    def get_cache_key(self, request, view):
        return f"throttle_webcheck_{request.user.pk}"


class GuestCheckRateThrottle(_ThrottleBase, throttling.SimpleRateThrottle):
    """The API's anonymous rate, per client IP, for checks started on the website without an account."""

    scope = "anon"

    def get_cache_key(self, request, view):
        return f"throttle_webcheck_guest_{self.get_ident(request)}"


class GuestDailyCapThrottle(_ThrottleBase, throttling.SimpleRateThrottle):
    """``GUEST_CHECKS_PER_DAY`` guest checks per client IP (0: no cap). Guests have no rows to count,
    so the cap is a throttle counter over a sliding day."""

    scope = "guest_day"

    def get_rate(self):
        cap = settings.GUEST_CHECKS_PER_DAY
        return f"{cap}/day" if cap else None

    def get_cache_key(self, request, view):
        return f"throttle_webcheck_guest_day_{self.get_ident(request)}"


def daily_cap_message(wait: float) -> str:
    hours = max(1, math.ceil(wait / 3600))
    return ngettext(
        "You have started %(cap)d checks in the last 24 hours, the most one account can. You can "
        "start a new one in about %(hours)d hour.",
        "You have started %(cap)d checks in the last 24 hours, the most one account can. You can "
        "start a new one in about %(hours)d hours.",
        hours,
    ) % {"cap": settings.CHECKS_PER_DAY, "hours": hours}


def _refused(request, *, title: str, message: str, wait: float):
    response = render(
        request,
        "rate_limited.html",
        {"title": title, "message": message, "emergency_number": settings.EMERGENCY_NUMBER},
        status=status.HTTP_429_TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(math.ceil(wait))
    return response


def check_submission_limits(*, daily_cap_wait: Callable[..., float | None]):
    """For the website's check form: a POST over the per-user rate or the daily cap gets a 429 page
    saying so; GET (the empty form) is never limited. A guest's POST counts against the per-IP limits.

    ``daily_cap_wait(user=)`` is None while the user may start another check, else the seconds to
    wait: the app that stores checks counts them (diagnosis.selectors.daily_cap_wait_seconds), as
    this module sits below it."""

    def decorator(view):
        return _limited(view, daily_cap_wait)

    return decorator


def _limited(view, daily_cap_wait):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            refused = _guest_refusal(request)
            if refused is not None:
                return refused
        if request.method == "POST" and request.user.is_authenticated:
            throttle = WebCheckRateThrottle()
            if not throttle.allow_request(request, None):
                wait = throttle.wait() or 60
                return _refused(
                    request,
                    title=_("Too many checks at once"),
                    message=_(
                        "You have started a lot of checks in a short time. Please wait %(seconds)d "
                        "seconds and try again."
                    )
                    % {"seconds": math.ceil(wait)},
                    wait=wait,
                )
            wait = daily_cap_wait(user=request.user)
            if wait is not None:
                return _refused(
                    request, title=_("Daily limit reached"), message=daily_cap_message(wait), wait=wait
                )
        return view(request, *args, **kwargs)

    return wrapped


def _guest_refusal(request):
    """A 429 page for a guest over the per-IP rate or daily cap; None when the check may go ahead.
    The signed-in limits are per account, so the page offers signing in."""
    rate = GuestCheckRateThrottle()
    if not rate.allow_request(request, None):
        wait = rate.wait() or 60
        message = _(
            "A lot of checks have been started from your network in a short time. Please wait "
            "%(seconds)d seconds and try again, or sign in."
        ) % {"seconds": math.ceil(wait)}
        return _refused(request, title=_("Too many checks at once"), message=message, wait=wait)
    day = GuestDailyCapThrottle()
    if not day.allow_request(request, None):
        wait = day.wait() or 3600
        message = _(
            "Your network has started as many checks without an account as it can today. Sign in or "
            "create an account to start another one, or try again in about %(hours)d hours."
        ) % {"hours": max(1, math.ceil(wait / 3600))}
        return _refused(request, title=_("Daily limit reached"), message=message, wait=wait)
    return None
