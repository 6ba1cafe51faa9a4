from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from audit.admin_mixins import StaffAccessAuditMixin

from .models import ConsentEvent, HealthProfile, User


@admin.register(User)
class UserAdmin(StaffAccessAuditMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "role", "is_active", "is_staff", "date_joined"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email"]
    fieldsets = [
        (None, {"fields": ["email", "password", "role"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "role", "password1", "password2"]})]


@admin.register(HealthProfile)
class HealthProfileAdmin(StaffAccessAuditMixin, admin.ModelAdmin):
    """Admins see that a profile exists, never its health content."""

    list_display = ["id", "age_band", "training_consent", "updated_at"]
    fields = ["age_band", "training_consent", "training_consent_at", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ConsentEvent)
class ConsentEventAdmin(StaffAccessAuditMixin, admin.ModelAdmin):
    list_display = ["user", "granted", "created_at"]
    readonly_fields = ["user", "granted", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
