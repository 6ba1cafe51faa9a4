from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the trail is append-only."""

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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
