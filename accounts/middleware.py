import logging

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from medportal.encryption import EncryptionKeyError

logger = logging.getLogger(__name__)

# Pages a clinician or admin may open before setting up MFA: the account pages
# (which include MFA setup), static files and the health check.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/health/", "/favicon.ico")


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
            and not is_mfa_enabled(user)
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

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
