from dataclasses import replace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from medportal import session_keys
from medportal.encryption import decrypt_json, encrypt_json
from medportal.exceptions import show_error
from medportal.limits import check_submission_limits

from . import result_panels, selectors, services
from .forms import AnswerForm, CheckStartForm
from .selectors import current_snapshot

# A guest's check, encrypted, in their own Django session (diagnosis.services: guest checks).
GUEST_SESSION_KEY = session_keys.GUEST_CHECK


def guest_check_get(request) -> dict | None:
    """The visitor's guest check, or None (none started, expired, or unreadable)."""
    token = request.session.get(GUEST_SESSION_KEY)
    check = decrypt_json(token) if isinstance(token, str) else None
    return check if isinstance(check, dict) else None


def _guest_check_keep(request, check: dict) -> None:
    request.session[GUEST_SESSION_KEY] = encrypt_json(check)


@never_cache
@check_submission_limits(daily_cap_wait=selectors.daily_cap_wait_seconds)
def check_start(request):
    """Signed-in patients start a stored check; anyone else a guest check kept in their session."""
    guest = not request.user.is_authenticated
    form = CheckStartForm(request.POST or None, guest=guest)
    if request.method == "POST" and form.is_valid():
        data = {
            "text": form.cleaned_data["text"],
            "chips": form.cleaned_data["chips"],
            "subject": form.subject(),
        }
        try:
            if guest:
                _guest_check_keep(request, services.guest_check_start(**data))
            else:
                session = services.symptom_check_start(user=request.user, **data)
        except ValidationError as exc:
            # Service errors keyed by subject field go next to that field; the rest on top of the form.
            show_error(request, exc, form=form, fields=_SUBJECT_FIELDS)
        else:
            return redirect("diagnosis:guest_check") if guest else redirect(session)
    return render(request, "diagnosis/check_start.html", {"form": form, "guest": guest})


_SUBJECT_FIELDS = {"for": "subject_for", "age": "age_years", "sex": "sex", "pregnant": "pregnant"}


@never_cache
@login_required
def check_detail(request, pk: int):
    session = selectors.get_session_for_user(user=request.user, pk=pk)
    context = {
        **_result_context(session, advice_user=request.user),
        "clinician_review": result_panels.provide("clinician_review", session=session),
        "answer_url": reverse("diagnosis:check_answer", args=[session.pk]),
        "finish_url": reverse("diagnosis:check_finish", args=[session.pk]),
    }
    return render(request, "diagnosis/check_detail.html", context)


def _result_context(session, *, advice_user) -> dict:
    """What the result page shows of any check, a patient's or a guest's: the same conditions
    (lay names, at most three, sensitive ones only with a specific finding), certainty line,
    urgency panel and advice."""
    shown = selectors.session_display(session)
    conditions = selectors.patient_conditions(session)
    return {
        "session": session,
        "question": shown.question,
        "symptom_names": shown.symptoms,
        "negated_names": shown.negated,
        "answers": shown.answers,
        "emergency_number": settings.EMERGENCY_NUMBER,
        "what_to_do": selectors.what_to_do(session),
        "suggestions": selectors.suggestions_for(session) if session.unrecognised else {},
        "conditions": conditions,
        # Advice only once the questions are over: the leading condition can still change before that.
        "advice": _advice_for_shown(session, advice_user, conditions)
        if session.status == session.Status.COMPLETE
        else None,
        "certainty": selectors.list_certainty(session),
    }


def _advice_for_shown(session, user, conditions) -> list:
    # Advice never names a condition the page holds back (a sensitive one without a specific finding).
    # Its heading uses the same everyday name as the list above it.
    names = {c.slug: c.name for c in conditions}
    return [
        replace(a, condition=names[a.condition_slug])
        for a in result_panels.provide("advice", default=[], session=session, user=user)
        if a.condition_slug in names
    ]


