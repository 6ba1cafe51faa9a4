"""Ratings and outcomes from patients (and, later, clinicians)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from medportal.encryption import EncryptedCharField, EncryptedJSONTextField


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
