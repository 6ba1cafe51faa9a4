from django.contrib import admin

from medportal.admin_mixins import ViewOnlyAdminMixin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for everyone, superusers included: the trail is append-only."""

    deletable = False

    list_display = ["created_at", "action", "actor_email", "object_type", "object_id", "detail", "ip"]
    list_filter = ["action", "created_at", "object_type"]
    search_fields = ["actor_email", "object_type", "object_id", "ip"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "action",
        "actor",
        "actor_email",
        "object_type",
        "object_id",
        "detail",
        "ip",
    ]
    fields = readonly_fields
    list_select_related = ["actor"]
