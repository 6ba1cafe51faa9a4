"""An append-only record of security-relevant events. It never holds health content."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    """Bulk writes are refused too; the one exception keeps user deletion possible."""

    def update(self, **kwargs):
        # Deleting a user sets ``actor`` to NULL (the e-mail snapshot stays): that is the only
        # change an audit row may ever undergo.
        if set(kwargs) == {"actor"} and kwargs["actor"] is None:
            return super().update(**kwargs)
        raise AuditEvent.Immutable("Audit events cannot be changed.")

    def delete(self):
        raise AuditEvent.Immutable("Audit events cannot be deleted.")

    delete.queryset_only = True


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        LOGIN_SUCCESS = "login_success", _("Login succeeded")
        LOGIN_FAILED = "login_failed", _("Login failed")
        LOGOUT = "logout", _("Logout")
        MFA_CHANGE = "mfa_change", _("Two-factor authentication changed")
        EXPORT = "export", _("Personal data exported")
        ACCOUNT_DELETE = "account_delete", _("Account deleted")
        STAFF_READ = "staff_read", _("Staff viewed a record")
        STAFF_CHANGE = "staff_change", _("Staff changed a record")
        AUTHZ_DENIED = "authz_denied", _("Access denied")
        MODEL_PROMOTION = "model_promotion", _("Model promoted")
        KB_CHANGE = "kb_change", _("Knowledge base changed")

    class Immutable(Exception):
        """Raised on any attempt to change or delete an audit event."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    actor_email = models.CharField(
        max_length=254, blank=True, help_text=_("Snapshot: stays after the account is deleted.")
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(
        max_length=100, blank=True, help_text=_("App label and model, or URL name.")
    )
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.CharField(
        max_length=200, blank=True, help_text=_("Short, fixed vocabulary; never health content.")
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["action", "-created_at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        who = self.actor_email or "anonymous"
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} by {who}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise self.Immutable("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.Immutable("Audit events cannot be deleted.")
