"""Domain errors are mapped once: to the API's error body, and to a form error or a message."""

import pytest
from django import forms
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from medportal.api import exception_handler
from medportal.exceptions import ApplicationError, Conflict, NotPermitted, show_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (ApplicationError("No earlier version."), 400, "refused"),
        (NotPermitted("Only clinicians can review checks."), 403, "permission_denied"),
        (Conflict("This check has already been reviewed."), 409, "conflict"),
    ],
)
def test_a_domain_error_is_its_status_and_code_with_the_message_as_detail(exc, status, code):
    response = exception_handler(exc, {})
    assert response.status_code == status
    assert response.data == {"error": code, "detail": exc.message}


def test_extra_stays_with_the_caller_and_never_reaches_the_client():
    response = exception_handler(Conflict("Already reviewed.", {"review": 42, "gates": ["secret"]}), {})
    assert response.data == {"error": "conflict", "detail": "Already reviewed."}


def test_promotion_refused_is_a_conflict():
    from mlops.services import PromotionRefused

    assert exception_handler(PromotionRefused("v3 not promoted"), {}).status_code == 409


class _Form(forms.Form):
    subject_for = forms.CharField(required=False)
    note = forms.CharField(required=False)


def _request():
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    return request


def _messages(request) -> list[str]:
    return [str(m) for m in request._messages]


def _bound_form() -> _Form:
    form = _Form({})
    assert form.is_valid()
    return form


def test_a_domain_error_without_a_form_is_an_error_message():
    request = _request()
    show_error(request, Conflict("Another clinician is already reviewing this check."))
    assert _messages(request) == ["Another clinician is already reviewing this check."]


def test_a_domain_error_with_a_form_goes_on_top_of_the_form():
    request, form = _request(), _bound_form()
    show_error(request, NotPermitted("Only clinicians can review checks."), form=form)
    assert form.non_field_errors() == ["Only clinicians can review checks."]
    assert _messages(request) == []


def test_a_validation_error_goes_next_to_its_field_renamed_or_on_top():
    form = _bound_form()
    exc = ValidationError({"for": "Choose me or my child.", "age": "Tell us the age.", "note": "Too long."})
    show_error(_request(), exc, form=form, fields={"for": "subject_for", "age": "age_years"})
    assert form.errors["subject_for"] == ["Choose me or my child."]
    # "age_years" is not a field of this form; "note" is not in the renaming: both go on top.
    assert form.non_field_errors() == ["Tell us the age.", "Too long."]


def test_a_validation_error_keeps_its_own_field_names_without_a_renaming():
    form = _bound_form()
    show_error(_request(), ValidationError({"note": "Write a note."}), form=form)
    assert form.errors["note"] == ["Write a note."]


def test_a_validation_error_without_a_form_is_one_message_per_problem():
    request = _request()
    show_error(request, ValidationError(["Pick a rating.", "Pick a condition."]))
    assert _messages(request) == ["Pick a rating.", "Pick a condition."]
