from django.contrib import admin, messages

from audit.admin_mixins import StaffAccessAuditMixin

from .models import ModelVersion, TrainingCase
from .services import ApplicationError, model_version_promote, model_version_rollback


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "version",
        "algorithm",
        "alias",
        "status",
        "top1",
        "top3",
        "created_at",
        "promoted_at",
    ]
    list_filter = ["name", "alias", "status", "algorithm"]
    readonly_fields = [f.name for f in ModelVersion._meta.fields]
    actions = ["promote", "rollback"]

    @admin.display(description="top-1")
    def top1(self, obj):
        value = (obj.metrics or {}).get("top1")
        return f"{value:.3f}" if isinstance(value, float) else "—"

    @admin.display(description="top-3")
    def top3(self, obj):
        value = (obj.metrics or {}).get("top3")
        return f"{value:.3f}" if isinstance(value, float) else "—"

    def has_add_permission(self, request):
        return False

    @admin.action(description="Promote the selected version to champion")
    def promote(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to promote.", messages.ERROR)
            return
        try:
            mv = model_version_promote(
                model_version=queryset.get(), reason=f"promoted in admin by {request.user}"
            )
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, f"{mv.label} is now the champion.", messages.SUCCESS)

    @admin.action(description="Roll back to the previous champion")
    def rollback(self, request, queryset):
        names = set(queryset.values_list("name", flat=True)) or {"diagnosis"}
        for name in names:
            try:
                mv = model_version_rollback(name=name)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                continue
            self.message_user(request, f"Rolled back: {mv.label} is the champion again.", messages.SUCCESS)


@admin.register(TrainingCase)
class TrainingCaseAdmin(StaffAccessAuditMixin, admin.ModelAdmin):
    list_display = ["id", "source", "disease", "created_at"]
    list_filter = ["source"]
    readonly_fields = ["source", "disease", "symptoms", "age", "sex", "fingerprint", "session", "created_at"]
