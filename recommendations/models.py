"""Advice linked to conditions, and the vocabulary the safety filter resolves profiles with."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from diagnosis.models import Disease


class DrugClass(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=160)
    synonyms = models.JSONField(default=list, blank=True)
    cross_reactive = models.ManyToManyField(
        "self", symmetrical=False, blank=True, help_text=_("An allergy to this class also rules these out.")
    )
    implies_conditions = models.ManyToManyField(
        "ProfileCondition",
        blank=True,
        related_name="implied_by_classes",
        help_text=_("Taking a medicine of this class means the person very likely has these conditions."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "drug classes"

    def __str__(self) -> str:
        return self.name


class ProfileCondition(models.Model):
    """A long-term condition a patient may list that rules some medicines out."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=160)
    synonyms = models.JSONField(default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OtherMedication(models.Model):
    """A medicine people take that the portal never recommends but must check interactions with."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=160)
    synonyms = models.JSONField(default=list, blank=True)
    classes = models.ManyToManyField(DrugClass, related_name="other_medications")
    implies_conditions = models.ManyToManyField(
        ProfileCondition,
        blank=True,
        related_name="implied_by_medications",
        help_text=_("Taking it means the person very likely has these conditions."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Medicine(models.Model):
    class Pregnancy(models.TextChoices):
        OK = "ok", _("Generally considered safe")
        CAUTION = "caution", _("Only if a doctor or pharmacist agrees")
        AVOID = "avoid", _("Avoid in pregnancy")

    class Breastfeeding(models.TextChoices):
        OK = "ok", _("Generally considered safe")
        CAUTION = "caution", _("Only if a doctor or pharmacist agrees")
        AVOID = "avoid", _("Avoid while breastfeeding")

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=160)
    brand_names = models.JSONField(default=list, blank=True)
    rx = models.BooleanField(_("prescription only"), default=True)
    drug_class = models.ForeignKey(DrugClass, on_delete=models.PROTECT, related_name="medicines")
    allergy_classes = models.ManyToManyField(DrugClass, blank=True, related_name="allergy_medicines")
    pregnancy = models.CharField(max_length=8, choices=Pregnancy.choices, default=Pregnancy.CAUTION)
    breastfeeding = models.CharField(
        max_length=8, choices=Breastfeeding.choices, default=Breastfeeding.CAUTION
    )
    min_age_years = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(120)])
    contraindicated_conditions = models.ManyToManyField(
        ProfileCondition, blank=True, related_name="medicines"
    )
    interacting_classes = models.ManyToManyField(DrugClass, blank=True, related_name="interacting_medicines")
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConditionMedicine(models.Model):
    disease = models.ForeignKey(Disease, on_delete=models.CASCADE, related_name="medicine_links")
    medicine = models.ForeignKey(Medicine, on_delete=models.CASCADE, related_name="condition_links")
    reason = models.CharField(max_length=300)
    rank = models.PositiveSmallIntegerField(default=0, help_text=_("Knowledge-base order, 0 first."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["disease", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["disease", "medicine"], name="unique_condition_medicine")
        ]

    def __str__(self) -> str:
        return f"{self.disease}: {self.medicine}"


class AdviceItem(models.Model):
    disease = models.ForeignKey(Disease, on_delete=models.CASCADE, related_name="%(class)s_items")
    text = models.CharField(max_length=400)
    rank = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["disease", "rank"]

    def __str__(self) -> str:
        return self.text


class Precaution(AdviceItem):
    history = HistoricalRecords()


class DietAdvice(AdviceItem):
    history = HistoricalRecords()

    class Meta(AdviceItem.Meta):
        verbose_name_plural = "diet advice"


class ActivityAdvice(AdviceItem):
    history = HistoricalRecords()

    class Meta(AdviceItem.Meta):
        verbose_name_plural = "activity advice"
