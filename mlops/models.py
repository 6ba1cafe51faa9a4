"""The model registry and the labelled cases models are trained on."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medportal.encryption import EncryptedCharField, EncryptedJSONTextField


class TrainingCase(models.Model):
    """One labelled presentation from an import or a confirmed outcome (never synthetic rows:
    those are regenerated from the knowledge base and a seed).

    Nothing here names a person or a check in clear: the label, symptoms, age band and sex are
    encrypted like every other health field, and a confirmed case keeps only ``check_key``, a keyed
    hash of the check it came from (``services.training_check_key``), enough to find and delete
    the rows of a patient who withdraws consent but useless to anyone without the server's key.
    """

    source = models.CharField(max_length=200, help_text=_("File name of an import, or 'confirmed'."))
    condition = EncryptedCharField(max_length=80, help_text=_("Slug of the confirmed or imported condition."))
    symptoms = EncryptedJSONTextField(default=list)
    age_band = EncryptedCharField(max_length=8, blank=True, default="")
    sex = EncryptedCharField(max_length=1, blank=True, default="")
    fingerprint = models.CharField(
        max_length=64, help_text=_("Keyed hash of label + symptoms + demographics (deduplication).")
    )
    check_key = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text=_("Keyed hash of the check this case came from; empty for imports and detached cases."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["source"]),
            models.Index(fields=["fingerprint"]),
            models.Index(fields=["check_key"]),
        ]

    def __str__(self) -> str:
        return f"{self.source} #{self.pk}"


class ModelVersion(models.Model):
    """An immutable trained model. What serves is the version whose alias is ``champion``."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class Alias(models.TextChoices):
        NONE = "", _("—")
        CHAMPION = "champion", _("Champion")
        CHALLENGER = "challenger", _("Challenger")
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(max_length=60, default="diagnosis")
    version = models.PositiveIntegerField()
    algorithm = models.CharField(max_length=60)
    params = models.JSONField(default=dict, blank=True)
    data_fingerprint = models.CharField(max_length=64)
    data_sources = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    artefact_path = models.CharField(max_length=500, blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    alias = models.CharField(max_length=12, choices=Alias.choices, blank=True, default="")
    kb_version = models.PositiveIntegerField(default=0)
    decision = models.TextField(blank=True, help_text=_("Why it was or was not promoted."))
    override_reason = models.TextField(
        blank=True,
        help_text=_(
            "Set when an administrator promoted this version although a gate refused it: who, and why."
        ),
    )
    card = models.TextField(
        blank=True,
        help_text=_(
            "The model card (Markdown) as of the last registration, gate run or promotion (mlops.cards)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    replaced = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The champion this version replaced when it was promoted: what a rollback returns to."),
    )

    class Meta:
        ordering = ["-created_at", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="unique_model_version"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(alias="champion"), name="one_champion_per_model"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version} ({self.algorithm})"

    @property
    def label(self) -> str:
        return f"{self.name}-v{self.version}-{self.algorithm}"


class EvaluationCase(models.Model):
    """The frozen evaluation set: generated once, never trained on, never regenerated.

    Challengers and champions are compared on exactly these cases, so a knowledge-base edit or
    new training data cannot move the yardstick.
    """

    class Kind(models.TextChoices):
        SYNTHETIC = "synthetic", _("synthetic")
        RED_FLAG = "red_flag", _("red flag")
        SAFETY = "safety", _("model-dependent emergency or urgent presentation")

    set_name = models.CharField(max_length=40, default="frozen-v1")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    disease_slug = models.CharField(max_length=80, blank=True)
    symptoms = models.JSONField(default=list)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    expected_triage = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["set_name", "kind"])]

    def __str__(self) -> str:
        return f"{self.set_name} #{self.pk}"


class TrainingRun(models.Model):
    """One retraining attempt: when, on what data, and what came of it."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        PROMOTED = "promoted", _("Promoted")
        REJECTED = "rejected", _("Trained, not promoted")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    trigger = models.CharField(max_length=30)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    data_fingerprint = models.CharField(max_length=64, blank=True)
    model_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="training_runs"
    )
    result = models.TextField(blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"run #{self.pk} {self.trigger}: {self.status}"


class OutboxMessage(models.Model):
    """A task to publish to Celery, written in the same transaction as the change that needs it.

    If the broker is down the row simply waits; the sweeper publishes it later, so nothing is lost.
    """

    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["sent_at", "id"])]

    def __str__(self) -> str:
        return f"{self.task_name} ({'sent' if self.sent_at else 'pending'})"


class ModelArtefact(models.Model):
    """The bytes of one model artefact, next to the registry row that names it.

    Written and read only through ``mlops.storage.DatabaseStorage`` (``STORAGES["models"]``), so
    every app host and worker sees a version the moment it is registered, with no shared volume;
    each host keeps a local copy keyed by checksum (``mlops.artefacts``)."""

    name = models.CharField(max_length=500, unique=True)
    content = models.BinaryField()
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.size} bytes)"
