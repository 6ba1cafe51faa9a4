"""The clinical knowledge base and the symptom sessions built on it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from medportal.encryption import EncryptedCharField, EncryptedJSONTextField, EncryptedTextField

from .engine import levels
from .engine.complaints import CatalogueError, expand_terms
from .engine.resolver import STOPWORDS, normalise

ICD10_VALIDATOR = RegexValidator(
    r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?$", _("Enter an ICD-10 code such as K21.9.")
)


class TriageLevel(models.TextChoices):
    """Ordered from most to least urgent (see ``TRIAGE_ORDER``); the values are the engine's
    (``diagnosis.engine.levels``), this adds the labels people see."""

    EMERGENCY = levels.TriageLevel.EMERGENCY.value, _("Emergency: call an ambulance now")
    URGENT = levels.TriageLevel.URGENT.value, _("Urgent: get medical help today")
    GP = levels.TriageLevel.GP.value, _("See a doctor: book an appointment")
    SELF_CARE = levels.TriageLevel.SELF_CARE.value, _("Self-care: look after yourself at home")


TRIAGE_ORDER = {TriageLevel(value): order for value, order in levels.TRIAGE_ORDER.items()}


class BodySystem(models.TextChoices):
    GENERAL = "general", _("General")
    SKIN = "skin", _("Skin")
    RESPIRATORY = "respiratory", _("Breathing")
    CARDIOVASCULAR = "cardiovascular", _("Heart and circulation")
    DIGESTIVE = "digestive", _("Digestion")
    LIVER = "liver", _("Liver")
    URINARY = "urinary", _("Urinary")
    MUSCULOSKELETAL = "musculoskeletal", _("Muscles and joints")
    NEUROLOGICAL = "neurological", _("Brain and nerves")
    EAR_NOSE_THROAT = "ear_nose_throat", _("Ear, nose and throat")
    EYE = "eye", _("Eyes")
    ENDOCRINE = "endocrine", _("Hormones")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    REPRODUCTIVE = "reproductive", _("Reproductive")
    RISK_FACTOR = "risk_factor", _("History and risk factors")


class KnowledgeBaseVersion(models.Model):
    """One row per change of the knowledge base; the highest id is the current version."""

    reason = models.CharField(max_length=200)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    content_hash = models.CharField(
        max_length=64, blank=True, help_text=_("Hash of the fixture files loaded.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"KB v{self.pk}: {self.reason}"


class Symptom(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    body_system = models.CharField(max_length=32, choices=BodySystem.choices, default=BodySystem.GENERAL)
    question = models.CharField(max_length=250, blank=True)
    is_reviewed = models.BooleanField(
        default=True, help_text=_("False for entries created by a data import.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SymptomSynonym(models.Model):
    symptom = models.ForeignKey(Symptom, on_delete=models.CASCADE, related_name="synonyms")
    phrase = models.CharField(
        max_length=120, unique=True, help_text=_("Lower case lay phrase or misspelling.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase

    def clean(self) -> None:
        """A synonym such as "a" or "!!" would match inside every sentence ("I have a sore throat")."""
        phrase = normalise(self.phrase or "")
        if len(phrase) < 3 or not any(ch.isalpha() for ch in phrase) or phrase in STOPWORDS:
            raise ValidationError(
                {"phrase": _("A synonym needs at least three characters and must not be a common word.")}
            )
        self.phrase = phrase


class Disease(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=160, unique=True)
    # Everyday words for result pages (patients read "Heart attack", clinicians "myocardial infarction").
    lay_name = models.CharField(
        max_length=120, blank=True, help_text=_("Everyday name shown to patients; blank: the name.")
    )
    aliases = models.JSONField(default=list, blank=True)
    icd10 = models.CharField("ICD-10", max_length=8, validators=[ICD10_VALIDATOR])
    description = models.TextField()
    default_triage = models.CharField(max_length=16, choices=TriageLevel.choices)
    source = models.TextField(help_text=_("The public guidance this entry is based on."))
    age_min = models.PositiveSmallIntegerField(default=0)
    age_max = models.PositiveSmallIntegerField(default=100)
    age_mode = models.PositiveSmallIntegerField(default=35)
    female_share = models.FloatField(default=0.5, validators=[MinValueValidator(0), MaxValueValidator(1)])
    warning_signs = models.JSONField(default=list, blank=True)
    emergency_guidance = models.TextField(blank=True)
    is_reviewed = models.BooleanField(default=True)
    symptoms = models.ManyToManyField(Symptom, through="DiseaseSymptom", related_name="diseases")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(female_share__gte=0) & models.Q(female_share__lte=1),
                name="female_share_0_1",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValidationError({"age_max": _("The oldest age cannot be below the youngest.")})
        if self.age_mode is not None and not (self.age_min or 0) <= self.age_mode <= (self.age_max or 120):
            raise ValidationError(
                {"age_mode": _("The typical age must lie between the youngest and the oldest.")}
            )


class DiseaseSymptom(models.Model):
    disease = models.ForeignKey(Disease, on_delete=models.CASCADE, related_name="symptom_links")
    symptom = models.ForeignKey(Symptom, on_delete=models.CASCADE, related_name="disease_links")
    frequency = models.FloatField(
        help_text=_("Share of people with the condition who have this symptom (0-1)."),
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["disease", "-frequency"]
        constraints = [
            models.UniqueConstraint(fields=["disease", "symptom"], name="unique_disease_symptom"),
            models.CheckConstraint(
                condition=models.Q(frequency__gt=0) & models.Q(frequency__lte=1), name="frequency_0_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.disease} – {self.symptom} ({self.frequency:.2f})"


class RedFlagRule(models.Model):
    """A symptom combination that means emergency or urgent whatever any model says."""

    class Level(models.TextChoices):
        EMERGENCY = TriageLevel.EMERGENCY.value, TriageLevel.EMERGENCY.label
        URGENT = TriageLevel.URGENT.value, TriageLevel.URGENT.label

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=160)
    level = models.CharField(max_length=16, choices=Level.choices)
    all_of = models.ManyToManyField(Symptom, related_name="red_flags_all")
    any_of = models.ManyToManyField(Symptom, related_name="red_flags_any", blank=True)
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True, choices=[("f", _("Female")), ("m", _("Male"))])
    pregnant = models.BooleanField(null=True, blank=True, help_text=_("True: only when pregnant."))
    instruction = models.TextField()
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.name}"


def _validate_terms(value) -> None:
    if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
        raise ValidationError(_("Enter a list of phrases."))


def _validate_term_groups(value) -> None:
    if not isinstance(value, list) or not all(isinstance(g, list) and g for g in value):
        raise ValidationError(_("Enter a list of groups, each a non-empty list of phrases."))
    for group in value:
        _validate_terms(group)


class ComplaintConcept(models.Model):
    """A named list of lay phrases ("@severe") that complaints and discriminators share."""

    name = models.SlugField(max_length=60, unique=True)
    terms = models.JSONField(default=list, validators=[_validate_terms])
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"@{self.name}"


class PresentingComplaint(models.Model):
    """What a person comes with ("earache", "took too many tablets"), whether or not any condition
    the model knows explains it. Its level applies when it is recognised and no discriminator fires."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=160)
    body_system = models.CharField(max_length=32, choices=BodySystem.choices, default=BodySystem.GENERAL)
    level = models.CharField(max_length=16, choices=TriageLevel.choices)
    instruction = models.TextField()
    safety_net = models.JSONField(default=list, blank=True, validators=[_validate_terms])
    source = models.TextField(help_text=_("The public guidance this entry is based on."))
    terms = models.JSONField(default=list, validators=[_validate_terms])
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _check_concepts(self.terms, "terms")


