from datetime import date

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medportal.encryption import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedJSONTextField,
    EncryptedPositiveSmallIntegerField,
)


class Role(models.TextChoices):
    PATIENT = "patient", _("Patient")
    CLINICIAN = "clinician", _("Clinician")
    ADMIN = "admin", _("Admin")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("role", Role.ADMIN)
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address; there are no usernames."""

    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PATIENT)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text=_("Can log into Django admin."))
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT

    @property
    def is_clinician(self) -> bool:
        return self.role == Role.CLINICIAN

    @property
    def needs_mfa(self) -> bool:
        """Clinicians and admins see health data of others, so they must use MFA."""
        return self.role in (Role.CLINICIAN, Role.ADMIN) or self.is_staff or self.is_superuser


class Sex(models.TextChoices):
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")


class Pregnancy(models.TextChoices):
    NOT_APPLICABLE = "na", _("Not applicable")
    NO = "no", _("Not pregnant")
    YES = "yes", _("Pregnant")
    UNSURE = "unsure", _("Not sure")


class AgeBand(models.TextChoices):
    CHILD = "0-11", "0-11"
    TEEN = "12-17", "12-17"
    YOUNG_ADULT = "18-39", "18-39"
    ADULT = "40-64", "40-64"
    OLDER = "65+", "65+"
    UNKNOWN = "", _("Unknown")


def age_band_for(age: int | None) -> str:
    if age is None:
        return AgeBand.UNKNOWN
    for band, upper in (
        (AgeBand.CHILD, 11),
        (AgeBand.TEEN, 17),
        (AgeBand.YOUNG_ADULT, 39),
        (AgeBand.ADULT, 64),
    ):
        if age <= upper:
            return band
    return AgeBand.OLDER


class HealthProfile(models.Model):
    """Facts that personalise results. Every health field is encrypted at rest.

    ``age_band`` is the only derived value kept in clear, for aggregate queries.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="health_profile")
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    sex = EncryptedCharField(_("sex"), max_length=1, choices=Sex.choices, blank=True, default="")
    pregnancy = EncryptedCharField(
        _("pregnancy"), max_length=8, choices=Pregnancy.choices, blank=True, default=Pregnancy.NOT_APPLICABLE
    )
    allergies = EncryptedJSONTextField(_("allergies"), blank=True, default=list)
    conditions = EncryptedJSONTextField(_("long-term conditions"), blank=True, default=list)
    medications = EncryptedJSONTextField(_("current medicines"), blank=True, default=list)
    height_cm = EncryptedPositiveSmallIntegerField(_("height (cm)"), null=True, blank=True)
    weight_kg = EncryptedPositiveSmallIntegerField(_("weight (kg)"), null=True, blank=True)
    age_band = models.CharField(max_length=8, choices=AgeBand.choices, blank=True, default="")
    training_consent = models.BooleanField(_("use my anonymised checks to improve the models"), default=False)
    training_consent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Health profile #{self.pk}"

    def age(self, today: date | None = None) -> int | None:
        if not self.date_of_birth:
            return None
        today = today or timezone.localdate()
        dob = self.date_of_birth
        return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))

    @property
    def is_pregnant(self) -> bool:
        return self.pregnancy == Pregnancy.YES


class ConsentEvent(models.Model):
    """Append-only record of each time a patient gave or withdrew training consent."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consent_events")
    granted = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{'granted' if self.granted else 'withdrawn'} at {self.created_at:%Y-%m-%d %H:%M}"
