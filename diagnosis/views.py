from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from feedback.selectors import review_for_session
from medportal.limits import check_submission_limits
from recommendations.services import recommendations_for_session

from . import selectors, services
from .engine.knowledge import current_snapshot
from .forms import AnswerForm, CheckStartForm


@never_cache
@login_required
@check_submission_limits
def check_start(request):
    form = CheckStartForm(request.POST or None)
    problem = None
    if request.method == "POST" and form.is_valid():
        try:
            session = services.symptom_check_start(
                user=request.user,
                text=form.cleaned_data["text"],
                chips=form.cleaned_data["chips"],
                subject=form.subject(),
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            return redirect(session)
    return render(request, "diagnosis/check_start.html", {"form": form, "problem": problem})


_SUBJECT_FIELDS = {"for": "subject_for", "age": "age_years", "sex": "sex", "pregnant": "pregnant"}


def _add_service_errors(form, exc: ValidationError) -> None:
    """Service errors keyed by subject field go next to that field; the rest on top of the form."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            field = _SUBJECT_FIELDS.get(key)
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        form.add_error(None, exc)


@never_cache
@login_required
def check_detail(request, pk: int):
    session = selectors.get_session_for_user(user=request.user, pk=pk)
    shown = selectors.session_display(session)
    context = {
        "session": session,
        "question": shown.question,
        "symptom_names": shown.symptoms,
        "negated_names": shown.negated,
        "answers": shown.answers,
        "emergency_number": settings.EMERGENCY_NUMBER,
        "what_to_do": selectors.what_to_do(session),
        "suggestions": selectors.suggestions_for(session) if session.unrecognised else {},
        # Advice only once the questions are over: the leading condition can still change before that.
        "advice": recommendations_for_session(session=session, user=request.user)
        if session.status == session.Status.COMPLETE
        else None,
        "clinician_review": review_for_session(session=session),
        "certainty": selectors.list_certainty(session),
    }
    return render(request, "diagnosis/check_detail.html", context)


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
    snapshot = current_snapshot()
    rows = [
        {
            "session": s,
            "top": s.top_condition.get("name", ""),
            "symptoms": ", ".join(snapshot.symptom_names.get(x, x) for x in s.symptoms[:4]),
        }
        for s in page.object_list
    ]
    return render(request, "diagnosis/history.html", {"page": page, "rows": rows})


@require_GET
def autocomplete(request):
    """Symptom suggestions from the knowledge base (public: it reveals nothing about anyone)."""
    query = request.GET.get("q", "")[:60]
    return JsonResponse({"results": current_snapshot().index.autocomplete(query)})
