"""Reads for feedback. Clinicians reach a patient's check only through the review queue."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import ClinicianReview

_IN_QUEUE = [ClinicianReview.Status.OPEN, ClinicianReview.Status.CLAIMED]


def _require_clinician(user) -> None:
    # Patients, admins and anonymous visitors learn nothing, not even that the queue exists.
    if not getattr(user, "is_clinician", False):
        raise Http404


def review_queue(*, clinician) -> QuerySet[ClinicianReview]:
    """Open and claimed reviews, most urgent first, then oldest first. 404 for non-clinicians."""
    _require_clinician(clinician)
    return (
        ClinicianReview.objects.filter(status__in=_IN_QUEUE)
        # The session is not joined: listing the queue decrypts no health data.
        .select_related("claimed_by")
        .order_by("urgency", "created_at", "pk")
    )


def get_review_for_clinician(*, user, pk: int) -> ClinicianReview:
    """The one choke point for opening a case: a clinician reaches a review that is in the queue,
    or one they closed themselves; everyone else gets 404."""
    _require_clinician(user)
    return get_object_or_404(
        ClinicianReview.objects.select_related("session", "claimed_by", "confirmed_condition").filter(
            Q(status__in=_IN_QUEUE) | Q(claimed_by=user)
        ),
        pk=pk,
    )


def review_for_session(*, session) -> ClinicianReview | None:
    """The review of a check, for its owner's check page (the caller has already authorised the session)."""
    return ClinicianReview.objects.select_related("confirmed_condition").filter(session=session).first()
