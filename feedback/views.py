from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Sex
from audit.services import Action, audit_record
from diagnosis.selectors import get_session_for_user, session_display
from medportal.exceptions import ApplicationError, show_error

from . import selectors, services
from .forms import CheckFeedbackForm, ItemRatingForm, ReviewCloseForm
from .models import ClinicianReview


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
        return redirect(session)
    messages.success(request, _("Thanks, your rating helps order advice for people like you."))
    # Back to the rated item: its chosen stars, and after a poor rating the question whether a
    # clinician should look at the check (templates/recommendations/rating.html).
    data = form.cleaned_data
    return redirect(
        f"{session.get_absolute_url()}#rating-{data['disease']}-{data['item_type']}-{data['item_key']}"
    )


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
    if data["wants_clinician_review"]:
        messages.success(
            request, _("A clinician will look at your check. We will e-mail you when they have replied.")
        )
        return redirect(f"{session.get_absolute_url()}#clinician-review")
    messages.success(request, _("Thank you for your feedback."))
    return redirect(f"{session.get_absolute_url()}#outcome")


@never_cache
@login_required
@require_GET
def review_queue(request):
    page = selectors.review_queue_page(
        clinician=request.user, page=selectors.page_number(request.GET.get("page", 1))
    )
    return render(
        request,
        "feedback/review_queue.html",
        {"page": page, "rows": page.object_list, "starvation_hours": settings.REVIEW_STARVATION_HOURS},
    )


@never_cache
@login_required
@require_GET
def review_detail(request, pk: int):
    review = selectors.get_review_for_clinician(user=request.user, pk=pk)
    return _render_case(request, review, _close_form(review))


@never_cache
@login_required
@require_POST
def review_claim(request, pk: int):
    review = selectors.get_review_for_clinician(user=request.user, pk=pk)
    try:
        services.review_claim(review=review, clinician=request.user)
    except ApplicationError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("You are now reviewing this check."))
    return redirect(review)


@never_cache
@login_required
@require_POST
def review_release(request, pk: int):
    review = selectors.get_review_for_clinician(user=request.user, pk=pk)
    try:
        services.review_release(review=review, clinician=request.user)
    except ApplicationError as exc:
        show_error(request, exc)
        return redirect(review)
    messages.success(request, _("The case is back in the queue for any clinician."))
    return redirect("feedback:review_queue")


@never_cache
@login_required
@require_POST
def review_close(request, pk: int):
    review = selectors.get_review_for_clinician(user=request.user, pk=pk)
    form = ReviewCloseForm(request.POST)
    if form.is_valid():
        try:
            services.review_close(
                review=review,
                clinician=request.user,
                condition_slug=form.cleaned_data["condition"],
                triage=form.cleaned_data["triage"],
                note=form.cleaned_data["note"],
                check_url=request.build_absolute_uri(review.session.get_absolute_url()),
            )
        except ApplicationError as exc:
            # Another clinician's case, or already closed: the form is not on the page then, so
            # the reason must be a message on the case page, not a form error nobody sees.
            show_error(request, exc)
            return redirect(review)
        except ValidationError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, _("Your reply was saved and the patient has been told."))
            return redirect("feedback:review_queue")
    return _render_case(request, review, form)


def _close_form(review) -> ReviewCloseForm:
    session = review.session
    top = session.top_condition.get("slug")
    return ReviewCloseForm(initial={"condition": top, "triage": session.triage})


def _render_case(request, review, form):
    """The case page: the check itself and the few profile facts it was run with, nothing more."""
    session = review.session
    # Who opened which case, in the audit trail (identifiers only, no health data).
    audit_record(
        action=Action.STAFF_READ,
        request=request,
        object_type=ClinicianReview._meta.label_lower,
        object_id=review.pk,
        detail="case_page",
    )
    shown = session_display(session)
    context = {
        "review": review,
        "session": session,
        "form": form,
        "symptom_names": shown.symptoms,
        "negated_names": shown.negated,
        "answers": shown.answers,
        "conditions": [
            {**c, "percent": round(100 * float(c.get("probability", 0)), 1)} for c in session.conditions
        ],
        "sex": Sex(session.sex).label if session.sex in Sex.values else _("Not recorded"),
        "pregnant": session.pregnant == "yes",
        "subject": selectors.case_subject(session),
        "findings": selectors.case_findings(session),
        "poor_ratings": selectors.case_poor_ratings(session),
        "is_mine": review.claimed_by_id == request.user.pk,
        "can_close": not review.is_closed and review.claimed_by_id in (None, request.user.pk),
    }
    return render(request, "feedback/review_detail.html", context)
