from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.core.exceptions import ValidationError

from audit.admin_mixins import StaffAccessAuditMixin
from medportal.admin_mixins import DeletionGuardAdminMixin, ViewOnlyAdminMixin

from .models import ConsentEvent, HealthProfile, Role, User
from .services import last_admin_guard, user_set_role


class UserChangeForm(BaseUserChangeForm):
    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            remains_admin = cleaned.get("is_active", False) and (
                cleaned.get("role") == Role.ADMIN or cleaned.get("is_superuser", False)
            )
            last_admin_guard(leaving=[] if remains_admin else [self.instance])
        return cleaned


@admin.register(User)
class UserAdmin(StaffAccessAuditMixin, DeletionGuardAdminMixin, BaseUserAdmin):
    """The role decides the group and staff status (``user_set_role``), so the groups are shown,
    not edited; the last active admin can be neither demoted nor deleted."""

    form = UserChangeForm
    ordering = ["email"]
    list_display = ["email", "role", "is_active", "is_staff", "date_joined"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email"]
    fieldsets = [
        (None, {"fields": ["email", "password", "role"]}),
        ("Permissions", {"fields": ["is_active", "is_superuser", "is_staff", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = ["is_staff", "groups"]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "role", "password1", "password2"]})]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        user_set_role(user=obj, role=obj.role)

    def deletion_refusals(self, objs) -> list[str]:
        try:
            last_admin_guard(leaving=objs)
        except ValidationError as exc:
            return exc.messages
        return []


@admin.register(HealthProfile)
class HealthProfileAdmin(StaffAccessAuditMixin, ViewOnlyAdminMixin, admin.ModelAdmin):
    """Admins see that a profile exists, never its health content."""

    list_display = ["id", "age_band", "training_consent", "updated_at"]
    fields = ["age_band", "training_consent", "training_consent_at", "updated_at"]
    readonly_fields = fields


@admin.register(ConsentEvent)
class ConsentEventAdmin(StaffAccessAuditMixin, ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "granted", "created_at"]
    readonly_fields = ["user", "granted", "created_at"]


# allauth's own admin shows (and lets anyone with admin access edit) each authenticator's data,
# i.e. the TOTP secret and recovery-code seed of every clinician and admin. Ours shows who has
# which kind, and allows only removing one (a staff member who lost their phone sets up again).
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(StaffAccessAuditMixin, ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields
