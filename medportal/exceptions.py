"""Domain errors, and the one place they become what a person sees.

Services raise ``ApplicationError`` (or a subclass) when a rule of the domain refuses an action
(a check already reviewed, a model version that is not ready). Its message is written for the
person who asked. It is mapped once to HTTP (``medportal.api.exception_handler``: its
``status_code``, ``code`` as ``error`` and ``message`` as ``detail``) and once to a form error or a flash message (``show_error``), so views and
API views call services without catching anything themselves, or with one ``except`` that hands
the error to ``show_error``.

Django's ``ValidationError`` stays the error for bad input (a field the person can correct);
``show_error`` places it on the form the same way.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError


class ApplicationError(Exception):
    """A domain rule refused the action. ``message`` is shown as is; ``extra`` is for callers
    (ids, gate reports) and is never sent to an API client."""

    status_code = 400
    code = "refused"

    def __init__(self, message: str, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class NotPermitted(ApplicationError):
    """The person may not do this at all (e.g. a patient reviewing a check)."""

    status_code = 403
    code = "permission_denied"


class Conflict(ApplicationError):
    """The object's state does not allow it now (already reviewed, claimed by someone else)."""

    status_code = 409
    code = "conflict"


def show_error(request, exc: ApplicationError | ValidationError, *, form=None, fields=None) -> None:
    """Put a service's error where the person will see it: on ``form`` when the page shows one,
    else as an error message on the next page.

    A ``ValidationError`` keyed by field goes next to that field (``fields`` renames service keys
    to form field names; a key the form does not have goes on top of the form).
    """
    if isinstance(exc, ApplicationError):
        if form is None:
            messages.error(request, exc.message)
        else:
            form.add_error(None, exc.message)
        return
    if form is None:
        for message in exc.messages:
            messages.error(request, message)
        return
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.error_dict.items():
        field = fields.get(key) if fields is not None else key
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
