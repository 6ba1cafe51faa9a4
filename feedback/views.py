from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnosis.selectors import get_session_for_user

from . import services
from .forms import CheckFeedbackForm, ItemRatingForm


@login_required
@require_POST
def rate_item(request, pk: int):
    session = get_session_for_user(user=request.user, pk=pk)
    form = ItemRatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That rating could not be saved: choose 1 to 5 stars."))
        return redirect(session)
    try:
        services.item_rating_submit(
            user=request.user,
            session=session,
            disease_slug=form.cleaned_data["disease"],
            item_type=form.cleaned_data["item_type"],
            item_key=form.cleaned_data["item_key"],
            rating=form.cleaned_data["rating"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thanks, your rating helps order advice for people like you."))
    return redirect(session)


@login_required
@require_POST
def check_feedback(request, pk: int):
    session = get_session_for_user(user=request.user, pk=pk)
    form = CheckFeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That feedback could not be saved."))
        return redirect(session)
    data = form.cleaned_data
    services.check_feedback_submit(
        session=session,
        helpful=data["helpful"],
        top_correct=data["top_correct"],
        wants_clinician_review=data["wants_clinician_review"] or None,
    )
    messages.success(request, _("Thank you for your feedback."))
    return redirect(session)
