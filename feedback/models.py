"""Ratings and outcomes from patients (and, later, clinicians)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from diagnosis.models import TRIAGE_ORDER, TriageLevel
from medportal.encryption import EncryptedCharField, EncryptedJSONTextField, EncryptedTextField

from .learning import reason_text

# An item rated this low (out of 5) makes the result page ask "Would you like a clinician to look
# at this?"; the check goes to the review queue only if the patient says yes.
POOR_ITEM_RATING = 2


class ItemRating(models.Model):
    """A patient's 1-5 rating of one recommended item, with the non-identifying profile features
    the hybrid ranker learns from (captured at rating time, encrypted where they are health data)."""

    class ItemType(models.TextChoices):
        MEDICINE = "medicine", _("Medicine")
        PRECAUTION = "precaution", _("Precaution")
        DIET = "diet", _("Diet")
        ACTIVITY = "activity", _("Activity")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="item_ratings")
    session = models.ForeignKey(
        "diagnosis.SymptomSession",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="item_ratings",
    )
    disease = models.ForeignKey("diagnosis.Disease", on_delete=models.CASCADE, related_name="item_ratings")
    item_type = models.CharField(max_length=12, choices=ItemType.choices)
    item_key = models.CharField(max_length=80, help_text=_("Medicine slug or advice item id."))
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    age_band = models.CharField(max_length=8, blank=True)
    sex = EncryptedCharField(max_length=1, blank=True, default="")
    profile_conditions = EncryptedJSONTextField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "session", "disease", "item_type", "item_key"],
                name="one_rating_per_item_per_check",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1) & models.Q(rating__lte=5), name="rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_type} {self.item_key}: {self.rating}"


class CheckFeedback(models.Model):
    """The patient's view of a whole check: did it help, was the top condition right?"""

    class TopCorrect(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        UNSURE = "unsure", _("Not sure yet")

    session = models.OneToOneField(
        "diagnosis.SymptomSession", on_delete=models.CASCADE, related_name="feedback"
    )
    helpful = models.BooleanField(null=True, blank=True)
    top_correct = models.CharField(max_length=8, choices=TopCorrect.choices, blank=True)
    wants_clinician_review = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Feedback on check #{self.session_id}"


class ClinicianReview(models.Model):
    """A flagged check waiting for, or answered by, a clinician.

    Urgency, status and reasons stay in clear so the queue can be sorted and filtered;
    the clinician's note to the patient is health data and is encrypted.
    """

    class Reason(models.TextChoices):
        RED_FLAG = "red_flag", _("Red flag")
        LOW_CONFIDENCE = "low_confidence", _("Low confidence")
        POOR_RATING = "poor_rating", _("Poor rating")
        PATIENT_REQUEST = "patient_request", _("Patient asked for a review")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a clinician")
        CLAIMED = "claimed", _("Being reviewed")
        CLOSED = "closed", _("Reviewed")

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        CORRECTED = "corrected", _("Corrected")
        # The clinician's condition is not in the knowledge base: no condition is stored, so the
        # check never becomes a training example labelled with a wrong condition.
        OTHER = "other", _("Other / not listed")

    session = models.OneToOneField(
        "diagnosis.SymptomSession", on_delete=models.CASCADE, related_name="clinician_review"
    )
    # The check's owner, copied from the session so the queue can group per patient without
    # joining the session (whose fields are encrypted health data).
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reviews_as_patient",
    )
    # Ids of this patient's later checks whose automatic low-confidence flag was not queued because
    # the patient reached REVIEW_AUTO_FLAGS_PER_PATIENT_PER_DAY: shown on the case page, never lost.
    suppressed_checks = models.JSONField(default=list, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    urgency = models.PositiveSmallIntegerField(
        help_text=_("The check's triage as a sortable number: 0 emergency, 1 urgent, 2 GP, 3 self-care.")
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claimed_reviews",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    confirmed_condition = models.ForeignKey(
        "diagnosis.Disease", null=True, blank=True, on_delete=models.PROTECT, related_name="clinician_reviews"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    corrected_triage = models.CharField(max_length=16, choices=TriageLevel.choices, blank=True)
    note_to_patient = EncryptedTextField(blank=True, default="")
    # How much a clinician's label would teach the condition model (feedback/learning.py), set at
    # flag time so the queue can order by it within an urgency without reading the session. A bare
    # number in clear; why (condition names, triage levels) is health data and is encrypted.
    learning_value = models.FloatField(default=0.0)
    learning_reason = EncryptedJSONTextField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["urgency", "created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "urgency", "created_at"], name="review_queue_idx"),
            models.Index(fields=["patient", "created_at"], name="review_patient_day_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(urgency__gte=0) & models.Q(urgency__lte=3), name="review_urgency_0_3"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="claimed") | models.Q(claimed_by__isnull=False),
                name="claimed_review_has_clinician",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed")
                | (
                    models.Q(closed_at__isnull=False)
                    & (
                        (
                            models.Q(confirmed_condition__isnull=False)
                            & models.Q(outcome__in=["confirmed", "corrected"])
                        )
                        | (models.Q(confirmed_condition__isnull=True) & models.Q(outcome="other"))
                    )
                ),
                name="closed_review_has_outcome_v2",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of check #{self.session_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("feedback:review_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def reason_labels(self) -> list[str]:
        return [self.Reason(r).label for r in self.reasons]

    @property
    def learning_text(self) -> str:
        """Why a label on this check would teach the model, in the clinician's words ("" if nothing)."""
        return reason_text(self.learning_reason or {})

    @property
    def urgency_level(self) -> TriageLevel:
        """The triage level that ``urgency`` was derived from."""
        return next(level for level, rank in TRIAGE_ORDER.items() if rank == self.urgency)
