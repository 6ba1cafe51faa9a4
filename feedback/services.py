"""Writes for feedback: item ratings, check feedback and clinician reviews.

Ratings and feedback are always stored, whatever else is down.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import age_band_for
from audit.services import Action, audit_record
from diagnosis.models import TRIAGE_ORDER, Disease, SymptomSession, TriageLevel
from medportal.exceptions import Conflict, NotPermitted
from recommendations.models import ActivityAdvice, ConditionMedicine, DietAdvice, Precaution
from recommendations.safety import current_vocabulary, resolve_profile
from recommendations.services import profile_from_user

from .learning import LearningValue, learning_value, rules_level
from .models import POOR_ITEM_RATING, CheckFeedback, ClinicianReview, ItemRating
from .signals import label_confirmed

logger = logging.getLogger(__name__)

MAX_NOTE = 2000
# The value of the clinician's "Other / not listed" condition choice: not a slug (a colon can never
# be in one), so it cannot collide with a knowledge-base condition.
OTHER_CONDITION = "other:not-listed"
_AUTOMATIC = {ClinicianReview.Reason.RED_FLAG.value, ClinicianReview.Reason.LOW_CONFIDENCE.value}


def _rated_disease(session: SymptomSession, disease_slug: str) -> Disease:
    # Only conditions shown on this check can be rated.
    if disease_slug not in {c["slug"] for c in session.conditions or []}:
        raise ValidationError(_("That condition is not part of this check."), code="bad_condition")
    return Disease.objects.get(slug=disease_slug)


def _item_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _check_rated_item(session: SymptomSession, disease: Disease, item_type: str, item_key: str) -> None:
    """Only an item this check could have shown can be rated (the ranker learns from these rows).

    Checked against the knowledge-base list for the condition, not the person's personalised
    list: the profile may have changed since the page was shown. A medicine is its slug; a
    precaution, diet or activity item is its position in that list (0 first, the KB rank), as
    in ``advice[].precautions`` of the recommendations endpoint. Emergency advice (an emergency
    check, or a condition whose own triage is emergency) lists no items at all.
    """
    if session.is_emergency or disease.default_triage == TriageLevel.EMERGENCY:
        raise _item_error(
            "item_type",
            _("Emergency advice lists no medicines or self-care items, so there is nothing to rate."),
            "no_items_in_emergency",
        )
    if item_type == ItemRating.ItemType.MEDICINE:
        known = ConditionMedicine.objects.filter(disease=disease, medicine__slug=item_key).exists()
    else:
        model = {
            ItemRating.ItemType.PRECAUTION: Precaution,
            ItemRating.ItemType.DIET: DietAdvice,
            ItemRating.ItemType.ACTIVITY: ActivityAdvice,
        }[item_type]
        known = item_key in {
            str(rank) for rank in model.objects.filter(disease=disease).values_list("rank", flat=True)
        }
    if not known:
        raise _item_error(
            "item_key", _("That item is not part of the advice for this condition."), "bad_item_key"
        )


@transaction.atomic
def item_rating_submit(
    *, user, session: SymptomSession, disease_slug: str, item_type: str, item_key: str, rating: int
) -> tuple[ItemRating, bool]:
    """Store (or replace) a rating of one advice item; returns the rating and whether it is new.

    A poor rating does not flag the check: the page asks whether a clinician should look at it
    (``check_feedback_submit(wants_clinician_review=True)``), so nothing goes to the queue silently.
    """
    if item_type not in ItemRating.ItemType.values:
        raise ValidationError(_("Unknown kind of item."), code="bad_item_type")
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        raise ValidationError(_("A rating is a whole number from 1 to 5."), code="bad_rating") from None
    if not 1 <= rating <= 5:
        raise ValidationError(_("A rating is a whole number from 1 to 5."), code="bad_rating")
    disease = _rated_disease(session, disease_slug)
    item_key = str(item_key).strip()
    _check_rated_item(session, disease, item_type, item_key)
    profile = profile_from_user(user)
    resolved = resolve_profile(current_vocabulary(), profile)
    obj, created = ItemRating.objects.update_or_create(
        user=user,
        session=session,
        disease=disease,
        item_type=item_type,
        item_key=item_key,
        defaults={
            "rating": rating,
            "age_band": age_band_for(profile.age),
            "sex": profile.sex,
            "profile_conditions": sorted(resolved.conditions),
        },
    )
    return obj, created


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
    reasons = []
    if helpful is False or top_correct == CheckFeedback.TopCorrect.NO:
        reasons.append(ClinicianReview.Reason.POOR_RATING)
    if wants_clinician_review:
        # Asked after rating an item poorly: the clinician sees that reason too.
        if (
            ClinicianReview.Reason.POOR_RATING not in reasons
            and ItemRating.objects.filter(session=session, rating__lte=POOR_ITEM_RATING).exists()
        ):
            reasons.append(ClinicianReview.Reason.POOR_RATING)
        reasons.append(ClinicianReview.Reason.PATIENT_REQUEST)
    if reasons:
        review_flag(session=session, reasons=reasons)
    return feedback


def _automatic_reasons(session: SymptomSession) -> list[str]:
    reasons = []
    if session.red_flags:
        reasons.append(ClinicianReview.Reason.RED_FLAG.value)
    # While questions are pending the answers may still raise confidence; an unsure
    # result counts once the check is complete (finished, or out of questions).
    if session.low_confidence and session.status == SymptomSession.Status.COMPLETE:
        reasons.append(ClinicianReview.Reason.LOW_CONFIDENCE.value)
    return reasons


def review_flag(
    *, session: SymptomSession, reasons: Iterable[str] = (), new_session: bool = False
) -> ClinicianReview | None:
    """Send a check to the clinician review queue, or add reasons to its open review.

    Red flags and a low-confidence complete result are picked up from the session itself, so
    the diagnosis services call this with no reason after every change of a check. Idempotent;
    a closed review is left as it is (a new reason never re-opens it). Returns the review, or
    None when there is nothing to flag or a low-confidence flag was folded into the patient's open
    review by the daily cap (``_fold_into_open_review``). ``new_session``: the check was created in this
    transaction, so it has no review yet and the locked look-up can be skipped.
    """
    if any(reason not in ClinicianReview.Reason.values for reason in reasons):
        raise ValidationError(_("Unknown reason for a review."), code="bad_reason")
    reasons = _automatic_reasons(session) + list(reasons)
    if new_session and not reasons:
        return None  # before any savepoint: this is every ordinary new check
    # A new check's review is written inside the check's own transaction: a failure here fails
    # the check either way, so no savepoint pair is spent on it.
    with transaction.atomic(savepoint=not new_session):
        return _review_merge(session, reasons, new_session=new_session)


def _learning_for(session: SymptomSession) -> LearningValue:
    """The active-learning score of a check, read from its (decrypted) result at flag time."""
    conditions = [
        (str(c.get("name", "")), float(c.get("probability") or 0.0))
        for c in session.conditions or []
        if isinstance(c, dict)
    ]
    conformal = session.conformal or {}
    prediction_set = conformal.get("prediction_set")
    return learning_value(
        conditions=conditions,
        prediction_set=list(prediction_set) if prediction_set is not None else None,
        model_level=(session.top_condition or {}).get("default_triage") or None,
        rules_level=rules_level(session.red_flags or [], session.complaints or []),
    )


def _review_merge(
    session: SymptomSession, reasons: list[str], *, new_session: bool
) -> ClinicianReview | None:
    review = (
        None if new_session else ClinicianReview.objects.select_for_update().filter(session=session).first()
    )
    reasons = list(dict.fromkeys(reasons))
    if review is None:
        if not reasons:
            return None
        if _fold_into_open_review(session, reasons):
            return None
        learning = _learning_for(session)
        fields = {
            "urgency": TRIAGE_ORDER[session.triage],
            "reasons": reasons,
            "patient_id": session.user_id,
            "learning_value": learning.score,
            "learning_reason": learning.as_reason(),
        }
        if new_session:
            # Nothing else can have a review of a check this transaction has not committed yet:
            # one INSERT, without get_or_create's look-up and savepoint pair.
            return ClinicianReview.objects.create(session=session, **fields)
        review, created = ClinicianReview.objects.get_or_create(session=session, defaults=fields)
        if created:
            _unfold(session)
            return review
    if review.is_closed:
        return review
    merged = review.reasons + [r for r in reasons if r not in review.reasons]
    # The urgency follows the check's triage while the review is open (answers can change it).
    urgency = TRIAGE_ORDER[session.triage]
    # So does the learning value: a later answer can settle (or unsettle) the model.
    learning = _learning_for(session)
    changed = (
        merged != review.reasons
        or urgency != review.urgency
        or learning.score != review.learning_value
        or learning.as_reason() != (review.learning_reason or {})
    )
    if changed:
        review.reasons = merged
        review.urgency = urgency
        review.learning_value = learning.score
        review.learning_reason = learning.as_reason()
        review.full_clean()
        review.save(update_fields=["reasons", "urgency", "learning_value", "learning_reason"])
    return review


def _fold_into_open_review(session: SymptomSession, reasons: list[str]) -> bool:
    """Apply REVIEW_AUTO_FLAGS_PER_PATIENT_PER_DAY to a new low-confidence flag; True if folded.

    Only a flag that is low confidence alone is capped: red flags, emergencies and anything the
    patient asked for are always queued. Once the patient's automatic flags today reach the cap,
    the check is recorded on the patient's latest open review (``suppressed_checks``) instead of
    becoming a new queue entry, so the clinician who opens that review sees it. With no open
    review to carry it, the check is queued: nothing is dropped silently.
    """
    cap = settings.REVIEW_AUTO_FLAGS_PER_PATIENT_PER_DAY
    if cap <= 0 or reasons != [ClinicianReview.Reason.LOW_CONFIDENCE.value] or session.is_emergency:
        return False
    if _automatic_flags_today(session.user_id, cap) < cap:
        return False
    carrier = (
        ClinicianReview.objects.select_for_update()
        .filter(
            patient_id=session.user_id,
            status__in=[ClinicianReview.Status.OPEN, ClinicianReview.Status.CLAIMED],
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if carrier is None:
        return False
    if session.pk not in carrier.suppressed_checks:
        carrier.suppressed_checks = [*carrier.suppressed_checks, session.pk]
        carrier.save(update_fields=["suppressed_checks"])
        logger.info("review cap: check %s folded into review %s", session.pk, carrier.pk)
    return True


def _automatic_flags_today(patient_id: int, cap: int) -> int:
    """How many of the patient's reviews today carry an automatic reason, counted up to `cap`.

    Reasons are a JSON list of slugs; SQLite has no JSON "contains" lookup, so the list's text is
    searched for a quoted slug (both databases store it as '["red_flag", ...]'). The LIMIT keeps
    the cost flat for a patient who has already run many checks today: counting every row in Python
    made each further check slower (about 60 rows decoded per check in the load benchmark)."""
    as_text = ClinicianReview.objects.annotate(reasons_text=Cast("reasons", models.TextField()))
    automatic = Q()
    for reason in sorted(_AUTOMATIC):
        automatic |= Q(reasons_text__contains=f'"{reason}"')
    return (
        as_text.filter(automatic, patient_id=patient_id, created_at__date=timezone.localdate())
        .order_by()[:cap]
        .count()
    )


def _unfold(session: SymptomSession) -> None:
    """A folded check that now has its own review (the patient asked, or a red flag appeared after
    an answer) is no longer counted as "not queued" on the patient's other review."""
    carriers = (
        ClinicianReview.objects.select_for_update()
        .filter(patient_id=session.user_id)
        .exclude(suppressed_checks=[])
        .exclude(session=session)
    )
    for carrier in carriers:
        if session.pk in carrier.suppressed_checks:
            carrier.suppressed_checks = [pk for pk in carrier.suppressed_checks if pk != session.pk]
            carrier.save(update_fields=["suppressed_checks"])