@never_cache
def guest_check_detail(request):
    """A guest's check: the same page as a patient's, without rating or clinician review, and
    with an offer to save it to an account."""
    check = guest_check_get(request)
    if check is None:
        messages.info(request, _("There is no check without an account in this browser. Start one here."))
        return redirect("diagnosis:check_start")
    session = selectors.guest_check_display(check)
    save_url = reverse("diagnosis:guest_check_save")
    context = {
        **_result_context(session, advice_user=None),
        "guest": True,
        "clinician_review": None,
        "answer_url": reverse("diagnosis:guest_check_answer"),
        "finish_url": reverse("diagnosis:guest_check_finish"),
        "signup_url": f"{reverse('account_signup')}?{urlencode({'next': save_url})}",
        "login_url": f"{reverse('account_login')}?{urlencode({'next': save_url})}",
        "save_url": save_url,
    }
    return render(request, "diagnosis/check_detail.html", context)


@never_cache
@require_POST
def guest_check_answer(request):
    check = guest_check_get(request)
    if check is None:
        return redirect("diagnosis:guest_check")
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please answer yes, no or don't know."))
        return redirect("diagnosis:guest_check")
    _guest_check_keep(
        request,
        services.guest_check_answer(
            check=check, symptom=form.cleaned_data["symptom"], answer=form.cleaned_data["answer"]
        ),
    )
    return redirect("diagnosis:guest_check")


@never_cache
@require_POST
def guest_check_finish(request):
    check = guest_check_get(request)
    if check is not None:
        _guest_check_keep(request, services.guest_check_finish(check=check))
    return redirect("diagnosis:guest_check")


@never_cache
@login_required
def guest_check_save(request):
    """After signing in (or up) in the same browser: save the guest check to the account, or
    discard it. Nothing is saved without the person choosing to."""
    check = guest_check_get(request)
    if check is None:
        messages.info(
            request, _("There is no check to save: it may have expired. Your saved checks are here.")
        )
        return redirect("diagnosis:history")
    if request.method == "POST":
        if request.POST.get("action") == "save":
            session = services.guest_check_save(user=request.user, check=check)
            del request.session[GUEST_SESSION_KEY]
            messages.success(request, _("The check was saved to your account."))
            return redirect(session)
        if request.POST.get("action") == "discard":
            del request.session[GUEST_SESSION_KEY]
            messages.success(request, _("The check was not saved and has been removed from this browser."))
            return redirect("home")
    shown = selectors.guest_check_display(check)
    return render(
        request,
        "diagnosis/guest_check_save.html",
        {
            "session": shown,
            "what_to_do": selectors.what_to_do(shown),
            "display": selectors.session_display(shown),
        },
    )


@never_cache
@login_required
@require_POST
def check_answer(request, pk: int):
    session = selectors.get_session_for_user(user=request.user, pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please answer yes, no or don't know."))
        return redirect(session)
    services.symptom_check_answer(
        session=session, symptom=form.cleaned_data["symptom"], answer=form.cleaned_data["answer"]
    )
    return redirect(session)


@never_cache
@login_required
@require_POST
def check_finish(request, pk: int):
    session = selectors.get_session_for_user(user=request.user, pk=pk)
    services.symptom_check_finish(session=session)
    return redirect(session)


@never_cache
@login_required
def history(request):
    page = Paginator(selectors.sessions_for_user(user=request.user), 20).get_page(request.GET.get("page"))
    rows = selectors.patient_history_rows(page.object_list)
    reviewed = result_panels.provide("closed_reviews", default={}, sessions=page.object_list)
    for row in rows:
        row["review"] = reviewed.get(row["session"].pk)
    return render(request, "diagnosis/history.html", {"page": page, "rows": rows})


@require_GET
def autocomplete(request):
    """Symptom suggestions from the knowledge base (public: it reveals nothing about anyone)."""
    query = request.GET.get("q", "")[:60]
    return JsonResponse({"results": current_snapshot().index.autocomplete(query)})
