import json

from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.email_verification import send_verification_email_to_address
from allauth.account.models import EmailAddress
from allauth.account.views import EmailVerificationSentView
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import services
from .adapters import VERIFICATION_EMAIL_SESSION_KEY
from .forms import AccountDeleteForm, ConsentForm, HealthProfileForm


def home(request):
    return render(request, "home.html")


def _pending_email(request) -> str:
    """The address a confirmation e-mail was last sent to from this browser (accounts.adapters),
    while nobody is signed in; "" when there is none."""
    if request.user.is_authenticated:
        return ""
    email = request.session.get(VERIFICATION_EMAIL_SESSION_KEY)
    return email if isinstance(email, str) else ""


class VerificationSentView(EmailVerificationSentView):
    """allauth's "we have sent you an e-mail" page, saying which address it went to (the one
    typed in this browser) so that a typo can be seen, with a button to send it again."""

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["pending_email"] = _pending_email(self.request)
        context["expire_days"] = account_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS
        return context


@never_cache
@require_POST
def resend_verification(request):
    """Send the confirmation e-mail for the address typed in this browser again, through allauth,
    so its "confirm_email" limit applies (one e-mail per address every few minutes; over it,
    nothing is sent and the page says to wait). An address with no unconfirmed account behind it
    gets allauth's "you already have an account" e-mail instead, as at sign-up, so the button
    tells nobody whether an account exists."""
    email = _pending_email(request)
    if not email:
        messages.info(request, _("Sign in with your address and password to get a new confirmation e-mail."))
        return redirect("account_login")
    address = EmailAddress.objects.filter(email__iexact=email, verified=False, user__isnull=False).first()
    if not send_verification_email_to_address(
        request, address or EmailAddress(user=None, email=email), signup=True
    ):
        messages.warning(
            request,
            _("We sent an e-mail to %(email)s a moment ago. Please wait a few minutes before asking again.")
            % {"email": email},
        )
    return redirect("account_email_verification_sent")


@never_cache
@login_required
def profile_edit(request):
    profile = services.health_profile_get_or_create(user=request.user)
    if request.method == "POST":
        form = HealthProfileForm(request.POST)
        if form.is_valid():
            services.health_profile_update(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your health profile was saved."))
            return redirect("accounts:profile")
    else:
        form = HealthProfileForm(
            initial={
                "date_of_birth": profile.date_of_birth,
                "sex": profile.sex,
                "pregnancy": profile.pregnancy,
                "allergies": profile.allergies,
                "conditions": profile.conditions,
                "medications": profile.medications,
                "height_cm": profile.height_cm,
                "weight_kg": profile.weight_kg,
            }
        )
    return render(request, "accounts/profile.html", {"form": form, "profile": profile})


@never_cache
@login_required
@require_POST
def consent_update(request):
    form = ConsentForm(request.POST)
    granted = form.is_valid() and form.cleaned_data["granted"]
    services.consent_set(user=request.user, granted=granted)
    if granted:
        messages.success(request, _("Thank you. Your anonymised checks may now help improve the models."))
    else:
        messages.success(request, _("Consent withdrawn. Your checks will not be used in future training."))
    return redirect("accounts:profile")


@never_cache
@login_required
def privacy(request):
    return render(request, "accounts/privacy.html", {"delete_form": AccountDeleteForm(user=request.user)})


@never_cache
@login_required
@require_GET
def privacy_export(request):
    data = services.personal_data_export(user=request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"medportal-my-data-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_POST
def account_delete(request):
    # Each wrong password counts against allauth's reauthentication limit, so a session left open
    # cannot be used to guess the password here.
    if not ratelimit.consume(request, action="reauthenticate", user=request.user):
        return HttpResponse(_("Too many attempts. Please wait a few minutes."), status=429)
    form = AccountDeleteForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "accounts/privacy.html", {"delete_form": form}, status=400)
    services.account_delete(user=request.user)
    logout(request)
    messages.success(request, _("Your account and your health data have been deleted."))
    return redirect("home")