def _check_concepts(terms, field: str) -> None:
    """An admin edit naming an unknown @concept is refused here rather than skipped at check time."""
    concepts = dict(ComplaintConcept.objects.values_list("name", "terms"))
    try:
        expand_terms(terms or [], concepts, field)
    except CatalogueError as exc:
        raise ValidationError({field: str(exc)}) from exc


class ComplaintDiscriminator(models.Model):
    """A red flag of a presenting complaint: when found, the check is at least this urgent."""

    complaint = models.ForeignKey(
        PresentingComplaint, on_delete=models.CASCADE, related_name="discriminators"
    )
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=160)
    level = models.CharField(max_length=16, choices=TriageLevel.choices)
    instruction = models.TextField()
    all_of = models.JSONField(default=list, blank=True, validators=[_validate_term_groups])
    standalone = models.BooleanField(
        default=False, help_text=_("Fires on its own phrases, without the complaint's own phrases.")
    )
    sex = models.CharField(max_length=1, blank=True, choices=[("f", _("Female")), ("m", _("Male"))])
    sex_known = models.BooleanField(
        default=False,
        help_text=_("With a sex: only when the person is known to be of that sex (profile or check form)."),
    )
    pregnant = models.BooleanField(
        default=False, help_text=_("Only when the person is or might be pregnant.")
    )
    age_below_months = models.FloatField(null=True, blank=True)
    age_from_months = models.FloatField(null=True, blank=True)
    age_from_subject = models.BooleanField(
        default=False,
        help_text=_(
            "With an age limit: use the age of the person the check is for, not a younger age the words "
            "give (a mother's own temperature beside her baby's age)."
        ),
    )
    min_temperature_c = models.FloatField(null=True, blank=True)
    min_duration_days = models.FloatField(null=True, blank=True)
    min_tablets = models.PositiveSmallIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["complaint", "level", "name"]

    def __str__(self) -> str:
        return f"{self.complaint}: {self.name}"

    def clean(self) -> None:
        if isinstance(self.all_of, list):
            _check_concepts([t for group in self.all_of if isinstance(group, list) for t in group], "all_of")


