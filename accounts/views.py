from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import services
from .forms import ConsentForm, HealthProfileForm


def home(request):
    return render(request, "home.html")


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
