import logging
import time

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from medportal.encryption import EncryptionKeyError

logger = logging.getLogger(__name__)

# Pages a clinician or admin may open before setting up MFA: the account pages
# (which include MFA setup), static files and the public liveness check (not /health/ready/,
# whose details are for staff who have passed MFA, or for the token).
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/favicon.ico")
_MFA_EXEMPT_PATHS = frozenset({"/health/"})


class StaffMFARequiredMiddleware:
    """Clinicians and admins reach no page with health data until MFA is on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "needs_mfa", False)
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
            and request.path not in _MFA_EXEMPT_PATHS
            and not is_mfa_enabled(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": "mfa_required", "detail": _("Set up two-factor authentication first.")},
                    status=403,
                )
            messages.warning(request, _("Staff accounts must set up two-factor authentication first."))
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class EncryptionKeyErrorMiddleware:
    """A wrong encryption key becomes a clear 503 page, never ciphertext or a bare 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, EncryptionKeyError):
            logger.error("health data could not be decrypted: check FIELD_ENCRYPTION_KEY")
            return render(request, "encryption_error.html", status=503)
        return None


LOGIN_AT_SESSION_KEY = "_medportal_login_at"
IDLE_REFRESHED_AT_SESSION_KEY = "_medportal_idle_refreshed_at"


class SessionIdleRefreshMiddleware:
    """Pushes a signed-in session's idle expiry (SESSION_COOKIE_AGE) forward at most once every
    SESSION_IDLE_REFRESH_SECONDS instead of on every request (SESSION_SAVE_EVERY_REQUEST), which
    would cost each request an UPDATE and a commit. The idle timeout is thereby exact to within
    that interval (30 minutes, give or take one).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a stored session with someone signed in (an anonymous visitor gets no row, an
        # expired one is not revived); one saved by this request anyway has a fresh expiry.
        if session is None or not session.session_key or session.modified or SESSION_KEY not in session:
            return response
        now = time.time()
        refreshed_at = session.get(IDLE_REFRESHED_AT_SESSION_KEY, 0)
        if now - float(refreshed_at) >= getattr(settings, "SESSION_IDLE_REFRESH_SECONDS", 60):
            session[IDLE_REFRESHED_AT_SESSION_KEY] = now  # marks it modified: SessionMiddleware saves it
        return response


class SessionAbsoluteTimeoutMiddleware:
    """Ends a signed-in session SESSION_ABSOLUTE_MAX_AGE seconds (12 hours) after login, however
    active it stays; SESSION_COOKIE_AGE with SessionIdleRefreshMiddleware covers inactivity.

    The login time is stamped into the session on the first request that sees the user signed in
    (the login request itself, as the response passes back out).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._session_login(request):
            login_at = request.session.get(LOGIN_AT_SESSION_KEY)
            if login_at is not None and time.time() - float(login_at) > self._max_age():
                return self._expire(request)
        response = self.get_response(request)
        if self._session_login(request) and LOGIN_AT_SESSION_KEY not in request.session:
            request.session[LOGIN_AT_SESSION_KEY] = time.time()
        return response

    @staticmethod
    def _session_login(request) -> bool:
        """True when the user is signed in through the session (not an API token)."""
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        return session is not None and SESSION_KEY in session and user is not None and user.is_authenticated

    @staticmethod
    def _max_age() -> int:
        return getattr(settings, "SESSION_ABSOLUTE_MAX_AGE", 12 * 60 * 60)

    def _expire(self, request):
        request._audit_logout_reason = "absolute_timeout"
        logout(request)
        message = _(
            "You were signed out because your session reached its 12-hour limit. Please log in again."
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"error": "session_expired", "detail": message}, status=401)
        messages.info(request, message)
        return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))


class NoStoreForAuthenticatedMiddleware:
    """Every response to a signed-in user is ``Cache-Control: no-store, private``: almost every
    such page shows health data, and a shared computer or proxy must not keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
