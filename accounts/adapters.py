from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip
from django.urls import reverse

from medportal import session_keys

from .models import Role
from .services import health_profile_get_or_create, user_set_role

VERIFICATION_SENT_MESSAGE = "account/messages/email_confirmation_sent.txt"
VERIFICATION_EMAIL_SESSION_KEY = "accounts_verification_email"


class AccountAdapter(DefaultAccountAdapter):
    """Everyone who signs up is a patient; staff roles are granted by an admin."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user_set_role(user=user, role=Role.PATIENT)
            health_profile_get_or_create(user=user)
        return user

    def add_message(
        self, request, level, message_template=None, message_context=None, extra_tags="", message=None
    ):
        """Remember, in this browser's session, the address a confirmation e-mail was just sent to,
        for the "we have sent you an e-mail" page and its resend button (accounts.views).

        allauth says "sent" with this message both for a new account and, to prevent account
        enumeration, for an address that already has one; hooking the message keeps the two
        cases alike. Not a public allauth hook: tests/accounts/test_account_pages.py pins it."""
        if message_template == VERIFICATION_SENT_MESSAGE and (message_context or {}).get("email"):
            request.session[VERIFICATION_EMAIL_SESSION_KEY] = message_context["email"]
        return super().add_message(
            request,
            level,
            message_template=message_template,
            message_context=message_context,
            extra_tags=extra_tags,
            message=message,
        )

    def get_login_redirect_url(self, request) -> str:
        """Clinicians start at their review queue; someone with a check made without an account in
        this browser at the page that offers to save it; everyone else at ``LOGIN_REDIRECT_URL``.

        Only when the login carries no ``?next=``: allauth prefers that, so a link into a case
        still opens the case."""
        if getattr(request.user, "is_clinician", False):
            return reverse("feedback:review_queue")
        if session_keys.GUEST_CHECK in request.session:
            # A check made without an account in this browser: ask whether to save it (a sign-up
            # confirmed by e-mail link loses the "?next=" the result page gave it).
            return reverse("diagnosis:guest_check_save")
        return super().get_login_redirect_url(request)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The "key" of ACCOUNT_RATE_LIMITS["login_failed"]: the account *and* the client IP.

        allauth keys it on the account alone, so five wrong passwords from anywhere lock the owner
        out everywhere. Keyed on the pair, guessing from one address pauses that address for that
        account while the owner signs in from their own (the per-IP limits still cap one address
        across all accounts). A successful password reset clears the pair of the address it was
        completed from. Not a public allauth hook: tests/accounts/test_login_throttling.py pins it.
        """
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{get_ip(request)}"
