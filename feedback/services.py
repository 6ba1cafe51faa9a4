"""Writes for feedback: item ratings and check feedback. Always stored, whatever else is down."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from diagnosis.models import Disease, SymptomSession

from .models import CheckFeedback, ItemRating


def _rated_disease(session: SymptomSession, disease_slug: str) -> Disease:
    # Only conditions shown on this check can be rated.
    if disease_slug not in {c["slug"] for c in session.conditions or []}:
        raise ValidationError(_("That condition is not part of this check."), code="bad_condition")
    return Disease.objects.get(slug=disease_slug)


@transaction.atomic
def item_rating_submit(
    *, user, session: SymptomSession, disease_slug: str, item_type: str, item_key: str, rating: int
) -> ItemRating:
    from recommendations.safety import current_vocabulary, resolve_profile
    from recommendations.services import profile_from_user

    if item_type not in ItemRating.ItemType.values:
        raise ValidationError(_("Unknown kind of item."), code="bad_item_type")
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        raise ValidationError(_("A rating is a whole number from 1 to 5."), code="bad_rating") from None
    if not 1 <= rating <= 5:
        raise ValidationError(_("A rating is a whole number from 1 to 5."), code="bad_rating")
    disease = _rated_disease(session, disease_slug)
    profile = profile_from_user(user)
    resolved = resolve_profile(current_vocabulary(), profile)
    from accounts.models import age_band_for

    obj, _created = ItemRating.objects.update_or_create(
        user=user,
        session=session,
        disease=disease,
        item_type=item_type,
        item_key=str(item_key)[:80],
        defaults={
            "rating": rating,
            "age_band": age_band_for(profile.age),
            "sex": profile.sex,
            "profile_conditions": sorted(resolved.conditions),
        },
    )
    return obj


@transaction.atomic
def check_feedback_submit(
    *,
    session: SymptomSession,
    helpful: bool | None = None,
    top_correct: str = "",
    wants_clinician_review: bool | None = None,
) -> CheckFeedback:
    feedback, _created = CheckFeedback.objects.get_or_create(session=session)
    if helpful is not None:
        feedback.helpful = helpful
    if top_correct:
        if top_correct not in CheckFeedback.TopCorrect.values:
            raise ValidationError(_("Please answer yes, no or not sure."), code="bad_answer")
        feedback.top_correct = top_correct
    if wants_clinician_review is not None:
        feedback.wants_clinician_review = wants_clinician_review
    feedback.full_clean()
    feedback.save()
    return feedback