class SymptomSession(models.Model):
    """One symptom check. What the patient typed and everything derived from it is encrypted;
    triage, status and the versions used stay in clear for queues and metrics."""

    class Status(models.TextChoices):
        ASKING = "asking", _("Questions pending")
        COMPLETE = "complete", _("Complete")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="symptom_sessions"
    )
    entered_text = EncryptedTextField(blank=True, default="")
    chips = EncryptedJSONTextField(default=list, blank=True)
    symptoms = EncryptedJSONTextField(default=list, blank=True)
    negated = EncryptedJSONTextField(default=list, blank=True)
    unrecognised = EncryptedJSONTextField(default=list, blank=True)
    answers = EncryptedJSONTextField(default=list, blank=True)
    conditions = EncryptedJSONTextField(default=list, blank=True)
    red_flags = EncryptedJSONTextField(default=list, blank=True)
    # Who the check is about (me / a child / another adult; age, sex, pregnancy) and the presenting
    # complaints the triage layer recognised, with what it found in the words.
    subject = EncryptedJSONTextField(default=dict, blank=True)
    complaints = EncryptedJSONTextField(default=list, blank=True)
    findings = EncryptedJSONTextField(default=list, blank=True)
    # The conformal condition list: {"prediction_set": [names], "coverage": 0.9}; {} when the model
    # version that answered has no calibration (diagnosis/engine/conformal.py).
    conformal = EncryptedJSONTextField(default=dict, blank=True)
    in_scope = models.BooleanField(
        default=True, help_text=_("False when the condition model does not cover what was described.")
    )
    next_question = EncryptedCharField(max_length=80, blank=True, default="")
    sex = EncryptedCharField(max_length=1, blank=True, default="")
    pregnant = EncryptedCharField(max_length=5, blank=True, default="")
    age_band = models.CharField(max_length=8, blank=True, default="")
    triage = models.CharField(max_length=16, choices=TriageLevel.choices)
    low_confidence = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.COMPLETE)
    model_version = models.ForeignKey(
        "mlops.ModelVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    model_label = models.CharField(max_length=120)
    kb_version = models.PositiveIntegerField(default=0)
    follow_up_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["follow_up_sent_at", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"Check #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("diagnosis:check_detail", args=[self.pk])

    @property
    def is_emergency(self) -> bool:
        return self.triage == TriageLevel.EMERGENCY

    @property
    def top_condition(self) -> dict:
        """The highest-ranked condition of the result ({} when there is none)."""
        return (self.conditions or [{}])[0]