def _require_clinician(user) -> None:
    if not getattr(user, "is_clinician", False):
        raise NotPermitted(_("Only clinicians can review checks."))


@transaction.atomic
def review_claim(*, review: ClinicianReview, clinician) -> ClinicianReview:
    """Take a review so no other clinician works on it at the same time."""
    _require_clinician(clinician)
    review = ClinicianReview.objects.select_for_update().get(pk=review.pk)
    if review.is_closed:
        raise Conflict(_("This check has already been reviewed."), {"review": review.pk})
    if review.claimed_by_id == clinician.pk:
        return review
    if review.claimed_by_id is not None:
        raise Conflict(_("Another clinician is already reviewing this check."), {"review": review.pk})
    review.status = ClinicianReview.Status.CLAIMED
    review.claimed_by = clinician
    review.claimed_at = timezone.now()
    review.full_clean()
    review.save(update_fields=["status", "claimed_by", "claimed_at"])
    _audit_change(review, clinician, "claimed")
    return review


@transaction.atomic
def review_release(*, review: ClinicianReview, clinician) -> ClinicianReview:
    """Give a claimed case back to the queue (going off shift, or the wrong speciality), so it is
    never stuck with someone who is away. Only the clinician who claimed it can."""
    _require_clinician(clinician)
    review = ClinicianReview.objects.select_for_update().get(pk=review.pk)
    if review.is_closed:
        raise Conflict(_("This check has already been reviewed."), {"review": review.pk})
    if review.claimed_by_id != clinician.pk:
        raise Conflict(_("Only the clinician reviewing this check can give it back."), {"review": review.pk})
    review.status = ClinicianReview.Status.OPEN
    review.claimed_by = None
    review.claimed_at = None
    review.save(update_fields=["status", "claimed_by", "claimed_at"])
    _audit_change(review, clinician, "released")
    return review


@transaction.atomic
def review_close(
    *,
    review: ClinicianReview,
    clinician,
    condition_slug: str,
    triage: str,
    note: str,
    check_url: str = "",
) -> ClinicianReview:
    """Confirm or correct a check, tell its owner by e-mail, and (with consent) keep the label.

    ``condition_slug`` is a knowledge-base condition or ``OTHER_CONDITION`` ("Other / not listed":
    no condition is stored and the check never becomes a training example).
    ``check_url`` is the absolute link to the check for the e-mail (the view knows the host).
    """
    _require_clinician(clinician)
    review = ClinicianReview.objects.select_for_update().select_related("session__user").get(pk=review.pk)
    if review.is_closed:
        raise Conflict(_("This check has already been reviewed."), {"review": review.pk})
    if review.claimed_by_id not in (None, clinician.pk):
        raise Conflict(_("Another clinician is already reviewing this check."), {"review": review.pk})
    other = condition_slug == OTHER_CONDITION
    disease = None if other else Disease.objects.filter(slug=condition_slug).first()
    if disease is None and not other:
        raise ValidationError({"condition": _("Choose a condition from the list.")})
    if triage not in TriageLevel.values:
        raise ValidationError({"triage": _("Choose an urgency from the list.")})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write a note for the patient.")})
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": _("Please keep the note under %(n)s characters.") % {"n": MAX_NOTE}})

    session = review.session
    top = session.top_condition.get("slug")
    now = timezone.now()
    if review.claimed_by_id is None:
        review.claimed_by = clinician
        review.claimed_at = now
    review.status = ClinicianReview.Status.CLOSED
    review.confirmed_condition = disease
    if other:
        review.outcome = ClinicianReview.Outcome.OTHER
    elif disease.slug == top:
        review.outcome = ClinicianReview.Outcome.CONFIRMED
    else:
        review.outcome = ClinicianReview.Outcome.CORRECTED
    review.corrected_triage = triage
    review.note_to_patient = note
    review.closed_at = now
    review.full_clean()
    review.save()
    label_confirmed.send(sender=ClinicianReview, review=review, session=session, disease=disease)
    _audit_change(review, clinician, f"closed {review.outcome}")
    transaction.on_commit(
        lambda: _send_reply_email(
            email=session.user.email, check_url=check_url or session.get_absolute_url(), review_pk=review.pk
        )
    )
    return review


def _audit_change(review: ClinicianReview, clinician, detail: str) -> None:
    audit_record(
        action=Action.STAFF_CHANGE,
        actor=clinician,
        object_type=ClinicianReview._meta.label_lower,
        object_id=review.pk,
        detail=detail,
    )


def _send_reply_email(*, email: str, check_url: str, review_pk: int) -> None:
    # Only a pointer to the portal: e-mail is not a safe place for health data.
    subject = _("A clinician replied to your MedPortal check")
    body = _(
        "Hello,\n\n"
        "A clinician has replied to one of your symptom checks.\n"
        "Log in to read it:\n\n%(url)s\n\n"
        "If you feel very unwell, call your local emergency number.\n\n"
        "MedPortal"
    ) % {"url": check_url}
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    except Exception:
        # The review is saved; a mail outage must not turn the clinician's request into an error.
        logger.warning("reply e-mail for review %s could not be sent", review_pk, exc_info=True)
